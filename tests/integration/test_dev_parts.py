"""`recruiter up` notices any of its parts stopping, servers included: a SIP service that died
would otherwise leave the phone line silent while everything looked up.

Real parts: Redis, livekit-server and livekit-sip as `make setup` builds them.
"""

from __future__ import annotations

import os
import signal
import socket
from pathlib import Path

import psutil

from recruiter_config.settings import Settings
from recruiter_devstack.livekit_dev import server_binary
from recruiter_devstack.phone_dev import SIPPorts, sip_answers, sip_binary
from recruiter_devstack.stack import DevStack, StackPorts
from tests.conftest import free_ports


def test_a_port_nobody_answers_is_no_sip_service() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:  # bound, never answers
        silent.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{silent.getsockname()[1]}"
        assert not sip_answers(address, timeout_s=0.5)
    assert not sip_answers(address, timeout_s=0.5)  # nobody there now


def test_a_killed_sip_service_is_named_among_the_stopped_parts(tmp_path: Path) -> None:
    installed = Settings()  # `make setup` builds both servers into the installed data directory
    sip, livekit, tcp, udp, worker, redis, health = free_ports(7, udp_too=1)
    rtp = 20000 + health % 10000
    ports = StackPorts(
        livekit,
        tcp,
        udp,
        worker,
        redis=redis,
        sip=SIPPorts(sip=sip, rtp_first=rtp, rtp_last=rtp + 10, health=health),
    )
    stack = DevStack(Settings(home=tmp_path), ports, livekit_binary=server_binary(installed),
                     sip_binary=sip_binary(installed), phone=True)  # fmt: skip
    try:
        stack.start_livekit()
        assert stack.sip_address is not None
        assert sip_answers(stack.sip_address)  # ready means its signalling answers
        assert stack.dead() == []

        # This stack's own: the suite's phone stack runs a livekit-sip of its own meanwhile.
        mine = psutil.Process().children(recursive=True)
        service = next(p for p in mine if "livekit-sip" in " ".join(p.cmdline())
                       and f'"health_port": {health}' in " ".join(p.cmdline()))  # fmt: skip
        os.kill(service.pid, signal.SIGKILL)
        service.wait(10)

        assert stack.dead() == ["livekit-sip"]
        assert not sip_answers(stack.sip_address, timeout_s=0.5)
    finally:
        stack.stop()
