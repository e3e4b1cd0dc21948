"""The coding round's page over HTTP: the editor and what it records are on the page of a role
with coding questions, and a problem is served to its invitation without its hidden tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from recruiter_coding.problems import shipped_problems
from recruiter_config.settings import Settings, WebSettings
from storage import CandidateRepository, RoleRepository, SessionRepository
from tests.conftest import FIXTURES
from web.app import create_app
from web.context import WebContext
from web.invites import Invitation


@pytest.fixture
def app(home: Path) -> FastAPI:
    return create_app(Settings(home=home, web=WebSettings(secret="coding-web-secret-0123456789")))


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def _invite(app: FastAPI, role_id: str) -> str:
    ctx: WebContext = app.state.ctx
    with ctx.db() as s:
        person = CandidateRepository(s).create(display_name="Coder").id
        s.commit()
    return ctx.invitations.issue(Invitation(candidate_id=person, role_id=role_id))


def _running(app: FastAPI, token: str) -> None:
    """A running interview in the invitation's room, as the worker stores when it starts."""
    ctx: WebContext = app.state.ctx
    invitation = ctx.invitations.read(token)
    with ctx.db() as s:
        SessionRepository(s).create(
            role_id=invitation.role_id, role_version="1", persona=None, channel=invitation.room,
            llm_model=None, stt_model=None,
        )  # fmt: skip
        s.commit()


def test_a_coding_role_page_has_the_editor_and_says_what_coding_records(
    app: FastAPI, client: TestClient
) -> None:
    page = client.get(f"/join/{_invite(app, 'coding-round')}").text
    assert 'id="code-editor"' in page and "/vendor/editor/editor.js" in page
    assert "your code as you write it" in page and "pastes of 200 characters or more" in page
    assert "nothing is decided from them automatically" in page
    plain = client.get(f"/join/{_invite(app, 'demo')}").text
    assert "code-editor" not in plain and "your code as you write it" not in plain


def test_a_problem_is_served_without_its_hidden_tests_and_only_to_its_role(
    app: FastAPI, client: TestClient
) -> None:
    token = _invite(app, "coding-round")
    # Not before the interview runs (a candidate could read the problems ahead of it).
    assert client.get(f"/api/join/{token}/problems/pair-with-sum").status_code == 404
    _running(app, token)
    shown = client.get(f"/api/join/{token}/problems/pair-with-sum")
    assert shown.status_code == 200
    body = shown.json()
    problem = shipped_problems()["pair-with-sum"]
    assert body["statement"] == problem.statement and body["starter"] == problem.starter
    assert body["examples"] == [{"args": c.args, "expected": c.expected} for c in problem.examples]
    assert set(body) == {"id", "title", "statement", "function", "starter", "examples",
                         "time_limit_s"}  # no tests, hints or expected growth  # fmt: skip
    assert client.get(f"/api/join/{token}/problems/no-such").status_code == 404
    demo = _invite(app, "demo")
    _running(app, demo)
    assert client.get(f"/api/join/{demo}/problems/pair-with-sum").status_code == 404
    assert client.get("/api/join/not-a-token/problems/pair-with-sum").status_code == 403


def test_a_problem_written_in_a_stored_role_is_served_like_a_shipped_one(
    app: FastAPI, client: TestClient
) -> None:
    script = (FIXTURES / "coding_written_problem.yaml").read_text(encoding="utf-8")
    ctx: WebContext = app.state.ctx
    with ctx.db() as s:  # as the dashboard's editor or `recruiter roles import` stores it
        RoleRepository(s).store(
            role_id="written-coding", version="1", title="Written problem", content=script
        )
        s.commit()
    token = _invite(app, "written-coding")
    _running(app, token)
    body = client.get(f"/api/join/{token}/problems/busiest-hour").json()
    assert body["title"] == "The support line's busiest hour"
    assert body["function"] == {"python": "busiest_hour", "javascript": "busiestHour"}
    assert body["examples"][0] == {"args": [[9, 10, 9, 14]], "expected": 9}
    assert body["time_limit_s"] == 900 and "tests" not in body and "hints" not in body
    # A shipped problem the role does not ask is not served to it.
    assert client.get(f"/api/join/{token}/problems/pair-with-sum").status_code == 404
