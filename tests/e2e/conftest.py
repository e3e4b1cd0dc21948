"""Browser fixtures: the Debian chromium driven by Playwright, and the web app on a real port."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from recruiter_config.settings import LLMSettings, Settings, WebSettings
from recruiter_devstack.livekit_dev import server_binary
from recruiter_devstack.stack import DevStack, StackPorts
from storage import (
    Candidate,
    CandidateRepository,
    InterviewSession,
    RecruiterRepository,
    SessionRepository,
    Turn,
    create_database,
    session_factory,
)
from tests.conftest import free_ports
from web.app import create_app
from web.context import WebContext
from web.invites import Invitation

T = TypeVar("T")

SCREENSHOTS = Path(__file__).resolve().parents[2] / ".setup" / "screenshots"


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def playwright() -> Iterator[Playwright]:
    """Per test: Playwright's sync API keeps an event loop running while it is open."""
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The Debian chromium (`make setup` installs it); Playwright downloads no browser."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("chromium is not installed; run `make setup`")
    return path


@pytest.fixture
def launch_browser(playwright: Playwright, chromium_path: str) -> Iterator[Callable[..., Browser]]:
    """Launch headless chromium with extra flags; every browser is closed after the test."""
    browsers: list[Browser] = []

    def launch(*args: str) -> Browser:
        flags = list(args)
        if os.geteuid() == 0:
            flags.append("--no-sandbox")  # chromium refuses to run as root with its sandbox
        browser = playwright.chromium.launch(executable_path=chromium_path, args=flags)
        browsers.append(browser)
        return browser

    yield launch
    for browser in browsers:
        browser.close()


@pytest.fixture
def browser(launch_browser: Callable[..., Browser]) -> Browser:
    """A plain headless chromium."""
    return launch_browser()


@pytest.fixture
def serve() -> Iterator[Callable[[FastAPI], str]]:
    """Serve an app with uvicorn on a free loopback port (a thread); returns its base URL."""
    servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(app: FastAPI) -> str:
        port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the web app did not start")
            time.sleep(0.05)
        servers.append((server, thread))
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=10)


RECRUITER_PASSWORD = "correct horse battery"


def dashboard_app(home: Path) -> tuple[FastAPI, WebContext]:
    """The web app on ``home``'s data, with one recruiter: ``rita`` (``RECRUITER_PASSWORD``)."""
    app = create_app(Settings(home=home, web=WebSettings(secret="browser-test-secret-012345")))
    ctx: WebContext = app.state.ctx
    with ctx.db() as s:
        RecruiterRepository(s).create("rita", "Rita", RECRUITER_PASSWORD)
        s.commit()
    return app, ctx


def screenshot_path(name: str) -> Path:
    """Where a test saves a screenshot (kept after the run, outside git)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


@dataclass
class RoomStack:
    """A LiveKit server, an LLM server and a worker, sharing one data directory."""

    settings: Settings
    db: sessionmaker[Session]
    worker_log: Path


@pytest.fixture(scope="session")
def room_stack(
    tmp_path_factory: pytest.TempPathFactory, installed_models: Path
) -> Iterator[RoomStack]:
    """The real parts of a live interview: `livekit-server`, the embedded LLM and the worker."""
    home = tmp_path_factory.mktemp("room-home")
    (home / "models").symlink_to(installed_models, target_is_directory=True)
    llm, livekit, tcp, udp, worker = free_ports(5)  # distinct: each held until all are chosen
    settings = Settings(home=home, llm=LLMSettings(port=llm))
    ports = StackPorts(livekit, tcp, udp, worker)
    # Every line this process logs meanwhile (the web apps the tests serve, uvicorn, the tests'
    # own clients), read with the stack's logs when the session ends.
    logged, root = _Lines(), logging.getLogger()
    level = root.level
    root.addHandler(logged)
    root.setLevel(min(level, logging.INFO))
    # livekit-server is built by `make setup` into the installed data directory.
    try:
        with DevStack(settings, ports, livekit_binary=server_binary(Settings())) as stack:
            assert stack.livekit is not None
            settings = settings.model_copy(update={"livekit": stack.livekit})
            db = session_factory(create_database(settings.resolved_database_url))
            yield RoomStack(settings, db, stack.logs / "worker.log")
    finally:
        root.removeHandler(logged)
        root.setLevel(level)
    # Issue 17: after every test on the stack, with its logs complete: no line any part of it
    # wrote (worker, LiveKit, LLM) nor any this process logged holds a candidate's name, an
    # invitation link's token or the words of any answer stored in the session.
    with db() as s:
        names = [n for n in s.scalars(select(Candidate.display_name)) if n]
        said = list(s.scalars(select(Turn.text).where(Turn.speaker == "candidate")))
    secrets = [*names, *LINK_TOKENS, *answer_phrases([t for t in said if t])]
    if secrets:
        assert_no_personal_data(stack.logs, secrets, logged.lines)


class _Lines(logging.Handler):
    """Keeps every record logged at INFO or above, formatted as a log file would hold it."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


# The token of each invitation link a test opened on the room stack (``open_candidate_page``).
LINK_TOKENS: list[str] = []


@dataclass
class CandidatePage:
    """A candidate's interview page open in Chromium, with what its console printed."""

    page: Page
    invitation: Invitation
    link: str
    console: list[str]


def open_candidate_page(
    stack: RoomStack, serve: Callable[[FastAPI], str], launch_browser: Callable[..., Browser],
    *, name: str, role_id: str, audio: Path, video: Path | None = None, height: int = 900,
) -> CandidatePage:  # fmt: skip
    """A new candidate ``name`` invited to ``role_id`` (practice), their page open in a
    Chromium whose fake microphone plays ``audio`` (and camera ``video``), served by the web app
    on the stack's database."""
    web = stack.settings.web.model_copy(update={"secret": "e2e-secret-" + "x" * 24})
    app = create_app(stack.settings.model_copy(update={"web": web}), db=stack.db)
    base = serve(app)
    with stack.db() as s:
        candidate_id = CandidateRepository(s).create(name).id
        s.commit()
    invitation = Invitation(candidate_id=candidate_id, role_id=role_id, mode="practice")
    token = app.state.ctx.invitations.issue(invitation)
    LINK_TOKENS.append(token)
    link = f"{base}/join/{token}"
    flags = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
             f"--use-file-for-fake-audio-capture={audio}",
             "--autoplay-policy=no-user-gesture-required"]  # fmt: skip
    if video is not None:
        flags.append(f"--use-file-for-fake-video-capture={video}")
    page = launch_browser(*flags).new_page(viewport={"width": 1100, "height": height})
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text[:300]))
    page.on("pageerror", lambda error: console.append(f"page error: {error}"))
    page.goto(link)
    return CandidatePage(page, invitation, link, console)


def assert_no_personal_data(logs: Path, secrets: list[str], also: Sequence[str] = ()) -> None:
    """No log of the stack in ``logs`` (worker, LiveKit, LLM, SIP, Redis), nor any line of
    ``also`` (a browser's console), holds one of ``secrets``: a candidate's name, their words,
    an invitation or room token."""
    assert all(secrets), secrets
    files = sorted(logs.glob("*.log"))
    assert files, f"no logs in {logs}"
    for log in files:
        text = log.read_text(encoding="utf-8", errors="replace")
        for secret in secrets:
            assert secret not in text, f"{log.name} holds {secret[:40]!r}"
    for line in also:
        for secret in secrets:
            assert secret not in line, f"the browser console holds {secret[:40]!r}"


def answer_phrases(texts: list[str]) -> list[str]:
    """Four-word runs from the middle of each stored answer: what a log must not quote."""
    return [" ".join(t.split()[2:6]) for t in texts if len(t.split()) >= 6]


def log_tail(log: Path, limit: int = 60) -> str:
    """The last ``limit`` plain lines of a part's log (not the worker's JSON copies)."""
    if not log.is_file():
        return f"(no log at {log})"
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join([line for line in lines if not line.startswith("{")][-limit:])


# The phone line's other parts: their last lines go with a failed phone test too.
PHONE_LOGS = ("sip.log", "livekit.log", "redis.log")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed test on a live stack shows what the worker logged: CI keeps nothing else."""
    report = yield
    if report.failed and call.when == "call":  # (a phone line down at setup says it itself)
        funcargs = getattr(item, "funcargs", {})
        for stack in (funcargs.get("room_stack"), funcargs.get("phone_stack")):
            log = getattr(stack, "worker_log", None)
            if isinstance(log, Path):
                report.sections.append(("worker log", log_tail(log)))
        phone = funcargs.get("phone_stack")
        if phone is not None:
            for name in PHONE_LOGS:
                report.sections.append((name, log_tail(phone.logs / name, limit=30)))
            calls = funcargs.get("tmp_path")  # SIPp's output, errors and messages of each call
            for out in sorted(calls.glob("sipp*/*")) if isinstance(calls, Path) else ():
                if out.suffix in {".out", ".log"}:
                    name = f"SIPp {out.parent.name}/{out.name}"
                    report.sections.append((name, log_tail(out, 30)))
    return report


@dataclass
class RoomInvitation:
    """A practice invitation to the demo role, and the web app that serves its candidate."""

    settings: Settings
    app: FastAPI
    invitation: Invitation
    token: str

    def session(self, db: sessionmaker[Session]) -> InterviewSession | None:
        """The interview held in the invitation's room, once there is one."""
        with db() as s:
            return s.query(InterviewSession).filter_by(channel=self.invitation.room).one_or_none()

    def turns(self, db: sessionmaker[Session]) -> list[tuple[int, str, str, str | None, list]]:  # type: ignore[type-arg]
        """Its stored turns as (index, speaker, text, question id, events)."""
        found = self.session(db)
        if found is None:
            return []
        with db() as s:
            return [(t.index, t.speaker, t.text, t.question_id, t.events or [])
                    for t in SessionRepository(s).turns(found.id)]  # fmt: skip


def invite_to_room(stack: RoomStack, name: str, secret: str) -> RoomInvitation:
    """A new candidate ``name`` invited to the demo role (practice), and a web app signing with
    ``secret`` on the stack's settings."""
    web = WebSettings(secret=secret, agent_name=stack.settings.web.agent_name)
    settings = stack.settings.model_copy(update={"web": web})
    app = create_app(settings)
    with stack.db() as s:
        candidate_id = CandidateRepository(s).create(name).id
        s.commit()
    invitation = Invitation(candidate_id=candidate_id, role_id="demo", mode="practice")
    return RoomInvitation(settings, app, invitation, app.state.ctx.invitations.issue(invitation))


async def wait_until(check: Callable[[], T], timeout_s: float, what: Callable[[], object]) -> T:
    """``check()``'s first true value, polled every 0.2 s; TimeoutError naming ``what()``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if found := check():
            return found
        await asyncio.sleep(0.2)
    raise TimeoutError(f"not within {timeout_s:.0f} s: {what()}")
