"""Two commands on one machine (issue 17): each uses the embedded LLM server another one runs
instead of failing on its port; it stops when the last of them ends, whichever started it, and
only then; a port held by another program moves the server to a free port."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recruiter_cli.main import app
from recruiter_config.settings import Settings
from recruiter_devstack.llm_server import port_taken, serving
from recruiter_devstack.llm_sharing import llm_endpoint, registry
from tests.conftest import free_ports


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


def test_a_port_held_by_another_program_moves_the_server_to_a_free_port(
    settings: Settings,
) -> None:
    server = _serving(["some-other-model"])
    port = server.server_address[1]
    lines: list[str] = []
    try:
        with llm_endpoint(_on_port(settings, port), on_start=lines.append) as endpoint:
            assert endpoint.base_url != f"http://127.0.0.1:{port}/v1"
            moved = int(endpoint.base_url.rsplit(":", 1)[1].split("/")[0])
            assert serving(moved, settings.llm.gguf) is not None
        assert lines == [
            f"port {port} is held by another program; starting the embedded LLM server "
            f"({settings.llm.gguf}) on port {moved}"
        ]
        assert not port_taken(moved)  # stopped with the only command that used it
        assert port_taken(port)  # the other program's is left alone
    finally:
        server.shutdown()
        server.server_close()


# One command using the embedded server until a line arrives on its stdin (as `rehearse` or
# `worker` hold it for their run): what it hears, then its endpoint, one line each.
_COMMAND = """
import sys
from pathlib import Path
from recruiter_config.settings import LLMSettings, Settings
from recruiter_devstack.llm_sharing import llm_endpoint, registry
llm = LLMSettings(port=int(sys.argv[2]), idle_stop_s=float(sys.argv[3]))
settings = Settings(home=Path(sys.argv[1]), llm=llm)
with llm_endpoint(settings, on_start=lambda line: print(line, flush=True)) as endpoint:
    print("endpoint", endpoint.base_url, flush=True)
    sys.stdin.readline()
"""


class _Command:
    """A command of ``_COMMAND``'s, on the data folder ``home`` and LLM port ``port``; a server
    it starts stops ``idle_stop_s`` after no command uses it."""

    def __init__(self, home: Path, port: int, idle_stop_s: float = 300.0) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RECRUITER_")}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _COMMAND, str(home), str(port), str(idle_stop_s)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
        )  # fmt: skip
        self.heard: list[str] = []

    def endpoint(self) -> str:
        """The base URL it uses, once it has one (what it heard before, in ``heard``)."""
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("endpoint "):
                return line.split()[1]
            self.heard.append(line.strip())
        raise AssertionError(f"exited with {self.proc.wait()} before its endpoint: {self.heard}")

    def end(self) -> None:
        """Let it end, as a command does after its run, and wait for it."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.close()
        assert self.proc.wait(timeout=60) == 0
        self.proc.stdout.close()

    def kill(self) -> None:
        """SIGKILL it, as a crash or the OOM killer would, and wait for it."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc.stdin.close()
        self.proc.stdout.close()


def test_the_server_stops_with_the_last_command_using_it_not_the_one_that_started_it(
    home: Path, installed_models: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Whatever data folder each command uses: the folder that counts them is the machine's."""
    (port,) = free_ports(1)
    gguf = Settings(home=home).llm.gguf
    elsewhere = tmp_path_factory.mktemp("another-data-folder")
    (elsewhere / "models").symlink_to(installed_models, target_is_directory=True)
    first = _Command(home, port)
    url = first.endpoint()
    second = _Command(elsewhere, port)
    assert second.endpoint() == url
    assert first.heard == [f"starting the embedded LLM server ({gguf})"]
    assert second.heard == [f"using the embedded LLM server already running ({gguf})"]
    first.end()
    assert serving(port, gguf) is not None  # the second still uses it
    second.end()
    assert not port_taken(port)


def test_a_command_killed_with_sigkill_leaves_the_server_to_the_others_and_the_last_stops_it(
    home: Path,
) -> None:
    (port,) = free_ports(1)
    gguf = Settings(home=home).llm.gguf
    first = _Command(home, port)
    first.endpoint()
    second = _Command(home, port)
    second.endpoint()
    first.kill()
    assert serving(port, gguf) is not None
    third = _Command(home, port)  # comes after the one that started it died
    third.endpoint()
    assert third.heard == [f"using the embedded LLM server already running ({gguf})"]
    second.end()
    assert serving(port, gguf) is not None  # the third still uses it
    third.end()  # the last: stops the server the killed command started
    assert not port_taken(port)


def test_a_server_whose_last_command_was_killed_stops_once_no_command_has_used_it_a_while(
    home: Path,
) -> None:
    """The watcher started with the server (``reap_when_unused``; its timing is in
    ``tests/unit/test_llm_watch.py``): the only command using it is killed with SIGKILL, no
    other comes, and ``idle_stop_s`` later the server is stopped and no longer registered."""
    (port,) = free_ports(1)
    gguf = Settings(home=home).llm.gguf
    command = _Command(home, port, idle_stop_s=2.0)
    command.endpoint()
    command.kill()
    registered = registry(port, gguf) / "server.json"
    assert registered.exists()
    deadline = time.monotonic() + 30
    while (port_taken(port) or registered.exists()) and time.monotonic() < deadline:
        time.sleep(0.2)  # (polling for the stop, bounded by the deadline)
    assert not port_taken(port)
    assert not registered.exists()


def test_two_commands_started_at_once_start_one_server(home: Path) -> None:
    (port,) = free_ports(1)
    gguf = Settings(home=home).llm.gguf
    commands = [_Command(home, port), _Command(home, port)]
    urls = {command.endpoint() for command in commands}
    assert urls == {f"http://127.0.0.1:{port}/v1"}
    heard = [line for command in commands for line in command.heard]
    assert heard.count(f"starting the embedded LLM server ({gguf})") == 1
    assert heard.count(f"using the embedded LLM server already running ({gguf})") == 1
    for command in commands:
        command.end()
    assert not port_taken(port)


def test_llm_serve_says_the_embedded_server_already_runs_instead_of_a_bare_port_clash(
    settings: Settings,
) -> None:
    server = _serving([settings.llm.gguf])
    port = server.server_address[1]
    try:
        env = {"RECRUITER_HOME": str(settings.home), "RECRUITER_LLM__PORT": str(port),
               "COLUMNS": "200"}  # fmt: skip
        done = CliRunner().invoke(app, ["llm", "serve"], env=env)
        assert done.exit_code == 1
        assert f"already runs on port {port}" in done.output
        assert "RECRUITER_LLM__PORT" in done.output
    finally:
        server.shutdown()
        server.server_close()
