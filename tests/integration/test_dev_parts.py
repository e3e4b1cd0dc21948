"""`recruiter up` notices any of its parts stopping, servers included: a SIP service that died
would otherwise leave the phone line silent while everything looked up. LiveKit nodes sharing
Redis spread new rooms over themselves.

Real parts: Redis, livekit-server and livekit-sip as `make setup` builds them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
from pathlib import Path

import psutil
from livekit import api

from recruiter_config.settings import LiveKitSettings, Settings
from recruiter_devstack.livekit_dev import DevLiveKitServer, server_binary
from recruiter_devstack.phone_dev import DevRedis, SIPPorts, sip_answers, sip_binary
from recruiter_devstack.stack import DevStack, StackPorts
from tests.conftest import free_ports, run


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


def test_nodes_sharing_redis_put_each_new_room_on_the_node_hosting_fewest(tmp_path: Path) -> None:
    """Rooms opened one after another on two nodes alternate: the second goes to the node
    the first did not, and so do the fourth and the third (the third meets a tie). LiveKit's
    default choice is random, which passes this one time in four. A node publishes its room
    count every 2 s (livekit-server's stats interval), and a count is used until it is more
    than 2 whole seconds old, so a room is opened at most every 4.5 s."""
    settings = Settings(home=tmp_path)
    udp_1, udp_2, redis_port, port_1, tcp_1, port_2, tcp_2 = free_ports(7, udp_too=2)
    redis = DevRedis(redis_port, log_path=tmp_path / "redis.log", workdir=tmp_path / "redis")
    nodes = [
        DevLiveKitServer(settings, port=port, rtc_tcp_port=tcp, udp_port=udp,
                         log_path=tmp_path / f"livekit-{port}.log",
                         binary=server_binary(Settings()), redis_address=redis.address)
        for port, tcp, udp in ((port_1, tcp_1, udp_1), (port_2, tcp_2, udp_2))
    ]  # fmt: skip
    with contextlib.ExitStack() as running:
        running.callback(redis.stop)
        redis.start()
        for node in nodes:
            running.callback(node.stop)
            node.start()

        async def open_rooms() -> None:
            for i in range(4):
                if i:
                    await asyncio.sleep(4.5)  # the last room's node has published its count
                livekit: LiveKitSettings = nodes[i % 2].livekit
                async with api.LiveKitAPI(livekit.url, livekit.api_key,
                                          livekit.api_secret) as lk:  # fmt: skip
                    await lk.room.create_room(api.CreateRoomRequest(name=f"room-{i}"))

        run(open_rooms())
        placed = _rooms_per_node(redis_port)
    assert set(placed) == {f"room-{i}" for i in range(4)}
    assert placed["room-0"] != placed["room-1"], placed
    assert placed["room-2"] != placed["room-3"], placed


def _rooms_per_node(port: int) -> dict[str, str]:
    """Room name -> the node id hosting it, as the nodes recorded it in Redis (livekit-server's
    ``room_node_map`` hash)."""
    cli = shutil.which("redis-cli") or "/usr/bin/redis-cli"
    asked = [cli, "-p", str(port), "--raw", "HGETALL", "room_node_map"]
    out = subprocess.run(asked, capture_output=True, text=True, check=True, timeout=10).stdout
    pairs = out.split()
    return dict(zip(pairs[0::2], pairs[1::2], strict=True))
