"""The embedded LLM server: llama.cpp's OpenAI-compatible server on loopback, for CPU machines."""

from __future__ import annotations

import importlib.util
import json
import logging
import socket
import sys
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from recruiter_config.assets import require_asset
from recruiter_config.settings import Settings
from recruiter_devstack.processes import ChildProcess, ChildProcessError_, http_ok
from recruiter_llm.client import LLMEndpoint, LLMUnavailableError

__all__ = [
    "LOOPBACK_HOST",
    "EmbeddedLLMServer",
    "LoopbackLLMServer",
    "endpoint_env",
    "free_port",
    "pointed_at",
    "port_taken",
    "resolve_endpoint",
    "serving",
]

logger = logging.getLogger("recruiter.llm")

LOOPBACK_HOST = "127.0.0.1"


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex((LOOPBACK_HOST, port)) != 0


class LoopbackLLMServer:
    """An OpenAI-compatible server run as a child on 127.0.0.1, stopped with its process group.

    What llama.cpp's and vLLM's servers share: the port check, the wait for ``/v1/models``,
    errors translated to ``LLMUnavailableError``, stop, wait and the context manager.
    Subclasses set ``endpoint`` and implement ``start`` with ``_launch``.
    """

    endpoint: LLMEndpoint
    _stop_grace_s = 5.0

    def __init__(self, name: str, *, port: int, log_path: Path) -> None:
        self._name = name
        self._port = port
        self.log_path = log_path
        self._child: ChildProcess | None = None

    def start(self, *, ready_timeout_s: float = 120.0) -> LLMEndpoint:
        """Start the server and wait until it answers; return its endpoint."""
        raise NotImplementedError

    def _launch(
        self, cmd: list[str], *, ready_timeout_s: float, env: dict[str, str] | None = None
    ) -> LLMEndpoint:
        """Run ``cmd`` and wait until ``/v1/models`` answers 200.

        Raises:
            LLMUnavailableError: the port is taken, or the server exited or was not ready in
                time (the message names the log).
        """
        if not _port_free(self._port):
            raise LLMUnavailableError(
                f"port {self._port} is already in use; stop what holds it or set "
                "RECRUITER_LLM__PORT"
            )
        self._child = ChildProcess(self._name, cmd, log_path=self.log_path, env=env)
        url = f"{self.endpoint.base_url}/models"
        try:
            self._child.start(lambda: http_ok(url, timeout_s=1.0), ready_timeout_s)
        except ChildProcessError_ as e:
            raise LLMUnavailableError(str(e)) from e
        logger.info("LLM server ready on port %d", self._port)
        return self.endpoint

    def stop(self) -> None:
        """Stop the server (SIGTERM to its process group, then SIGKILL after a grace period)."""
        if self._child is not None:
            self._child.stop(grace_s=self._stop_grace_s)

    @property
    def name(self) -> str:
        """What a message calls it."""
        return self._name

    @property
    def running(self) -> bool:
        """Whether the server this object started is still alive (False before ``start``)."""
        return self._child is not None and self._child.running

    @property
    def pid(self) -> int | None:
        """The server's process id, also its process group's (None when not running)."""
        return self._child.pid if self._child is not None else None

    def wait(self) -> int:
        """Block until the server exits; return its exit code."""
        assert self._child is not None, "server not started"
        return self._child.wait()

    def __enter__(self) -> LLMEndpoint:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class EmbeddedLLMServer(LoopbackLLMServer):
    """Start ``llama_cpp.server`` with a packaged GGUF and stop it again (a context manager)."""

    def __init__(self, settings: Settings, *, log_path: Path | None = None) -> None:
        super().__init__(
            "the embedded LLM server",
            port=settings.llm.port,
            log_path=log_path or settings.home / "logs" / "llm-server.log",
        )
        self._settings = settings
        self.endpoint = LLMEndpoint(
            base_url=f"http://{LOOPBACK_HOST}:{settings.llm.port}/v1",
            model=settings.llm.gguf,
            json_mode="json_object",
        )

    def start(self, *, ready_timeout_s: float = 120.0) -> LLMEndpoint:
        """Start the server and wait until it answers; return its endpoint."""
        if importlib.util.find_spec("llama_cpp") is None:
            raise LLMUnavailableError(
                "the embedded LLM server (llama-cpp-python) is not installed; run `make setup`, "
                "or point RECRUITER_LLM__BASE_URL at an OpenAI-compatible server"
            )
        gguf = require_asset(self._settings.models_dir, self._settings.llm.gguf)
        cmd = [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(gguf), "--model_alias", self._settings.llm.gguf,
            "--host", LOOPBACK_HOST, "--port", str(self._port),
            "--n_ctx", str(self._settings.llm.context),
            "--n_threads", str(self._settings.llm.threads),
            # Its default ends the running stream, as if complete, whenever another request
            # arrives: two interviews at once (or a command sharing the server) would cut each
            # other's replies short. Requests wait their turn instead.
            "--interrupt_requests", "false",
        ]  # fmt: skip
        return self._launch(cmd, ready_timeout_s=ready_timeout_s)


def resolve_endpoint(settings: Settings) -> LLMEndpoint | None:
    """The configured external endpoint, or None when the embedded server should be used."""
    if not settings.llm.base_url:
        return None
    return LLMEndpoint(
        base_url=settings.llm.base_url,
        model=settings.llm.model or "default",
        api_key=settings.llm.api_key,
        json_mode=settings.llm.json_mode,
    )


def serving(port: int, model: str) -> LLMEndpoint | None:
    """The OpenAI-compatible server on loopback ``port`` when its ``/v1/models`` lists
    ``model`` (the embedded server another command runs), else None: nothing there, or
    another model or program."""
    if _port_free(port):
        return None
    base_url = f"http://{LOOPBACK_HOST}:{port}/v1"
    try:
        with urllib.request.urlopen(f"{base_url}/models", timeout=2.0) as response:
            listed = json.load(response).get("data") or []
    except (urllib.error.URLError, OSError, ValueError, AttributeError):
        return None
    if not any(isinstance(m, dict) and m.get("id") == model for m in listed):
        return None
    return LLMEndpoint(base_url=base_url, model=model, json_mode="json_object")


def free_port() -> int:
    """A TCP port free on loopback now (the system's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK_HOST, 0))
        return int(sock.getsockname()[1])


def port_taken(port: int) -> bool:
    """Whether something listens on loopback ``port``."""
    return not _port_free(port)


def endpoint_env(endpoint: LLMEndpoint) -> dict[str, str]:
    """The environment that points job processes at ``endpoint`` (they read Settings)."""
    return {
        "RECRUITER_LLM__BASE_URL": endpoint.base_url,
        "RECRUITER_LLM__MODEL": endpoint.model,
        "RECRUITER_LLM__API_KEY": endpoint.api_key,
        "RECRUITER_LLM__JSON_MODE": endpoint.json_mode,
    }


def pointed_at(settings: Settings, endpoint: LLMEndpoint) -> Settings:
    """``settings`` reaching ``endpoint``, as a process started with ``endpoint_env`` reads
    them: a command that starts the embedded server gives its own code the same endpoint as its
    job processes (``resolve_endpoint`` then returns it)."""
    llm = settings.llm.model_copy(update={
        "base_url": endpoint.base_url, "model": endpoint.model, "api_key": endpoint.api_key,
        "json_mode": endpoint.json_mode,
    })  # fmt: skip
    return settings.model_copy(update={"llm": llm})
