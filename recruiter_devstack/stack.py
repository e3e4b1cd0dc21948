"""The parts of a live interview on one machine: LiveKit server, LLM server, worker (and web app).

``recruiter up``, the end-to-end tests and the room benchmark all start them this way. A part is
skipped when the settings point at an external one (``LIVEKIT_URL``, ``RECRUITER_LLM__BASE_URL``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from recruiter_config.settings import LiveKitSettings, Settings
from recruiter_devstack.livekit_dev import DevLiveKitServer
from recruiter_devstack.llm_server import endpoint_env, resolve_endpoint
from recruiter_devstack.llm_sharing import SharedEmbeddedServer
from recruiter_devstack.phone_dev import DevRedis, DevSIPService, SIPPorts
from recruiter_devstack.processes import ChildProcess, http_ok
from recruiter_llm.client import LLMEndpoint

__all__ = ["DevStack", "StackPorts"]

_ME = [sys.executable, "-m", "recruiter_cli.main"]


@dataclass(frozen=True)
class StackPorts:
    """Where the local servers listen (LiveKit's defaults; tests pass free ports)."""

    livekit: int = 7880
    livekit_tcp: int = 7881
    livekit_udp: int = 7882
    worker_http: int = 8081
    redis: int = 6390  # not Redis's 6379, so a system Redis is left alone
    sip: SIPPorts = field(default_factory=SIPPorts)


@dataclass
class DevStack:
    """Starts the parts in order and stops them in reverse; a context manager."""

    settings: Settings
    ports: StackPorts = field(default_factory=StackPorts)
    external_livekit: bool = False
    livekit_binary: Path | None = None
    phone: bool = False  # also Redis and the SIP service: calls come in at ``sip_address``
    sip_binary: Path | None = None
    log_dir: Path | None = None
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    livekit: LiveKitSettings | None = None
    endpoint: LLMEndpoint | None = None
    sip_address: str | None = None
    _servers: list[DevLiveKitServer | SharedEmbeddedServer | DevRedis | DevSIPService] = field(
        default_factory=list
    )
    _children: list[ChildProcess] = field(default_factory=list)

    @property
    def logs(self) -> Path:
        """Where each part writes its log."""
        return self.log_dir or self.settings.home / "logs"

    def start_livekit(self) -> LiveKitSettings:
        """The dev server on loopback, or the configured one when ``external_livekit``."""
        if self.external_livekit:
            self.livekit = self.settings.livekit
        else:
            redis = None
            if self.phone:
                redis = DevRedis(self.ports.redis, log_path=self.logs / "redis.log",
                                 workdir=self.settings.home / "redis")  # fmt: skip
                self._servers.append(redis)
                redis.start()
            server = DevLiveKitServer(
                self.settings, port=self.ports.livekit, rtc_tcp_port=self.ports.livekit_tcp,
                udp_port=self.ports.livekit_udp, log_path=self.logs / "livekit.log",
                binary=self.livekit_binary, redis_address=redis.address if redis else None,
            )  # fmt: skip
            self._servers.append(server)
            self.livekit = server.start()
            if redis is not None:
                sip = DevSIPService(
                    self.settings, self.livekit, redis.address, ports=self.ports.sip,
                    log_path=self.logs / "sip.log", binary=self.sip_binary,
                )  # fmt: skip
                self._servers.append(sip)
                self.sip_address = sip.start()
                self.env["RECRUITER_PHONE__ENABLED"] = "true"  # invitations offer the line
        self.env.update(
            LIVEKIT_URL=self.livekit.url, LIVEKIT_API_KEY=self.livekit.api_key,
            LIVEKIT_API_SECRET=self.livekit.api_secret,
        )  # fmt: skip
        return self.livekit

    def start_llm(self) -> LLMEndpoint:
        """The configured endpoint, else the embedded llama.cpp server (the one another
        command runs, or one started here: ``SharedEmbeddedServer``)."""
        endpoint = resolve_endpoint(self.settings)
        if endpoint is None:
            server = SharedEmbeddedServer(self.settings, log_path=self.logs / "llm-server.log")
            self._servers.append(server)
            endpoint = server.start()
        self.endpoint = endpoint
        self.env.update(endpoint_env(endpoint))
        return endpoint

    def start_worker(self, *, timeout_s: float = 180.0) -> None:
        """The worker, taking interviews dispatched to the settings' agent name."""
        log = self.logs / "worker.log"
        cmd = [
            *_ME, "worker", "start", "--agent-name", self.settings.web.agent_name,
            "--idle-processes", "1", "--http-port", str(self.ports.worker_http),
            # One machine holds one interview at a time: never refuse it for CPU load.
            "--load-threshold", "inf",
        ]  # fmt: skip
        self._start_child(ChildProcess("worker", cmd, log_path=log, env=self._env()),
                          lambda: log.is_file() and b"registered worker" in log.read_bytes(),
                          timeout_s)  # fmt: skip

    def start_web(self, *, timeout_s: float = 60.0) -> str:
        """The web app; returns its base URL."""
        base = self.settings.web.base_url
        child = ChildProcess("web", [*_ME, "web"], log_path=self.logs / "web.log", env=self._env())
        self._start_child(child, lambda: http_ok(f"{base}/api/openapi.json"), timeout_s)
        return base

    def start(self) -> DevStack:
        """LiveKit, the LLM and the worker (not the web app)."""
        try:
            self.start_livekit()
            self.start_llm()
            self.start_worker()
        except BaseException:
            self.stop()
            raise
        return self

    def dead(self) -> list[str]:
        """The parts started here that have stopped on their own (servers and children)."""
        parts = [*self._servers, *self._children]
        return [part.name for part in parts if not part.running]

    def stop(self) -> None:
        """Stop everything, last started first."""
        for child in reversed(self._children):
            child.stop(grace_s=20)
        for server in reversed(self._servers):
            server.stop()
        self._children.clear()
        self._servers.clear()

    def _env(self) -> Mapping[str, str]:
        web = self.settings.web
        extra = {"RECRUITER_HOME": str(self.settings.home), "RECRUITER_WEB__PORT": str(web.port),
                 "RECRUITER_WEB__HOST": web.host}  # fmt: skip
        if web.secret:
            extra["RECRUITER_WEB__SECRET"] = web.secret
        return {**self.env, **extra}

    def _start_child(
        self, child: ChildProcess, ready: Callable[[], bool], timeout_s: float
    ) -> None:
        self._children.append(child)
        child.start(ready, timeout_s)

    def __enter__(self) -> DevStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
