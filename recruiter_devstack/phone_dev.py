"""The phone line on one machine: Redis and the LiveKit SIP service, on loopback only.

LiveKit's SIP service (``livekit-sip``, built by ``make setup`` like the server) answers SIP
calls and puts each caller into a LiveKit room as a participant; it and the LiveKit server
meet through Redis (Debian ``redis-server``). A real deployment points a SIP trunk provider
at its SIP service's public address instead (README, "Phone line").
"""

from __future__ import annotations

import json
import secrets
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path

from recruiter_config.settings import LiveKitSettings, Settings
from recruiter_devstack.errors import DevStackError
from recruiter_devstack.livekit_dev import built_binary
from recruiter_devstack.processes import ChildProcess, ChildServer, http_ok

__all__ = [
    "LIVEKIT_SIP_VERSION",
    "DevRedis",
    "DevSIPService",
    "PhonePartMissingError",
    "SIPPorts",
    "sip_answers",
    "sip_binary",
]

LIVEKIT_SIP_VERSION = "1.8.0"  # scripts/setup.sh builds this tag


class PhonePartMissingError(DevStackError):
    """``redis-server`` or ``livekit-sip`` is not installed; ``make setup`` installs both."""


def sip_binary(settings: Settings) -> Path:
    """The livekit-sip binary `make setup` builds (``<home>/bin``), else one on PATH.

    Raises:
        PhonePartMissingError: neither exists.
    """
    found = built_binary(settings, "livekit-sip")
    if found is None:
        raise PhonePartMissingError(
            f"livekit-sip is not built ({settings.home / 'bin'}); run `make setup`"
        )
    return found


def _redis_binary() -> Path:
    found = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(found).is_file():
        raise PhonePartMissingError("redis-server is not installed; run `make setup`")
    return Path(found)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def sip_answers(address: str, timeout_s: float = 1.0) -> bool:
    """Whether the SIP service at ``address`` (``host:port``, UDP) answers an OPTIONS now.

    A SIP ping (RFC 3261, section 11), which livekit-sip answers with 200 OK: proof that the
    process listening there is a SIP service and alive, which its HTTP health check is not.
    A port nobody holds fails at once (ICMP port unreachable, seen on a connected socket).
    """
    host, port = address.rsplit(":", 1)
    tag = secrets.token_hex(6)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout_s)
        try:
            s.connect((host, int(port)))
            local = s.getsockname()[1]
            ping = (
                f"OPTIONS sip:ping@{address} SIP/2.0\r\n"
                f"Via: SIP/2.0/UDP {host}:{local};branch=z9hG4bK{tag}\r\n"
                f"From: <sip:ping@{host}:{local}>;tag={tag}\r\n"
                f"To: <sip:ping@{address}>\r\nCall-ID: ping-{tag}\r\nCSeq: 1 OPTIONS\r\n"
                "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
            )
            s.send(ping.encode())
            return s.recv(2048).startswith(b"SIP/2.0 200")
        except OSError:  # a timeout, or ICMP port unreachable
            return False


class DevRedis(ChildServer):
    """A throwaway Redis on 127.0.0.1: nothing saved to disk, gone when stopped."""

    def __init__(self, port: int, *, log_path: Path, workdir: Path) -> None:
        self.port = port
        self.address = f"127.0.0.1:{port}"
        workdir.mkdir(parents=True, exist_ok=True)
        cmd = [
            str(_redis_binary()), "--bind", "127.0.0.1", "--port", str(port), "--save", "",
            "--appendonly", "no", "--dir", str(workdir), "--protected-mode", "yes",
        ]  # fmt: skip
        self._child = ChildProcess("redis", cmd, log_path=log_path)

    def start(self, timeout_s: float = 15.0) -> str:
        """Start it and wait for PONG; return its address (``host:port``)."""
        self._child.start(lambda: _answers(self.port), timeout_s)
        return self.address

    def stop(self) -> None:
        """Stop it (its data goes with it)."""
        self._child.stop()


@dataclass(frozen=True)
class SIPPorts:
    """Where the SIP service listens: SIP (UDP and TCP), its RTP range, its health check."""

    sip: int = 5060
    rtp_first: int = 20000
    rtp_last: int = 20100
    health: int = 8089


class DevSIPService(ChildServer):
    """``livekit-sip`` on 127.0.0.1, joined to a LiveKit server through Redis."""

    def __init__(
        self,
        settings: Settings,
        livekit: LiveKitSettings,
        redis_address: str,
        *,
        ports: SIPPorts | None = None,
        log_path: Path | None = None,
        binary: Path | None = None,
    ) -> None:
        self.ports = ports or SIPPorts()
        self.address = f"127.0.0.1:{self.ports.sip}"
        config = {
            "api_key": livekit.api_key,
            "api_secret": livekit.api_secret,
            "ws_url": livekit.url,
            "redis": {"address": redis_address},
            "sip_port": self.ports.sip,
            # Loopback only: without these it announces the first non-loopback address.
            "listen_ip": "127.0.0.1",
            "nat_1_to_1_ip": "127.0.0.1",
            "rtp_port": f"{self.ports.rtp_first}-{self.ports.rtp_last}",
            "health_port": self.ports.health,
            # Off, as by default: with it on, livekit-sip 1.8.0 passed none of the SIPp test
            # caller's speech to the room (the answer was never heard; off, it is).
            "enable_jitter_buffer": False,
            # At info it logs every caller's full number (personal data): warnings only.
            "logging": {"level": "warn"},
        }
        cmd = [str(binary or sip_binary(settings)), "--config-body", json.dumps(config)]
        self._child = ChildProcess(
            "livekit-sip", cmd, log_path=log_path or settings.home / "logs" / "sip.log"
        )

    def start(self, timeout_s: float = 30.0) -> str:
        """Start it, wait until it answers (``answers``) and return its SIP address.

        The address is ``host:port``. Raises ``ChildProcessError_`` when it exits first or is
        not answering within ``timeout_s``.
        """
        self._child.start(self.answers, timeout_s)
        return self.address

    def answers(self) -> bool:
        """Whether its health check and a SIP OPTIONS (``sip_answers``) are both answered now."""
        # 429 is "under load", which livekit-sip's health says while the CPUs are busy.
        health = f"http://127.0.0.1:{self.ports.health}/"
        return http_ok(health, also=(429,)) and sip_answers(self.address)

    def stop(self) -> None:
        """Stop it; calls in progress are dropped."""
        self._child.stop()
