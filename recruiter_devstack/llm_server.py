"""The embedded LLM server: llama.cpp's OpenAI-compatible server on loopback, for CPU machines."""

from __future__ import annotations

import importlib.util
import logging
import socket
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from recruiter_config.assets import require_asset
from recruiter_config.settings import Settings
from recruiter_devstack.processes import ChildProcess, ChildProcessError_, http_ok
from recruiter_llm.client import LLMEndpoint, LLMUnavailableError

__all__ = ["EmbeddedLLMServer", "endpoint_env", "llm_endpoint", "resolve_endpoint"]

logger = logging.getLogger("recruiter.llm")

_HOST = "127.0.0.1"


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex((_HOST, port)) != 0


class EmbeddedLLMServer:
    """Start ``llama_cpp.server`` with a packaged GGUF and stop it again (a context manager)."""

    def __init__(self, settings: Settings, *, log_path: Path | None = None) -> None:
        self._settings = settings
        self._log_path = log_path or settings.home / "logs" / "llm-server.log"
        self._child: ChildProcess | None = None
        self.endpoint = LLMEndpoint(
            base_url=f"http://{_HOST}:{settings.llm.port}/v1",
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
        port = self._settings.llm.port
        if not _port_free(port):
            raise LLMUnavailableError(
                f"port {port} is already in use; stop what holds it or set RECRUITER_LLM__PORT"
            )
        cmd = [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(gguf), "--model_alias", self._settings.llm.gguf,
            "--host", _HOST, "--port", str(port),
            "--n_ctx", str(self._settings.llm.context),
            "--n_threads", str(self._settings.llm.threads),
        ]  # fmt: skip
        self._child = ChildProcess("the embedded LLM server", cmd, log_path=self._log_path)
        url = f"{self.endpoint.base_url}/models"
        try:
            self._child.start(lambda: http_ok(url, timeout_s=1.0), ready_timeout_s)
        except ChildProcessError_ as e:
            raise LLMUnavailableError(str(e)) from e
        logger.info("embedded LLM server ready on port %d", port)
        return self.endpoint

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 5 s)."""
        if self._child is not None:
            self._child.stop(grace_s=5)

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


@contextmanager
def llm_endpoint(
    settings: Settings, *, on_start: Callable[[str], None] | None = None
) -> Iterator[LLMEndpoint]:
    """The LLM for one command: the configured endpoint, else the embedded server, started for
    the block and stopped after it (``on_start`` hears a line when it starts one).

    Raises:
        LLMUnavailableError: the embedded server is not installed, its port is taken or it did
            not become ready.
    """
    endpoint = resolve_endpoint(settings)
    if endpoint is not None:
        yield endpoint
        return
    if on_start is not None:
        on_start(f"starting the embedded LLM server ({settings.llm.gguf})")
    server = EmbeddedLLMServer(settings)
    try:
        # Inside the try: Ctrl-C while the server loads its model still stops it (the child
        # runs in its own session and does not get the terminal's SIGINT).
        yield server.start()
    finally:
        server.stop()


def endpoint_env(endpoint: LLMEndpoint) -> dict[str, str]:
    """The environment that points job processes at ``endpoint`` (they read Settings)."""
    return {
        "RECRUITER_LLM__BASE_URL": endpoint.base_url,
        "RECRUITER_LLM__MODEL": endpoint.model,
        "RECRUITER_LLM__API_KEY": endpoint.api_key,
        "RECRUITER_LLM__JSON_MODE": endpoint.json_mode,
    }
