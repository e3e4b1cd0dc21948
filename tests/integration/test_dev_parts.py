"""`recruiter up` notices any of its parts stopping, servers included: a SIP service that died
would otherwise leave the phone line silent while everything looked up.

Real parts: Redis, livekit-server and livekit-sip as `make setup` builds them.
"""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

import psutil

from recruiter_config.settings import Settings
from recruiter_devstack.livekit_dev import server_binary
from recruiter_devstack.phone_dev import SIPPorts, sip_answers, sip_binary
from recruiter_devstack.stack import DevStack, StackPorts


def _free(kind: socket.SocketKind = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_a_port_nobody_answers_is_no_sip_service() -> None:
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # bound, never answers
    silent.bind(("127.0.0.1", 0))
    try:
        started = time.monotonic()
        assert not sip_answers(f"127.0.0.1:{silent.getsockname()[1]}", timeout_s=0.5)
        assert time.monotonic() - started < 2.0
    finally:
        silent.close()
    assert not sip_answers(f"127.0.0.1:{_free(socket.SOCK_DGRAM)}", timeout_s=0.5)


def test_a_killed_sip_service_is_named_among_the_stopped_parts(tmp_path: Path) -> None:
    installed = Settings()  # `make setup` builds both servers into the installed data directory
    rtp = 30000 + (_free() % 20000)
    ports = StackPorts(
        _free(), _free(), _free(), _free(), redis=_free(),
        sip=SIPPorts(sip=_free(socket.SOCK_DGRAM), rtp_first=rtp, rtp_last=rtp + 10,
                     health=_free()),
    )  # fmt: skip
    stack = DevStack(Settings(home=tmp_path), ports, livekit_binary=server_binary(installed),
                     sip_binary=sip_binary(installed), phone=True)  # fmt: skip
    try:
        stack.start_livekit()
        assert stack.sip_address is not None
        assert sip_answers(stack.sip_address)  # ready means its signalling answers
        assert stack.dead() == []

        sip = next(p for p in psutil.process_iter(["cmdline"])
                   if str(ports.sip.health) in " ".join(p.info["cmdline"] or ())
                   and "livekit-sip" in " ".join(p.info["cmdline"] or ()))  # fmt: skip
        os.kill(sip.pid, signal.SIGKILL)
        sip.wait(10)

        assert stack.dead() == ["livekit-sip"]
        assert not sip_answers(stack.sip_address, timeout_s=0.5)
    finally:
        stack.stop()
