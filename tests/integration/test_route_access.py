"""Every route that takes an id, tried with another person's ids (issue 17: no IDOR) and with
ids that climb out of their folder (no path traversal); every change, sent from another site
(no CSRF).

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
from storage import CandidateRepository, InterviewSession, RecruiterRepository, SessionRepository
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


def _signed_in(client: TestClient, app: FastAPI) -> WebContext:
    """``client`` signed in as a recruiter, rita; the app's context."""
    ctx: WebContext = app.state.ctx
    password = "correct horse battery staple"
    with ctx.db() as s:
        RecruiterRepository(s).create("rita", "Rita", password)
        s.commit()
    assert client.post("/login", data={"recruiter_id": "rita", "password": password}).is_success
    return ctx


def _filled(template: str, ids: dict[str, str], **instead: str) -> str:
    return re.sub(r"{(\w+)(?::\w+)?}", lambda m: instead.get(m.group(1), ids[m.group(1)]), template)


def test_every_change_sent_from_another_site_is_refused_before_its_route_runs(
    client: TestClient, app: FastAPI
) -> None:
    """CSRF: every POST, PUT, PATCH and DELETE of the app, forms, JSON and uploads alike, sent
    by a signed-in recruiter's browser from another site's page, is refused (403)."""
    ctx = _signed_in(client, app)
    ids = _people(app)
    changing = {"POST", "PUT", "PATCH", "DELETE"}
    changes = [(method, path) for path, route in _api_routes(app.routes)
               for method in sorted(route.methods & changing)]  # fmt: skip
    assert len(changes) >= 20  # the table was read
    for method, template in changes:
        answer = client.request(method, _filled(template, ids), follow_redirects=False,
                                headers={"Origin": "https://evil.example"},
                                files={"file": ("a.wav", b"RIFF")})  # fmt: skip
        assert answer.status_code == 403, f"{method} {template}: {answer.status_code}"
        assert "cross-site request refused" in answer.text
    with ctx.db() as s:  # none of them ran: Grace's interview is as it was
        assert s.get_one(InterviewSession, ids["session_id"]).status == "completed"


# Ids that climb out of a folder, each reaching a route as one path segment.
_CLIMBING = ("%2E%2E", "..%5C..%5Cweb-secret", "%2E%2E%5C%2E%2E%5Crecruiter.db", "..%00")


def test_no_route_that_takes_an_id_climbs_out_of_its_folder(
    client: TestClient, app: FastAPI
) -> None:
    """Path traversal: every route with an id (reports, audio, PDFs, the API) and the report
    routes' ``?session=``, given ids that climb out of their folder, finds nothing, signed in
    as a recruiter and with a candidate's link alike."""
    ctx = _signed_in(client, app)
    ids = _people(app)
    secret = ctx.settings.web.secret or ""
    tried = 0
    for method, template in _id_routes(app):
        if method != "GET":
            continue
        for climb in _CLIMBING:
            names = [n for n in re.findall(r"{(\w+)(?::\w+)?}", template) if n != "token"]
            paths = [_filled(template, ids, **{n: climb}) for n in names]
            if "/report" in template and "{token}" in template:
                paths.append(f"{_filled(template, ids)}?session={climb}")
            for path in paths:
                answer = client.get(path, follow_redirects=False)
                tried += 1
                where = f"{path}: {answer.status_code}"
                assert answer.status_code in (400, 403, 404, 422), where
                assert secret not in answer.text and "SQLite format" not in answer.text, where
                assert not _grace_in(answer.text), where
    assert tried >= 40
