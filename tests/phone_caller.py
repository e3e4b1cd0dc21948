"""A caller on the phone line for tests and the phone bench: SIPp for SIP and DTMF, an RTP endpoint
of our own for the call's audio.

SIPp (Debian ``sip-tester``) places the call (INVITE, ACK), keys in digits as RFC 4733 events
(``play_dtmf``) and hangs up (BYE) when told to, or answers the SIP service's BYE. SIPp cannot
record what it hears, so the call's audio goes to :class:`RtpEndpoint`: a UDP socket whose port
the INVITE's SDP offers. It records the recruiter's audio (G.711 mu-law, 8 kHz) and sends the
caller's audio back from the same port: silence, or an answer when :meth:`RtpEndpoint.say` is
called, paced at 20 ms a packet as a phone does.

The test tells SIPp to hang up by sending it a SIP INFO inside the call (:meth:`SIPpCall.hang_up`).
"""

from __future__ import annotations

import random
import shutil
import socket
import struct
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tests.telephone import LINE_RATE, from_mulaw, mulaw_bytes

__all__ = ["RtpEndpoint", "SIPpCall", "sipp_binary"]

_PACKET = 160  # 20 ms of 8 kHz mu-law
# Between answers a phone sends its line's faint noise, never exact digital zeros.
_HISS = mulaw_bytes(np.random.default_rng(5).normal(0.0, 10 ** (-60 / 20), 8000), LINE_RATE)

SCENARIO = """<?xml version="1.0" encoding="UTF-8" ?>
<scenario name="a candidate calls the phone line">
  <send retrans="500"><![CDATA[
INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:[caller]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:[caller]@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

v=0
o=- 1 1 IN IP4 [local_ip]
s=-
c=IN IP4 [local_ip]
t=0 0
m=audio [rx_port] RTP/AVP 0 96
a=rtpmap:0 PCMU/8000
a=rtpmap:96 telephone-event/8000
a=fmtp:96 0-16
a=sendrecv
]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rrs="true"/>
  <send><![CDATA[
ACK [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:[caller]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
[last_To:]
Call-ID: [call_id]
CSeq: 1 ACK
Contact: <sip:[caller]@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Length: 0
]]></send>
  <pause milliseconds="@DTMF_AFTER_MS@"/>
  <nop><action><exec play_dtmf="@KEYS@"/></action></nop>
  <recv request="INFO" optional="true" next="hang_up" timeout="@CALL_MS@" ontimeout="hang_up"/>
  <recv request="BYE" next="bye_in"/>
  <label id="hang_up"/>
  <send><![CDATA[
BYE [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:[caller]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: 2 BYE
Max-Forwards: 70
Content-Length: 0
]]></send>
  <recv response="200" crlf="true" next="done"/>
  <label id="bye_in"/>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0
]]></send>
  <label id="done"/>
</scenario>
"""


def sipp_binary() -> str:
    """SIPp from Debian ``sip-tester`` (``make setup`` installs it)."""
    found = shutil.which("sipp")
    if found is None:
        raise FileNotFoundError("sipp is not installed (Debian sip-tester); run `make setup`")
    return found


@dataclass
class RtpEndpoint:
    """The caller's side of the call's audio: records what arrives, sends silence or speech."""

    sock: socket.socket = field(init=False)
    heard: bytearray = field(default_factory=bytearray)
    _arrivals: list[tuple[float, int]] = field(default_factory=list)  # (time, bytes before)
    _speech: bytearray = field(default_factory=bytearray)
    _remote: tuple[str, int] | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)
    spoke_until: float | None = None

    def __post_init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        for target in (self._receive, self._send):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)

    @property
    def port(self) -> int:
        """The UDP port the INVITE's SDP offers for the call's audio."""
        port: int = self.sock.getsockname()[1]
        return port

    def say(self, samples: np.ndarray, rate: int) -> float:
        """Queue ``samples`` (float, mono, ``rate`` Hz) as the caller's speech; returns when
        (wall clock, seconds) the last of it will have been sent."""
        data = mulaw_bytes(samples, rate)
        with self._lock:
            self._speech += data
            queued = len(self._speech)
        self.spoke_until = time.time() + queued / LINE_RATE
        return self.spoke_until

    def recruiter_audio(self, rate: int = 16000) -> np.ndarray:
        """Everything heard from the recruiter so far, decoded, at ``rate`` Hz."""
        return from_mulaw(bytes(self.heard), rate)

    def heard_between(self, start: float, end: float, rate: int = 16000) -> np.ndarray:
        """What was heard between two wall-clock times, decoded, at ``rate`` Hz."""
        first = next((n for t, n in self._arrivals if t >= start), len(self.heard))
        last = next((n for t, n in self._arrivals if t > end), len(self.heard))
        return from_mulaw(bytes(self.heard[first:last]), rate)

    def first_sound_after(self, t: float, threshold: float = 0.02) -> float | None:
        """The wall-clock time of the first audible recruiter packet after ``t``."""
        for arrived, start in self._arrivals:
            if arrived <= t:
                continue
            chunk = from_mulaw(bytes(self.heard[start : start + _PACKET]), LINE_RATE)
            if chunk.size and float(np.sqrt(np.mean(chunk**2))) > threshold:
                return arrived
        return None

    def close(self) -> None:
        """Stop sending and receiving."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2)
        self.sock.close()

    def _receive(self) -> None:
        while not self._stop.is_set():
            try:
                packet, source = self.sock.recvfrom(2048)
            except (TimeoutError, OSError):
                continue
            if len(packet) < 12 or packet[0] >> 6 != 2:
                continue
            self._remote = self._remote or source
            payload_type = packet[1] & 0x7F
            if payload_type != 0:  # only PCMU is audio here
                continue
            header = 12 + 4 * (packet[0] & 0x0F)
            if packet[0] & 0x10:  # a header extension: its length is in 32-bit words
                header += 4 + 4 * struct.unpack("!H", packet[header + 2 : header + 4])[0]
            self._arrivals.append((time.time(), len(self.heard)))
            self.heard += packet[header:]

    def _send(self) -> None:
        ssrc, seq, stamp = random.getrandbits(32), random.getrandbits(16), random.getrandbits(32)
        next_at = time.monotonic()
        while not self._stop.is_set():
            next_at += 0.02
            time.sleep(max(0.0, next_at - time.monotonic()))
            if self._remote is None:
                continue  # the far end's address is learnt from its first packet
            with self._lock:
                payload = bytes(self._speech[:_PACKET])
                del self._speech[:_PACKET]
            at = (stamp % len(_HISS)) // _PACKET * _PACKET
            payload += _HISS[at + len(payload) : at + _PACKET]
            header = struct.pack("!BBHII", 0x80, 0, seq, stamp, ssrc)
            seq, stamp = (seq + 1) & 0xFFFF, (stamp + _PACKET) & 0xFFFFFFFF
            try:
                self.sock.sendto(header + payload, self._remote)
            except OSError:
                return


@dataclass
class SIPpCall:
    """One call placed by SIPp to ``service`` (a number) at the SIP service ``address``."""

    address: str  # host:port of the SIP service
    service: str  # the number dialled
    keys: str  # the digits keyed in after the call is answered ("" for none)
    workdir: Path
    caller: str = "+15550109999"
    dtmf_after_s: float = 1.0
    call_s: int = 600  # SIPp hangs up by itself after this long
    rtp: RtpEndpoint = field(default_factory=RtpEndpoint)
    call_key: str = field(default_factory=lambda: f"test-{random.getrandbits(48):x}")
    _proc: subprocess.Popen[bytes] | None = None
    _sip_port: int = 0

    def start(self) -> None:
        """Place the call (SIPp runs in the background)."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        scenario = self.workdir / "call.xml"
        keys = self.keys or "#"  # play_dtmf needs a key; a lone # is "no code" to the desk
        # SIPp substitutes [keywords] in messages only; attributes are written in here.
        text = (
            SCENARIO.replace("@DTMF_AFTER_MS@", str(int(self.dtmf_after_s * 1000)))
            .replace("@KEYS@", keys)
            .replace("@CALL_MS@", str(self.call_s * 1000))
        )
        scenario.write_text(text, encoding="utf-8")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind(("127.0.0.1", 0))
            self._sip_port = probe.getsockname()[1]
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind(("127.0.0.1", 0))
            media = probe.getsockname()[1]
        cmd = [
            sipp_binary(), "-sf", str(scenario), "-i", "127.0.0.1", "-p", str(self._sip_port),
            "-mi", "127.0.0.1", "-mp", str(media), "-m", "1", "-nostdin", "-timeout_error",
            "-timeout", f"{self.call_s + 60}s", "-trace_err", "-trace_msg",
            "-s", self.service, "-key", "caller", self.caller,
            "-key", "rx_port", str(self.rtp.port), "-cid_str", f"{self.call_key}-%u",
            self.address,
        ]  # fmt: skip
        with (self.workdir / "sipp.out").open("wb") as log:  # the child keeps its own copy
            self._proc = subprocess.Popen(
                cmd, cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT
            )

    def hang_up(self) -> None:
        """Tell SIPp to hang up now: a SIP INFO in the call, which its scenario waits for."""
        info = (
            f"INFO sip:{self.caller}@127.0.0.1:{self._sip_port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK{random.getrandbits(32):x}\r\n"
            f"From: <sip:control@127.0.0.1>;tag=control\r\n"
            f"To: <sip:{self.caller}@127.0.0.1>\r\n"
            f"Call-ID: {self.call_key}-1\r\nCSeq: 1 INFO\r\nContent-Length: 0\r\n\r\n"
        )
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(info.encode(), ("127.0.0.1", self._sip_port))

    def wait(self, timeout_s: float) -> int:
        """Wait for SIPp to finish the call; its exit code (0: the call went as scripted)."""
        assert self._proc is not None
        return self._proc.wait(timeout=timeout_s)

    @property
    def running(self) -> bool:
        """Whether SIPp is still in the call."""
        return self._proc is not None and self._proc.poll() is None

    def log(self) -> str:
        """SIPp's output and error trace, for a failing test's message."""
        parts = [p.read_text(errors="replace")[-3000:] for p in sorted(self.workdir.glob("*"))
                 if p.suffix in {".out", ".log"}]  # fmt: skip
        return "\n".join(parts)

    def close(self) -> None:
        """End SIPp if it is still running, and the RTP endpoint."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
        self.rtp.close()
