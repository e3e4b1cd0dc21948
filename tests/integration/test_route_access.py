"""Every route that takes an id, tried with another person's ids (issue 17: no IDOR).

Recruiters share one organisation's data, so a recruiter route's only gate is the sign-in:
without it, each answers 401 (API) or sends the browser to /login (pages), and shows nothing.
A candidate's invitation reaches only its own candidate's sessions and room: with Ada's link,
Grace's session, room and candidate ids give nothing of Grace's. The test walks the app's own
route table, so a new route with an id is tried without being listed here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.testclient import TestClient

from recruiter_coaching.practice import load_practice_persona, role_asks
from recruiter_coaching.session import RoleTopics
from recruiter_coaching.spoken import SpokenPractice
from recruiter_config.settings import LiveKitSettings, Settings, WebSettings
from rubrics import load_role
from storage import CandidateRepository, InterviewSession, SessionRepository
from tests.stored_interview import ANSWERS, store_interview
from web.app import create_app
from web.coaching import PracticeDesk
from web.context import WebContext
from web.invites import Invitation

GRACE = "Grace Hopper"
LIVEKIT = LiveKitSettings(
    url="ws://livekit.test:7880",
    api_key="route-test-key",
    api_secret="route-test-livekit-secret-0123456789abcdef",
)


@pytest.fixture
def app(home: Path) -> FastAPI:
    web = WebSettings(secret="route-test-secret-0123456789abcdef")
    return create_app(Settings(home=home, web=web, livekit=LIVEKIT))


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def _people(app: FastAPI) -> dict[str, str]:
    """Ada with an invitation and nothing more; Grace with an invitation and an interview."""
    ctx: WebContext = app.state.ctx
    with ctx.db() as s:
        people = CandidateRepository(s)
        ada, grace = people.create("Ada Lovelace").id, people.create(GRACE).id
        s.commit()
    ada_token = ctx.invitations.issue(Invitation(candidate_id=ada, role_id="demo"))
    grace_invitation = Invitation(candidate_id=grace, role_id="demo")
    ctx.invitations.issue(grace_invitation)
    session_id, _ = store_interview(ctx.db, candidate=False)
    with ctx.db() as s:
        record = s.get_one(InterviewSession, session_id)
        record.channel, record.candidate_id = grace_invitation.room, grace
        SessionRepository(s).finish(session_id, status="completed")
        s.commit()
    return {"token": ada_token, "session_id": session_id, "candidate_id": grace,
            "room": grace_invitation.room, "role_id": "demo",
            "problem_id": "pair-with-sum", "key": _practice_key(app)}  # fmt: skip


def _practice_key(app: FastAPI) -> str:
    """A recruiter's practice interview in progress (its routes are that recruiter's alone:
    tests/integration/test_coaching_web.py; here, nobody signed in reaches it)."""
    script = load_role("demo")
    candidate = load_practice_persona("demo", "strong", {q.id: q.text for q in script.questions},
                                      [c.id for c in script.competencies])  # fmt: skip
    practice = SpokenPractice("rita", script, "strong", candidate,
                              RoleTopics.of(script, role_asks("demo")))  # fmt: skip
    desk: PracticeDesk = app.state.practice_desk
    return desk.add(practice)


def _api_routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    """Every APIRoute with its full path; FastAPI 0.165 keeps an included router's routes
    behind an ``_IncludedRouter`` entry (``original_router``, ``include_context.prefix``)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "original_router"):
            inner = prefix + route.include_context.prefix
            yield from _api_routes(route.original_router.routes, inner)


def _id_routes(app: FastAPI) -> list[tuple[str, str]]:
    routes = [
        (method, path)
        for path, route in _api_routes(app.routes)
        if "{" in path
        for method in sorted(route.methods - {"HEAD"})
    ]
    assert len(routes) >= 20  # the table was read, not an empty list
    return routes


def _grace_in(text: str) -> bool:
    return GRACE in text or any(answer in text for answer in ANSWERS.values())


def test_no_route_that_takes_an_id_reaches_another_persons_data(
    client: TestClient, app: FastAPI
) -> None:
    ids = _people(app)
    tried = 0
    for method, template in _id_routes(app):
        names = re.findall(r"{(\w+)(?::\w+)?}", template)
        unknown = set(names) - ids.keys()
        assert not unknown, f"{template}: no id to try for {unknown}"
        path = re.sub(r"{(\w+)(?::\w+)?}", lambda m: ids[m.group(1)], template)
        answer = client.request(method, path, follow_redirects=False, json={})
        tried += 1
        where = f"{method} {template}: {answer.status_code}"
        assert not _grace_in(answer.text), where
        if "token" in names:  # a candidate's route: Ada's link, Grace's other ids
            if len(names) > 1:
                assert answer.status_code in (403, 404), where
            # The report routes also take a session in the query: Grace's is not found.
            named = client.request(method, f"{path}?session={ids['session_id']}", json={})
            assert not _grace_in(named.text), where
            if "/report" in template:
                assert named.status_code == 404, f"{where}, ?session= {named.status_code}"
        elif template.startswith("/api/"):
            assert answer.status_code == 401, where
        else:
            assert answer.status_code in (303, 401), where
            if answer.status_code == 303:
                assert answer.headers["location"].startswith("/login?"), where
    assert tried == len(_id_routes(app))
