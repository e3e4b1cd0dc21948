"""The LiveKit server for development and tests: the Go binary set-up builds, on loopback only.

Production points ``LIVEKIT_URL`` at a self-hosted cluster or LiveKit Cloud instead; the project
never runs media server code of its own.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from recruiter_config.settings import LiveKitSettings, Settings
from recruiter_devstack.errors import DevStackError
from recruiter_devstack.processes import ChildProcess, ChildServer, http_ok

__all__ = [
    "LIVEKIT_SERVER_VERSION",
    "DevLiveKitServer",
    "LiveKitServerMissingError",
    "built_binary",
    "server_binary",
]

LIVEKIT_SERVER_VERSION = "1.13.5"


class LiveKitServerMissingError(DevStackError):
    """The livekit-server binary is not built."""


def built_binary(settings: Settings, name: str) -> Path | None:
    """The binary ``name`` that `make setup` builds into ``<home>/bin``, else one on PATH."""
    built = settings.home / "bin" / name
    if built.is_file():
        return built
    found = shutil.which(name)
    return Path(found) if found else None


def server_binary(settings: Settings) -> Path:
    """The livekit-server binary `make setup` builds (``<home>/bin``), else one on PATH.

    Raises:
        LiveKitServerMissingError: neither exists.
    """
    found = built_binary(settings, "livekit-server")
    if found is None:
        raise LiveKitServerMissingError(
            f"livekit-server is not built ({settings.home / 'bin'}); run `make setup`, or set "
            "LIVEKIT_URL to a server"
        )
    return found


class DevLiveKitServer(ChildServer):
    """A single-node LiveKit server on 127.0.0.1 with the settings' key pair.

    ``redis_address`` (``host:port``) joins it to Redis, where the SIP service finds it and
    other nodes share its rooms (a new room goes to the node hosting the fewest); the phone
    line and a multi-node deployment need that, the browser path alone does not.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        port: int = 7880,
        rtc_tcp_port: int = 7881,
        udp_port: int = 7882,
        log_path: Path | None = None,
        binary: Path | None = None,
        redis_address: str | None = None,
    ) -> None:
        self.port = port
        self.livekit = LiveKitSettings(
            url=f"ws://127.0.0.1:{port}",
            api_key=settings.livekit.api_key,
            api_secret=settings.livekit.api_secret,
        )
        config = {
            "port": port,
            "bind_addresses": ["127.0.0.1"],
            "rtc": {
                "tcp_port": rtc_tcp_port,
                "udp_port": udp_port,  # one port for all media (muxed), like the dev default
                "use_external_ip": False,
                "node_ip": "127.0.0.1",
            },
            "keys": {settings.livekit.api_key: settings.livekit.api_secret},
            # The server dispatches only to workers below this CPU load (default 0.7). Here the
            # worker shares the machine with everything else, so it is always chosen.
            "agents": {"target_load": 2.0},
            "logging": {"level": "info"},
        }
        if redis_address is not None:
            config["redis"] = {"address": redis_address}
            # Nodes sharing Redis: a new room goes to the node hosting the fewest rooms (each
            # node publishes its count every 2 s), not to a random one (livekit-server's
            # default, node_selector.sort_by: random, which put 4 rooms of 4 on one node).
            config["node_selector"] = {"kind": "any", "sort_by": "rooms", "algorithm": "lowest"}
        # YAML is a superset of JSON, so the config body can be written as JSON.
        cmd = [str(binary or server_binary(settings)), "--config-body", json.dumps(config)]
        self._child = ChildProcess(
            "livekit-server", cmd, log_path=log_path or settings.home / "logs" / "livekit.log"
        )

    def start(self, timeout_s: float = 30.0) -> LiveKitSettings:
        """Start the server and wait until it answers; return how to reach it."""
        self._child.start(lambda: http_ok(f"http://127.0.0.1:{self.port}/"), timeout_s)
        return self.livekit

    def stop(self) -> None:
        """Stop the server."""
        self._child.stop()

    def __enter__(self) -> LiveKitSettings:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
