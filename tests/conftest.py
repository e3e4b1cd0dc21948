"""Shared fixtures: a data directory per test that reuses the installed model assets."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import uuid
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker

import rubrics
from recruiter_config.assets import ASSETS, asset_state
from recruiter_config.settings import Settings
from storage import create_database, session_factory
from tests.postgres import postgres_server

T = TypeVar("T")

INSTALLED = Settings().models_dir
FIXTURES = Path(__file__).parent / "fixtures"


def free_ports(count: int, *, udp_too: int = 0) -> list[int]:
    """``count`` distinct loopback ports nobody holds now; the first ``udp_too`` are free on
    UDP as well as TCP (a SIP service binds both).

    Every socket stays open until all are chosen: one closed before the next pick can be
    handed out again. (A SIP service given LiveKit's port for its health check exits, while
    LiveKit's own answer on that port passes for its health.)
    """
    ports: list[int] = []
    with contextlib.ExitStack() as held:
        while len(ports) < count:
            tcp = held.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            tcp.bind(("127.0.0.1", 0))
            port: int = tcp.getsockname()[1]
            if len(ports) < udp_too:
                udp = held.enter_context(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue  # taken on UDP: another pick (this one stays held meanwhile)
            ports.append(port)
    return ports


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on a fresh event loop."""
    return asyncio.run(coro)


def short_demo(
    role_id: str = "demo", version: str = "3-one", first: str | None = None, questions: int = 1
) -> str:
    """The demo role's script asking ``questions`` questions only (as ``role_id`` ``version``,
    with the count in the version past one): the adaptive flow's picks, or the question
    ``first`` and then script order, for tests whose point lies within fewer answers than
    three (the suite is kept under an hour)."""
    text = (Path(rubrics.__file__).parent / "roles" / "demo.yaml").read_text(encoding="utf-8")
    if questions != 1:
        version = f"{version}-{questions}"
    version = version if first is None else f"{version}-{first}"  # another script, its own
    short = text.replace("id: demo\n", f"id: {role_id}\n", 1).replace(
        'version: "3"', f'version: "{version}"', 1
    )
    short = short.replace("max_questions: 3", f"max_questions: {questions}")
    assert f"id: {role_id}\n" in short and f'version: "{version}"' in short
    assert f"max_questions: {questions}" in short
    if first is not None:
        head, rest = short.split("questions:\n", 1)
        listed, flow = rest.split("flow:\n", 1)
        blocks = ["  - id: " + b for b in listed.split("  - id: ")[1:]]
        chosen = [b for b in blocks if b.startswith(f"  - id: {first}\n")]
        assert len(chosen) == 1, first
        listed = "".join(chosen + [b for b in blocks if b not in chosen])
        short = f"{head}questions:\n{listed}flow:\n" + flow.replace("adaptive", "fixed", 1)
        assert "order: fixed" in short
    return short


def _models_ready() -> list[str]:
    return [
        name
        for name, asset in ASSETS.items()
        if not asset.optional and not asset_state(INSTALLED, name).verified
    ]


@pytest.fixture(scope="session")
def installed_models() -> Path:
    """The verified model assets; fails (does not skip) when set-up has not installed them."""
    missing = _models_ready()
    if missing:
        pytest.fail(f"model assets missing: {missing}; run `make setup`")
    return INSTALLED


@pytest.fixture
def home(tmp_path: Path, installed_models: Path) -> Path:
    """An empty data directory whose ``models`` folder points at the installed assets."""
    (tmp_path / "models").symlink_to(installed_models, target_is_directory=True)
    return tmp_path


@pytest.fixture
def settings(home: Path) -> Settings:
    """Settings rooted at the per-test data directory."""
    return Settings(home=home)


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """A PostgreSQL server for the whole run (started from the installed Debian packages)."""
    with postgres_server() as server:
        yield server.url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: SQLite in the test's folder, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    server: str = request.getfixturevalue("postgres")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return f"{server.rsplit('/', 1)[0]}/{name}"


@pytest.fixture
def db(database_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions on a migrated empty database (each backend in turn); closed after the test."""
    engine = create_database(database_url)
    yield session_factory(engine)
    engine.dispose()
