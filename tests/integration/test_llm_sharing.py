"""Two commands on one machine (issue 17): `rehearse` while `up` runs shares the embedded LLM
server that is already there instead of failing on its port, and leaves it running; a port held
by anything else is still refused with a message naming it."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from recruiter_config.settings import Settings
from recruiter_devstack.llm_server import llm_endpoint
from recruiter_llm.client import LLMUnavailableError


def _serving(models: list[str]) -> ThreadingHTTPServer:
    """An OpenAI-style server on a free loopback port that lists ``models``."""

    class Models(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"object": "list", "data": [{"id": m} for m in models]}).encode()
            self.send_response(200 if self.path == "/v1/models" else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Models)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _on_port(settings: Settings, port: int) -> Settings:
    """``settings`` with the embedded server (no external endpoint) on ``port``."""
    llm = settings.llm.model_copy(update={"port": port, "base_url": None})
    return settings.model_copy(update={"llm": llm})


def test_a_running_server_with_the_same_model_is_shared_and_left_running(
    settings: Settings,
) -> None:
    server = _serving([settings.llm.gguf])
    port = server.server_address[1]
    shared = settings.model_copy(
        update={"llm": settings.llm.model_copy(update={"port": port, "base_url": None})}
    )
    lines: list[str] = []
    try:
        with llm_endpoint(shared, on_start=lines.append) as endpoint:
            assert endpoint.base_url == f"http://127.0.0.1:{port}/v1"
            assert endpoint.model == settings.llm.gguf
        assert lines == [f"using the embedded LLM server already running ({settings.llm.gguf})"]
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass  # still there: the command that shared it did not stop it
    finally:
        server.shutdown()
        server.server_close()


def test_a_port_held_by_another_model_is_refused_by_name(settings: Settings) -> None:
    server = _serving(["some-other-model"])
    port = server.server_address[1]
    taken = settings.model_copy(
        update={"llm": settings.llm.model_copy(update={"port": port, "base_url": None})}
    )
    try:
        with (
            pytest.raises(LLMUnavailableError, match=f"port {port} is already in use"),
            llm_endpoint(taken),
        ):
            pass
    finally:
        server.shutdown()
        server.server_close()
