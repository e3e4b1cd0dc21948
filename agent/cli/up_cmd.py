"""``recruiter up``: everything a browser interview needs on a developer machine, in one command.

It starts the LiveKit server (unless ``LIVEKIT_URL`` names one), the embedded LLM server (unless
``RECRUITER_LLM__BASE_URL`` names one), the worker and the web app; prints the URLs, a sign-in
and a practice link; and stops them all, last started first, on Ctrl-C.
"""

from __future__ import annotations

import os
import secrets
import signal
import sys
import threading
from pathlib import Path

import typer
from rich.console import Console

from agent.cli.web_cmd import invite_link
from agent.cli.worker_cmd import endpoint_env
from agent.livekit_dev import DevLiveKitServer, LiveKitServerMissingError
from agent.llm_client import LLMUnavailableError
from agent.llm_server import EmbeddedLLMServer, resolve_endpoint
from agent.processes import ChildProcess, ChildProcessError_, http_ok
from agent.settings import Settings
from storage import RecruiterRepository, create_database, session_factory

_out = Console(soft_wrap=True, highlight=False)
_err = Console(stderr=True, soft_wrap=True)


def _log_has(path: Path, text: bytes) -> bool:
    return path.is_file() and text in path.read_bytes()


def _first_recruiter(settings: Settings) -> tuple[str, str | None]:
    """A recruiter who can sign in: the first with a password, else a new ``admin``."""
    with session_factory(create_database(settings.resolved_database_url))() as s:
        repo = RecruiterRepository(s)
        for recruiter in repo.all():
            if recruiter.password_hash:
                return recruiter.id, None
        password = secrets.token_urlsafe(12)
        if repo.get("admin") is None:
            repo.create("admin", "Administrator", password)
        else:
            repo.set_password("admin", password)
        s.commit()
        return "admin", password


class Stack:
    """The children ``up`` started, stopped in reverse order."""

    def __init__(self) -> None:
        self.children: list[ChildProcess] = []
        self.servers: list[DevLiveKitServer | EmbeddedLLMServer] = []

    def stop(self) -> None:
        """Stop everything, last started first."""
        for child in reversed(self.children):
            _out.print(f"stopping {child.name}")
            child.stop(grace_s=20)
        for server in reversed(self.servers):
            server.stop()


def up(
    port: int | None = typer.Option(None, "--port", help="The web app's port (default 8000)."),
    role: str = typer.Option("demo", "--role", help="The role of the printed practice link."),
) -> None:
    """Start LiveKit, the LLM, the worker and the web app; print the URLs; Ctrl-C stops all."""
    settings = Settings()
    # Without a configured secret, links and sign-ins last for this run only.
    secret = settings.web.secret or secrets.token_urlsafe(32)
    web_settings = settings.web.model_copy(update={"port": port or settings.web.port,
                                                   "secret": secret})  # fmt: skip
    settings = settings.model_copy(update={"web": web_settings})
    env = dict(os.environ, RECRUITER_WEB__SECRET=secret, RECRUITER_WEB__PORT=str(web_settings.port))
    logs = settings.home / "logs"
    stack = Stack()
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    try:
        if "LIVEKIT_URL" not in os.environ:
            livekit = DevLiveKitServer(settings, log_path=logs / "livekit.log")
            stack.servers.append(livekit)
            lk = livekit.start()
            env.update(LIVEKIT_URL=lk.url, LIVEKIT_API_KEY=lk.api_key,
                       LIVEKIT_API_SECRET=lk.api_secret)  # fmt: skip
        endpoint = resolve_endpoint(settings)
        if endpoint is None:
            llm = EmbeddedLLMServer(settings, log_path=logs / "llm-server.log")
            stack.servers.append(llm)
            endpoint = llm.start()
        env.update(endpoint_env(endpoint))
        me = [sys.executable, "-m", "agent.cli.main"]
        worker_log = logs / "worker.log"
        worker = ChildProcess(
            "worker",
            [*me, "worker", "start", "--idle-processes", "1", "--load-threshold", "inf"],
            log_path=worker_log, env=env,
        )  # fmt: skip
        stack.children.append(worker)
        worker.start(lambda: _log_has(worker_log, b"registered worker"), timeout_s=180)
        web = ChildProcess("web", [*me, "web"], log_path=logs / "web.log", env=env)
        stack.children.append(web)
        base = settings.web.base_url
        web.start(lambda: http_ok(f"{base}/api/openapi.json"), timeout_s=60)

        recruiter, password = _first_recruiter(settings)
        link = invite_link(settings, role=role, candidate=None, name="Practice", mode="practice")
        _out.print(f"\n[bold green]Ready.[/] Logs in {logs}")
        _out.print(f"  Dashboard:   {base}/dashboard  (sign in as [bold]{recruiter}[/]"
                   + (f", password [bold]{password}[/])" if password else ")"))  # fmt: skip
        _out.print(f"  Practice:    {link}")
        _out.print(f"  LiveKit:     {env.get('LIVEKIT_URL')}")
        _out.print(f"  LLM:         {endpoint.base_url}")
        _out.print(f"  HTTP API:    {base}/api/openapi.json")
        _out.print("Press Ctrl-C to stop.")
        while not stopping.wait(1.0):
            dead = [c.name for c in stack.children if not c.running]
            if dead:
                _err.print(f"[red]{', '.join(dead)} stopped; see {logs}. Shutting down.")
                raise typer.Exit(1)
    except KeyboardInterrupt:
        _out.print("\nstopping…")
    except (ChildProcessError_, LiveKitServerMissingError, LLMUnavailableError) as e:
        _err.print(f"[red]up failed: {e}")
        raise typer.Exit(1) from e
    finally:
        stack.stop()
        _out.print("all stopped")
