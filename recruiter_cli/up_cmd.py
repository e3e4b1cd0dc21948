"""``recruiter up``: everything a browser interview needs on a developer machine, in one command.

It starts the LiveKit server (unless ``LIVEKIT_URL`` names one), the embedded LLM server (unless
``RECRUITER_LLM__BASE_URL`` names one), the worker and the web app; prints the URLs, a sign-in
and a practice link; and stops them all, last started first, on Ctrl-C. With ``--phone`` it also
starts Redis and the LiveKit SIP service and sets up the phone line's trunk and dispatch rules.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import threading

import typer
from livekit import api
from rich.console import Console

from recruiter_cli.context import current_settings, web_secret
from recruiter_cli.web_cmd import invite_result
from recruiter_config.assets import AssetError
from recruiter_config.settings import Settings
from recruiter_devstack.errors import DevStackError
from recruiter_devstack.stack import DevStack
from recruiter_llm.client import LLMUnavailableError
from recruiter_phone.lines import set_up_phone_line
from storage import RecruiterRepository, create_database, session_factory

_out = Console(soft_wrap=True, highlight=False)
_err = Console(stderr=True, soft_wrap=True)


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


def up(
    port: int | None = typer.Option(None, "--port", help="The web app's port (default 8000)."),
    role: str = typer.Option("demo", "--role", help="The role of the printed practice link."),
    phone: bool = typer.Option(
        False, "--phone", help="Also the phone line: Redis, the LiveKit SIP service, its trunk."
    ),
) -> None:
    """Start LiveKit, the LLM, the worker and the web app; print the URLs; Ctrl-C stops all."""
    settings = current_settings()
    if phone and "LIVEKIT_URL" in os.environ:
        _err.print(
            "[red]--phone starts a local SIP service beside a local LiveKit server; with "
            "LIVEKIT_URL set, run its SIP service there and `recruiter phone setup`"
        )
        raise typer.Exit(1)
    if port is not None and port == settings.llm.port:
        _err.print(f"[red]--port {port} is the embedded LLM server's (RECRUITER_LLM__PORT); "
                   "give another")  # fmt: skip
        raise typer.Exit(2)
    # Without a configured secret, the one kept in the data folder (made on the first run).
    secret = web_secret(settings, create=True)
    configured_port = settings.web.port
    web_settings = settings.web.model_copy(update={"port": port or settings.web.port,
                                                   "secret": secret})  # fmt: skip
    phone_settings = settings.phone.model_copy(update={"enabled": settings.phone.enabled or phone})
    settings = settings.model_copy(update={"web": web_settings, "phone": phone_settings})
    stack = DevStack(settings, external_livekit="LIVEKIT_URL" in os.environ, phone=phone)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    try:
        stack.start()
        if phone and stack.livekit is not None:
            asyncio.run(set_up_phone_line(stack.livekit, settings.phone,
                                          agent_name=settings.web.agent_name))  # fmt: skip
        base = stack.start_web()
        recruiter, password = _first_recruiter(settings)
        invited = invite_result(settings, role=role, candidate=None, name="Practice",
                                mode="practice")  # fmt: skip
        link = invited.link
        _out.print(f"\n[bold green]Ready.[/] Logs in {stack.logs}")
        sign_in = (
            f", password [bold]{password}[/]"
            if password
            else ("; forgot the password? `recruiter recruiters add ID --reset-password`")
        )
        _out.print(f"  Dashboard:   {base}/dashboard  (sign in as [bold]{recruiter}[/]{sign_in})")
        _out.print(f"  Practice:    {link}")
        # Same data folder and secret: the links `invite` prints open on this app.
        env = "" if port in (None, configured_port) else f"RECRUITER_WEB__PORT={port} "
        env += "RECRUITER_PHONE__ENABLED=true " if phone else ""  # codes for the line
        _out.print(f"  Invite:      {env}.venv/bin/recruiter invite --name NAME [--role ROLE]")
        if phone:
            line = settings.phone
            _out.print(f"  Phone line:  sip:{line.interview_number}@{stack.sip_address} "
                       f"(interview code {invited.phone_code})")  # fmt: skip
            if line.practice_number:
                _out.print(f"  Practice by phone: sip:{line.practice_number}@{stack.sip_address}"
                           " (no code)")  # fmt: skip
        _out.print(f"  LiveKit:     {stack.env['LIVEKIT_URL']}")
        _out.print(f"  LLM:         {stack.env['RECRUITER_LLM__BASE_URL']}")
        _out.print(f"  HTTP API:    {base}/api/openapi.json")
        _out.print("Press Ctrl-C to stop.")
        while not stopping.wait(1.0):
            dead = stack.dead()
            if dead:
                _err.print(f"[red]{', '.join(dead)} stopped; see {stack.logs}. Shutting down.")
                raise typer.Exit(1)
    except KeyboardInterrupt:
        _out.print("\nstopping…")
    except (DevStackError, LLMUnavailableError, AssetError, api.TwirpError) as e:
        _err.print(f"[red]up failed: {e}")
        raise typer.Exit(1) from e
    finally:
        stack.stop()
        _out.print("all stopped")
