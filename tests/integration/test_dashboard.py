"""The recruiter dashboard and JSON API over HTTP, on a real SQLite database in the data folder."""

from __future__ import annotations

import csv
import html
import io
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from recruiter_config.settings import LiveKitSettings, PhoneSettings, Settings, WebSettings
from reports.assessment import score_session
from reports.files import write_reports
from rubrics import RoleError, load_role, load_role_source, parse_role, parse_role_source
from storage import (
    AssessmentRepository,
    CandidateRepository,
    InterviewCode,
    InterviewCodeRepository,
    InvitationRepository,
    NewTurn,
    RecruiterRepository,
    RoleRepository,
    SessionRepository,
)
from tests.conftest import FIXTURES
from tests.stored_interview import ANSWERS, store_interview
from tests.unit.test_role_encodings import BOMB
from tests.unit.test_role_warnings import ROLE as ROLE_WITH_WARNINGS
from web.app import create_app
from web.context import WebContext
from web.invites import Invitation

SECRET = "dashboard-test-secret-0123456789"
PASSWORD = "correct horse battery"
BROKEN = FIXTURES / "invalid_roles" / "unknown-competency-ref.yaml"
VALID = FIXTURES / "two_questions.yaml"
API = [
    ("get", "/api/sessions"),
    ("get", "/api/sessions/x/report"),
    ("post", "/api/roles"),
    ("post", "/api/invitations"),
    ("post", "/api/reviews/x"),
    ("get", "/api/phone-line"),
    ("put", "/api/phone-line"),
    ("delete", "/api/phone-line"),
]
# Nothing listens on the discard port: the phone line's LiveKit server is unreachable.
NO_LIVEKIT = LiveKitSettings(url="ws://127.0.0.1:9")


@pytest.fixture
def app(home: Path) -> FastAPI:
    """The whole web app with one recruiter, rita, who can sign in; the phone line is offered."""
    settings = Settings(home=home, web=WebSettings(secret=SECRET),
                        phone=PhoneSettings(enabled=True), livekit=NO_LIVEKIT)  # fmt: skip
    app = create_app(settings)
    with _ctx(app).db() as s:
        RecruiterRepository(s).create("rita", "Rita", PASSWORD)
        s.commit()
    return app


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A client that is not signed in."""
    with TestClient(app) as c:
        yield c


@pytest.fixture
def rita(client: TestClient) -> TestClient:
    """The client, signed in as rita."""
    done = client.post("/login", data={"recruiter_id": "rita", "password": PASSWORD})
    assert done.status_code == 200 and done.url.path == "/dashboard"
    return client


def _ctx(app: FastAPI) -> WebContext:
    ctx: WebContext = app.state.ctx
    return ctx


def _completed_interview(app: FastAPI) -> tuple[str, str]:
    db = _ctx(app).db
    session_id, candidate_id = store_interview(db)
    with db() as s:
        SessionRepository(s).finish(session_id, status="completed")
        s.commit()
    assert candidate_id is not None
    return session_id, candidate_id


def _upload(client: TestClient, url: str, name: str, data: bytes) -> object:
    return client.post(url, files={"file": (name, data, "application/yaml")})


def test_pages_and_api_refuse_without_sign_in(client: TestClient) -> None:
    for page in ("/dashboard", "/dashboard/roles", "/dashboard/sessions/x?tab=1",
                 "/dashboard/candidates/x", "/dashboard/candidates/x/progress.png",
                 "/dashboard/phone"):  # fmt: skip
        refused = client.get(page, follow_redirects=False)
        assert refused.status_code == 303
        assert refused.headers["location"] == f"/login?next={quote(page, safe='/')}"
    for path in ("/dashboard/roles", "/dashboard/invitations", "/dashboard/sessions/x/review",
                 "/dashboard/phone/setup", "/dashboard/phone/remove"):  # fmt: skip
        assert client.post(path, follow_redirects=False).status_code == 303
    for method, path in API:
        refused = client.request(method, path)
        assert refused.status_code == 401
        assert refused.json()["detail"].startswith("sign in first")
    client.cookies.set("recruiter_session", "eyJzdWIiOiJyaXRhIn0.forged")
    assert client.get("/api/sessions").status_code == 401


def test_a_wrong_password_is_refused_and_the_right_one_signs_in(client: TestClient) -> None:
    for who, password in (("rita", "wrong password"), ("nobody", PASSWORD)):
        refused = client.post("/login", data={"recruiter_id": who, "password": password})
        assert refused.status_code == 401
        assert "Wrong recruiter id or password." in refused.text
        assert "set-cookie" not in refused.headers
    done = client.post(
        "/login",
        data={"recruiter_id": "rita", "password": PASSWORD, "next": "/dashboard/roles"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/dashboard/roles"
    cookie = done.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "max-age=43200" in cookie
    assert client.get("/dashboard").status_code == 200
    assert client.get("/api/sessions").status_code == 200

    client.post("/logout")
    assert client.get("/dashboard", follow_redirects=False).status_code == 303


def test_sign_in_goes_on_only_to_a_page_of_this_site(client: TestClient) -> None:
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        done = client.post(
            "/login",
            data={"recruiter_id": "rita", "password": PASSWORD, "next": target},
            follow_redirects=False,
        )
        assert done.headers["location"] == "/dashboard"


def test_a_broken_role_script_shows_every_located_error_and_stores_nothing(
    rita: TestClient, app: FastAPI
) -> None:
    data = BROKEN.read_bytes()
    with pytest.raises(RoleError) as caught:
        parse_role(data.decode(), "broken.yaml")
    expected = str(caught.value).splitlines()  # what `recruiter roles validate` prints
    assert any(line.startswith("broken.yaml:39:20 questions[0].competencies[0]: ")
               for line in expected)  # fmt: skip

    page = _upload(rita, "/dashboard/roles", "broken.yaml", data)
    assert page.status_code == 422
    assert "nothing was stored" in page.text
    shown = [html.unescape(x) for x in re.findall(r"<li><code>(.*?)</code></li>", page.text)]
    assert shown == expected

    api = _upload(rita, "/api/roles", "broken.yaml", data)
    assert api.status_code == 422
    assert api.json() == {"detail": "invalid role script", "errors": expected}
    with _ctx(app).db() as s:
        assert RoleRepository(s).versions("unknown-competency-ref") == []
        assert RoleRepository(s).all_latest() == []


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        (BOMB.encode(), 422, "its aliases expand"),
        (("x: " + "[" * 20000 + "]" * 20000).encode(), 422, "nested too deeply"),
        (b"\0" * (50 * 1024 * 1024), 413, "a role script is at most 512 KiB"),
    ],
    ids=["alias-bomb", "deep-nesting", "fifty-megabytes"],
)
def test_hostile_role_uploads_are_refused_with_their_reason_and_store_nothing(
    rita: TestClient, app: FastAPI, data: bytes, status: int, message: str
) -> None:
    """Issue 17: what `recruiter roles validate` refuses, sent through the dashboard's form and
    the API: an alias bomb (never expanded), deep nesting (no RecursionError) and a 50 MB
    file (read no further than the limit) get their reason, not a 500."""
    for path in ("/dashboard/roles", "/api/roles"):
        answer = _upload(rita, path, "hostile.yaml", data)
        assert answer.status_code == status, (path, answer.status_code)
        assert message in (
            html.unescape(answer.text)
            if path.startswith("/dashboard")
            else " ".join(answer.json().get("errors") or [answer.json()["detail"]])
        )
    with _ctx(app).db() as s:
        assert RoleRepository(s).all_latest() == []


def test_a_role_with_warnings_is_stored_and_its_located_warnings_shown(
    rita: TestClient, app: FastAPI
) -> None:
    data = ROLE_WITH_WARNINGS.encode()
    expected = [str(w) for w in parse_role_source(ROLE_WITH_WARNINGS, "de.yaml").warnings]
    assert len(expected) == 3  # two anchors and a repeated question

    page = _upload(rita, "/dashboard/roles", "de.yaml", data)
    assert page.status_code == 200 and "Stored data-engineer version" in page.text
    box = page.text.split('class="alert warn"', 1)[1].split("</div>", 1)[0]
    assert [html.unescape(x) for x in re.findall(r"<li><code>(.*?)</code></li>", box)] == expected

    api = _upload(rita, "/api/roles", "de.yaml", data)
    assert api.status_code == 200 and api.json()["warnings"] == expected
    clean = _upload(rita, "/api/roles", "two.yaml", VALID.read_bytes())
    assert clean.status_code == 201 and clean.json()["warnings"] == []
    assert 'class="alert warn"' not in rita.get("/dashboard/roles").text


def test_a_role_saved_by_word_or_excel_is_stored_and_binary_bytes_are_refused_located(
    rita: TestClient,
) -> None:
    """Issue 17: Windows-1252 and UTF-16 uploads are read (the first with a warning); bytes
    that are not text are refused with the line and column, never a server error."""
    text = VALID.read_text("utf-8").replace("title: ", "title: Caf\u00e9 ", 1)
    ansi = _upload(rita, "/api/roles", "two.yaml", text.encode("cp1252"))
    assert ansi.status_code == 201, ansi.text
    assert any("Windows-1252" in w for w in ansi.json()["warnings"])
    listed = rita.get("/dashboard/roles").text
    assert "Caf\u00e9" in listed
    again = _upload(rita, "/api/roles", "two.yaml", text.encode("utf-16"))  # the same text
    assert again.status_code == 200 and again.json()["warnings"] == []
    broken = _upload(rita, "/api/roles", "two.yaml", b"id: x\ntitle: \xff\x00\n")
    assert broken.status_code == 422
    assert "two.yaml:2:8" in broken.text and "save the role script as UTF-8" in broken.text


def test_a_valid_role_script_is_stored_once_and_listed(rita: TestClient, app: FastAPI) -> None:
    data = VALID.read_bytes()
    stored = _upload(rita, "/dashboard/roles", "two.yaml", data)
    assert stored.status_code == 200
    assert "Stored two-questions version 1 (Two-question test screen)." in stored.text
    listed = rita.get("/dashboard/roles").text
    assert "<code>two-questions</code>" in listed and '<span class="pill">v1</span>' in listed
    assert "<code>demo</code>" in listed  # shipped roles are listed too

    again = _upload(rita, "/dashboard/roles", "two.yaml", data)
    assert "two-questions version 1 is already stored; no change." in again.text
    api_again = _upload(rita, "/api/roles", "two.yaml", data)
    assert api_again.status_code == 200 and api_again.json()["created"] is False

    changed = data.replace(b"Two quick questions today.", b"Two short questions today.")
    conflict = _upload(rita, "/dashboard/roles", "two.yaml", changed)
    assert conflict.status_code == 409 and "versions are immutable" in conflict.text
    newer = _upload(
        rita, "/api/roles", "two.yaml", changed.replace(b'version: "1"', b'version: "2"')
    )
    assert newer.status_code == 201
    assert newer.json()["created"] is True and newer.json()["version"] == "2"
    with _ctx(app).db() as s:
        assert [v.version for v in RoleRepository(s).versions("two-questions")] == ["1", "2"]
        assert RoleRepository(s).get("two-questions", "1").content == data.decode()  # type: ignore[union-attr]


def _row(page: str, session_id: str) -> str:
    end = page.index(f"/dashboard/sessions/{session_id}")
    return html.unescape(page[page.rindex("<tr>", 0, end) : end])


def test_the_session_list_shows_a_stored_interview(rita: TestClient, app: FastAPI) -> None:
    session_id, candidate_id = _completed_interview(app)
    overall = rita.get(f"/api/sessions/{session_id}/report").json()["overall"]  # scores it
    page = rita.get("/dashboard").text
    row = _row(page, session_id)
    assert '<span class="status completed">completed</span>' in row
    assert "<bdi>Customer support specialist (short practice screen)</bdi> <span" in row
    assert f'/dashboard/candidates/{candidate_id}">Test Person</a>' in row
    assert f'<td class="num">{overall:.1f}</td>' in row
    # Filters: a name search (any case), a role and a status; none matching says so.
    with _ctx(app).db() as s:
        CandidateRepository(s).get(candidate_id).display_name = "Élise Test Person"  # type: ignore[union-attr]
        s.commit()
    for query in ("q=test+pers", "role=demo", "status=completed", "q=PERSON&role=demo",
                  "q=%C3%A9lise"):  # fmt: skip
        assert f"/dashboard/sessions/{session_id}" in rita.get(f"/dashboard?{query}").text
    for query in ("q=nobody", "role=two-questions", "status=failed", "q=%25"):
        found = rita.get(f"/dashboard?{query}").text
        assert f"/dashboard/sessions/{session_id}" not in found and "No session matches" in found
    # The invitation form offers the candidate by name and keeps the chosen role.
    made = rita.post("/dashboard/invitations", data={"candidate_id": candidate_id,
                                                     "role_id": "product-manager"})  # fmt: skip
    assert made.status_code == 200 and "Copy</button>" in made.text
    assert f'<option value="{candidate_id}">Élise Test Person ({candidate_id[:8]})</option>' in (
        html.unescape(made.text)
    )
    assert '<option value="product-manager" selected>' in made.text
    shown = html.unescape(made.text)
    assert shown.count("For <a href") == 1 and ">Élise Test Person</a> · " in shown

    listed = rita.get("/api/sessions").json()
    assert [
        (x["id"], x["status"], x["role_id"], x["turns"], x["candidate_id"]) for x in listed
    ] == [(session_id, "completed", "demo", 6, candidate_id)]


def test_the_report_is_scored_shown_and_given_as_json(rita: TestClient, app: FastAPI) -> None:
    session_id, _ = _completed_interview(app)
    report = rita.get(f"/api/sessions/{session_id}/report").json()
    assert report["session_id"] == session_id and report["overall"] is not None
    quotes = [e["quote"] for c in report["competencies"] for e in c["evidence"]]
    assert quotes and all(any(q in answer for answer in ANSWERS.values()) for q in quotes)

    page = rita.get(f"/dashboard/sessions/{session_id}")
    assert page.status_code == 200
    assert f'data-testid="overall">{report["overall"]:.1f}</span>' in page.text
    shown = html.unescape(page.text)
    supporting = [e["quote"] for c in report["competencies"] for e in c["evidence"]
                  if e["stance"] == "supports"]  # fmt: skip
    assert supporting and supporting[0] in shown
    assert all(answer in shown for answer in ANSWERS.values())  # the transcript

    full = rita.get(f"/dashboard/sessions/{session_id}/report.html")
    assert full.status_code == 200 and full.text.startswith("<!doctype html>")
    assert f"<span class=score>{report['overall']:.1f}</span>" in full.text

    assert rita.get("/dashboard/sessions/nope").status_code == 404
    missing = rita.get("/api/sessions/nope/report")
    assert missing.status_code == 404 and missing.json()["errors"] == ["no session 'nope'"]


def test_a_review_is_stored_beside_the_automatic_scores(rita: TestClient, app: FastAPI) -> None:
    session_id, _ = _completed_interview(app)
    rita.get(f"/dashboard/sessions/{session_id}")  # scores the session
    db = _ctx(app).db

    def automatic() -> list[tuple[int, str, str | None, float, str]]:
        with db() as s:
            rows = AssessmentRepository(s).scores(session_id)
            return [(x.id, x.scope, x.target, x.value, x.source) for x in rows
                    if x.source != "human"]  # fmt: skip

    before = automatic()
    assert before
    done = rita.post(
        f"/dashboard/sessions/{session_id}/review",
        data={"competency": ["motivation", "prioritisation"], "score": ["", "4"],
              "overall": "3", "note": "Clear on the lost parcel; vague on priorities."},
    )  # fmt: skip
    assert done.status_code == 200 and done.url.path == f"/dashboard/sessions/{session_id}"
    assert "Your review is saved." in done.text  # confirmed, and a reload posts nothing
    history = html.unescape(done.text.split('data-testid="review-history"')[1].split("</ul>")[0])
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    # Named competencies, who and when, newest first.
    when = rf"<span class=\"muted\">{today} [\d:]+ UTC</span>"
    entry = rf"rita</b> {when}: Prioritising under pressure 4"
    assert re.search(entry, history), history
    assert "Overall 3.0" in history and "prioritisation 4" not in history
    assert "Clear on the lost parcel; vague on priorities." in history
    assert "Your review is saved." not in rita.get(f"/dashboard/sessions/{session_id}").text
    api = rita.post(f"/api/reviews/{session_id}", json={"scores": {"customer-empathy": 5}})
    assert api.status_code == 201 and api.json()["scores"] == 1
    later = html.unescape(rita.get(f"/dashboard/sessions/{session_id}").text)
    assert later.index("Handling upset customers 5") < later.index("Prioritising under pressure 4")

    assert automatic() == before
    with db() as s:
        assessments = AssessmentRepository(s)
        human = [(x.scope, x.target, x.value, x.recruiter_id)
                 for x in assessments.scores(session_id, source="human")]  # fmt: skip
        notes = [(n.recruiter_id, n.text) for n in assessments.notes(session_id)]
    assert human == [
        ("competency", "prioritisation", 4.0, "rita"),
        ("overall", None, 3.0, "rita"),
        ("competency", "customer-empathy", 5.0, "rita"),
    ]
    assert notes == [("rita", "Clear on the lost parcel; vague on priorities.")]

    bad = rita.post(f"/api/reviews/{session_id}", json={"scores": {"charm": 4}, "overall": 6})
    assert bad.status_code == 422
    assert bad.json()["errors"] == [
        "no competency 'charm'; this role has motivation, customer-empathy, prioritisation",
        "overall must be from 1 to 5",
    ]
    assert rita.post(f"/api/reviews/{session_id}", json={}).status_code == 422
    assert rita.post("/api/reviews/nope", json={"note": "x"}).status_code == 404


def test_a_candidates_progress_is_a_png(rita: TestClient, app: FastAPI) -> None:
    session_id, candidate_id = _completed_interview(app)
    page = rita.get(f"/dashboard/candidates/{candidate_id}")
    assert page.status_code == 200 and f"/dashboard/sessions/{session_id}" in page.text
    png = rita.get(f"/dashboard/candidates/{candidate_id}/progress.png")
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n") and len(png.content) > 5_000
    assert rita.get("/dashboard/candidates/nope").status_code == 404
    assert rita.get("/dashboard/candidates/nope/progress.png").status_code == 404


def test_an_invitation_link_carries_the_candidate_and_role(
    rita: TestClient, app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    ctx = _ctx(app)
    caplog.set_level(logging.DEBUG)
    page = rita.post(
        "/dashboard/invitations",
        data={"candidate_name": "Ada Lovelace", "role_id": "demo", "mode": "exam"},
    )
    assert page.status_code == 200
    link = re.search(r'value="(http://127\.0\.0\.1:8000/join/[^"]+)"', page.text)
    assert link is not None
    invitation = ctx.invitations.read(link[1].rsplit("/", 1)[1])
    assert (invitation.role_id, invitation.mode) == ("demo", "exam")
    with ctx.db() as s:
        candidate = CandidateRepository(s).get(invitation.candidate_id)
        assert candidate is not None and candidate.display_name == "Ada Lovelace"

    made = rita.post(
        "/api/invitations",
        json={"candidate_id": invitation.candidate_id, "role_id": "demo", "role_version": "3"},
    )
    assert made.status_code == 201
    body = made.json()
    again = ctx.invitations.read(body["link"].rsplit("/", 1)[1])
    assert (again.candidate_id, again.role_id, again.role_version, again.room) == (
        invitation.candidate_id, "demo", "3", body["room"],
    )  # fmt: skip
    expires = datetime.fromisoformat(body["expires_at"])
    assert abs(expires - (datetime.now(UTC) + timedelta(hours=72))) < timedelta(minutes=1)
    # The same invitation by phone: its code opens this candidate's interview, in its room.
    assert body["phone_number"] == ctx.settings.phone.interview_number
    with ctx.db() as s:
        code = InterviewCodeRepository(s).find(body["phone_code"])
        assert code is not None
        assert (code.candidate_id, code.role_version, code.room) == (
            invitation.candidate_id, "3", body["room"],
        )  # fmt: skip
        stored = code.expires_at if code.expires_at.tzinfo else code.expires_at.replace(tzinfo=UTC)
        assert abs(stored - expires) < timedelta(seconds=1)

    for wrong, reason in (
        ({"role_id": "demo"}, "Choose a candidate, or type a new candidate's name"),
        ({"candidate_id": "nobody", "role_id": "demo"}, "no candidate 'nobody'"),
        ({"candidate_name": "X", "role_id": "astronaut"}, "no role 'astronaut'"),
        ({"candidate_name": "X", "role_id": "demo", "role_version": "9"}, "has no version '9'"),
    ):
        refused = rita.post("/api/invitations", json=wrong)
        assert refused.status_code == 422 and reason in refused.json()["errors"][0]
    assert "Ada Lovelace" not in caplog.text  # a candidate's name is never logged


def test_without_the_phone_line_an_invitation_has_no_code(home: Path) -> None:
    app = create_app(Settings(home=home, web=WebSettings(secret=SECRET)))
    with _ctx(app).db() as s:
        RecruiterRepository(s).create("rita", "Rita", PASSWORD)
        s.commit()
    with TestClient(app) as c:
        c.post("/login", data={"recruiter_id": "rita", "password": PASSWORD})
        made = c.post("/api/invitations", json={"candidate_name": "Grace", "role_id": "demo"})
        assert made.status_code == 201
        assert (made.json()["phone_number"], made.json()["phone_code"]) == (None, None)
        page = c.post("/dashboard/invitations", data={"candidate_name": "Alan", "role_id": "demo"})
        assert page.status_code == 200 and "/join/" in page.text and "by phone" not in page.text
        # With no SIP service beside the server, the phone page says how to start the line.
        phone = c.get("/dashboard/phone")
        assert phone.status_code == 200 and "The phone line is off" in phone.text
        assert "That did not work" not in phone.text
    with _ctx(app).db() as s:
        assert s.query(InterviewCode).count() == 0


def test_an_unreachable_livekit_server_is_said_on_the_phone_page(rita: TestClient) -> None:
    for page in (rita.get("/dashboard/phone"), rita.post("/dashboard/phone/setup")):
        assert page.status_code == 502
        shown = html.unescape(page.text)
        assert "the LiveKit server at ws://127.0.0.1:9 is unreachable" in shown
        assert "Offered on invitations</dt><dd>yes" in shown  # the settings still show
    refused = rita.delete("/api/phone-line")
    assert refused.status_code == 502 and refused.json()["detail"] == "phone line not removed"
    assert "ws://127.0.0.1:9 is unreachable" in refused.json()["errors"][0]


def test_the_openapi_description_lists_the_api(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    paths = spec["paths"]
    assert {"/api/sessions", "/api/sessions/{session_id}/report", "/api/roles",
            "/api/invitations", "/api/reviews/{session_id}"} <= set(paths)  # fmt: skip
    assert not [p for p in paths if p.startswith(("/dashboard", "/login"))]
    report = paths["/api/sessions/{session_id}/report"]["get"]["responses"]
    assert report["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Report")
    assert "competencies" in spec["components"]["schemas"]["Report"]["properties"]
    assert "422" in paths["/api/roles"]["post"]["responses"]


def test_invitations_are_listed_with_their_state_sent_again_and_withdrawn(
    rita: TestClient, app: FastAPI
) -> None:
    ctx = _ctx(app)
    form = {"candidate_name": "Noor Invitee", "role_id": "demo", "mode": "practice"}
    page = rita.post("/dashboard/invitations", data=form)
    # The result is a page of its own (reloading it invites no one again) with the link.
    assert page.status_code == 200 and page.url.path == "/dashboard/invitations"
    room = page.url.params["made"]
    link = re.search(r'id="invite-link" readonly value="([^"]+)"', page.text)
    assert link is not None and f'id="invitation-{room}"' in page.text
    token = link[1].rsplit("/", 1)[1]

    def entry() -> dict[str, Any]:
        listed = rita.get("/api/invitations").json()
        return next(x for x in listed if x["room"] == room)

    first = entry()
    assert (first["state"], first["candidate_name"], first["role_title"]) == (
        "sent", "Noor Invitee", load_role("demo").title,
    )  # fmt: skip
    assert ctx.invitations.read(first["link"].rsplit("/", 1)[1]).room == room  # copy link works
    # The candidate opens the link (no sign-in): the recruiter sees it was opened.
    candidate = TestClient(app)  # not signed in
    assert candidate.get(f"/join/{token}").status_code == 200
    assert entry()["state"] == "sent"  # a link preview fetching the page is not a person
    assert candidate.post(f"/api/join/{token}/opened").status_code == 204  # the page's script
    assert entry()["state"] == "opened"
    assert [x["room"] for x in rita.get("/api/invitations?state=opened").json()] == [room]
    assert rita.get("/api/invitations?state=sent").json() == []

    # Sent again: a new link for the same room, working for the full time from now.
    with ctx.db() as s:
        record = InvitationRepository(s).get(room)
        assert record is not None
        InvitationRepository(s).renew(record, datetime.now(UTC) + timedelta(hours=1))
        s.commit()
    hour_link = ctx.invitations.issue(ctx.invitations.read(token), ttl_s=3600)  # sent then
    assert TestClient(app).get(f"/join/{hour_link}").status_code == 200
    again = rita.post(f"/dashboard/invitations/{room}/resend")
    assert again.status_code == 200 and again.url.params["made"] == room
    assert "the links sent before it no longer open the interview" in again.text
    replaced = TestClient(app).get(f"/join/{hour_link}")
    assert replaced.status_code == 403 and "replaced by a newer one" in replaced.text
    renewed = entry()
    expires = datetime.fromisoformat(renewed["expires_at"])
    assert abs(expires - (datetime.now(UTC) + timedelta(hours=72))) < timedelta(minutes=1)
    new_link = re.search(r'id="invite-link" readonly value="([^"]+)"', again.text)
    assert new_link is not None
    assert ctx.invitations.read(new_link[1].rsplit("/", 1)[1]).room == room
    code = rita.post(f"/api/invitations/{room}/resend").json()["phone_code"]
    with ctx.db() as s:
        assert InterviewCodeRepository(s).find(code) is not None

    # Withdrawn: the link opens no interview and the phone code no call; the page says so.
    assert rita.post(f"/api/invitations/{room}/revoke").status_code == 204
    assert entry()["state"] == "revoked" and entry()["link"] is None
    refused = candidate.post(f"/api/join/{token}/token", json={"consent": True})
    assert refused.status_code == 410
    assert "withdrawn" in candidate.get(f"/join/{token}").text
    with ctx.db() as s:
        assert InterviewCodeRepository(s).find(code) is None
    assert rita.post(f"/api/invitations/{room}/resend").status_code == 409
    assert rita.post("/api/invitations/iv-nosuchroom/revoke").status_code == 404


def test_an_invitation_is_started_then_done_by_the_interviews_in_its_room(
    rita: TestClient, app: FastAPI
) -> None:
    made = rita.post("/api/invitations", json={"candidate_name": "Omar Done", "role_id": "demo"})
    room = made.json()["room"]
    db = _ctx(app).db

    def state() -> str:
        found = [x for x in rita.get("/api/invitations").json() if x["room"] == room]
        return str(found[0]["state"])

    with db() as s:
        session = SessionRepository(s).create(
            role_id="demo",
            role_version="3",
            persona=None,
            channel=room,
            llm_model=None,
            stt_model=None,
        )
        s.commit()
    assert state() == "started"
    with db() as s:
        SessionRepository(s).finish(session.id, status="completed")
        s.commit()
    assert state() == "started"  # ended before any answer: the invitation's work is not done
    with db() as s:
        SessionRepository(s).add_turn(session.id, NewTurn("candidate", "I am here.", 1.0, 2.0))
        s.commit()
    assert state() == "done"
    # Expired and never used: its state says so and it offers no link.
    made = rita.post("/api/invitations", json={"candidate_name": "Late", "role_id": "demo"})
    late = made.json()["room"]
    with db() as s:
        record = InvitationRepository(s).get(late)
        assert record is not None
        record.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        s.commit()
    gone = next(x for x in rita.get("/api/invitations").json() if x["room"] == late)
    assert (gone["state"], gone["link"]) == ("expired", None)
    page = rita.get("/dashboard/invitations?state=expired").text
    assert f'id="invitation-{late}"' in page and f'id="invitation-{room}"' not in page


def test_sessions_read_as_started_completed_partial_or_abandoned(
    rita: TestClient, app: FastAPI
) -> None:
    db = _ctx(app).db
    whole, _ = store_interview(db)
    short, _ = store_interview(db, answers={"motivation": ANSWERS["motivation"]})
    left, _ = store_interview(db)
    running, _ = store_interview(db)
    silent, _ = store_interview(db, answers={})  # asked, never answered, then ended
    with db() as s:
        repo = SessionRepository(s)
        for session_id in (whole, short):
            repo.finish(session_id, status="completed")
            score_session(s, session_id)
        repo.finish(left, status="failed", reason="the candidate left before the end")
        repo.finish(silent, status="completed", reason="the candidate ended the interview")
        s.commit()
    states = {x["id"]: x["state"] for x in rita.get("/api/sessions").json()}
    assert [states[x] for x in (whole, short, left, running, silent)] == [
        "completed", "partial", "abandoned", "started", "partial",
    ]  # fmt: skip
    for state, wanted in (("partial", {short, silent}), ("completed", {whole}),
                          ("abandoned", {left}), ("started", {running})):  # fmt: skip
        page = rita.get(f"/dashboard?status={state}").text
        shown = set(re.findall(r'href="/dashboard/sessions/([0-9a-f]{32})"', page))
        assert shown == wanted, state
        assert f'<span class="status {state}">{state}</span>' in page


def test_candidates_are_listed_by_name_found_by_any_part_and_invited_again(
    rita: TestClient, app: FastAPI
) -> None:
    db = _ctx(app).db
    _, held = store_interview(db)  # "Test Person", with one session
    with db() as s:
        people = CandidateRepository(s)
        zoe, elise = people.create("Zoë Adams").id, people.create("ÉLISE Martin").id
        s.commit()
    rita.post("/api/invitations", json={"candidate_id": zoe, "role_id": "demo"})
    page = rita.get("/dashboard/candidates").text
    names = re.findall(r'<a href="/dashboard/candidates/[0-9a-f]{32}">([^<]+)</a>', page)
    by_name = ["ÉLISE Martin", "Test Person", "Zoë Adams"]  # accents and case aside
    assert [html.unescape(n) for n in names] == by_name
    found = html.unescape(rita.get("/dashboard/candidates?q=%C3%A9lise").text)
    assert "ÉLISE Martin" in found and "Zoë Adams" not in found
    for query in ("elise", "ELISE  martin", "zoe"):  # accents, case and spacing aside
        assert f">{'Zoë Adams' if query == 'zoe' else 'ÉLISE Martin'}</a>" in html.unescape(
            rita.get("/dashboard/candidates", params={"q": query}).text
        ), query
    row = re.search(rf'candidates/{zoe}">Zoë Adams</a></td>\s*<td class="num">(\d+)</td>'
                    rf'.*?<td class="num">(\d+)</td>', html.unescape(page), re.S)  # fmt: skip
    assert row is not None and row.groups() == ("0", "1")  # no session, one invitation
    assert held is not None and f"/dashboard/candidates/{held}" in page
    assert "No candidate's name contains" in rita.get("/dashboard/candidates?q=nobody").text
    # A candidate's page: their name as the title, their invitations with their states.
    theirs = html.unescape(rita.get(f"/dashboard/candidates/{zoe}").text)
    assert "<title>Zoë Adams · Virtual recruiter</title>" in theirs
    listed = theirs.split("<h2>Invitations</h2>")[1]
    assert theirs.count("<h2>Invitations</h2>") == 1 and '<span class="status sent">' in listed
    # "Invite again" opens the invitation form with the candidate chosen.
    form = rita.get(f"/dashboard/invitations?candidate={elise}").text
    assert f'<option value="{elise}" selected>' in form


def test_a_kept_recording_is_served_to_recruiters_in_ranges_and_nothing_else(
    rita: TestClient, app: FastAPI, home: Path
) -> None:
    ctx = _ctx(app)
    session_id, _ = store_interview(ctx.db)
    audio = ctx.settings.sessions_dir / session_id / "conversation.ogg"
    audio.parent.mkdir(parents=True)
    audio.write_bytes(b"OggS" + bytes(4000))
    with ctx.db() as s:
        SessionRepository(s).finish(session_id, status="completed", audio_path=str(audio))
        s.commit()
    page = rita.get(f"/dashboard/sessions/{session_id}").text
    assert f'src="/dashboard/sessions/{session_id}/audio"' in page and 'class="link seek"' in page
    assert ">Test Person</a>" in page  # the candidate by name
    whole = rita.get(f"/dashboard/sessions/{session_id}/audio")
    assert whole.status_code == 200 and whole.headers["content-type"] == "audio/ogg"
    part = rita.get(f"/dashboard/sessions/{session_id}/audio", headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.content) == 100  # the player can seek
    # A recording path outside the sessions folder is never served; nor is anything unsigned.
    outside = home / "elsewhere.ogg"
    outside.write_bytes(b"OggS")
    with ctx.db() as s:
        SessionRepository(s).finish(session_id, status="completed", audio_path=str(outside))
        s.commit()
    assert rita.get(f"/dashboard/sessions/{session_id}/audio").status_code == 404
    assert 'id="recording"' not in rita.get(f"/dashboard/sessions/{session_id}").text
    stranger = TestClient(app, follow_redirects=False)  # not signed in
    assert stranger.get(f"/dashboard/sessions/{session_id}/audio").status_code == 303


def _page_size(pdf: bytes) -> tuple[int, int]:
    """The first page's size in points, from its MediaBox."""
    found = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert found is not None, "no MediaBox in the PDF"
    return round(float(found[1])), round(float(found[2]))


def test_the_report_pdf_is_on_the_readers_paper_and_names_the_candidate(
    rita: TestClient, app: FastAPI
) -> None:
    ctx = _ctx(app)
    session_id, candidate_id = _completed_interview(app)
    rita.get(f"/dashboard/sessions/{session_id}")  # scored
    page = rita.get(f"/dashboard/sessions/{session_id}/report.html").text
    assert "<div class=meta>For <bdi>Test Person</bdi> · " in page  # their name on it
    letter = rita.get(f"/dashboard/sessions/{session_id}/report.pdf",
                      headers={"Accept-Language": "en-US,en;q=0.9"})  # fmt: skip
    assert letter.status_code == 200 and letter.headers["content-type"] == "application/pdf"
    assert _page_size(letter.content) == (612, 792)  # US Letter, 8.5 x 11 in
    a4 = rita.get(f"/dashboard/sessions/{session_id}/report.pdf",
                  headers={"Accept-Language": "en-GB,en;q=0.9"})  # fmt: skip
    assert _page_size(a4.content) == (595, 842)  # A4, 210 x 297 mm
    # The candidate gets theirs from their own link, for their own attempts only.
    with ctx.db() as s:
        SessionRepository(s).get(session_id).channel = "iv-pdfroom000001"  # type: ignore[union-attr]
        s.commit()
    token = ctx.invitations.issue(
        Invitation(candidate_id=candidate_id, role_id="demo", room="iv-pdfroom000001")
    )
    with ctx.db() as s:
        write_reports(s, session_id, ctx.settings.sessions_dir / session_id, ("html",))
        s.commit()
    candidate = TestClient(app)
    mine = candidate.get(f"/join/{token}/report.pdf?session={session_id}",
                         headers={"Accept-Language": "de-DE"})  # fmt: skip
    assert mine.status_code == 200 and _page_size(mine.content) == (595, 842)
    # The recruiters' own review stays theirs: not in what the candidate gets.
    review = {"competency": [], "score": [], "overall": "2", "note": "Probe NOTE-7731."}
    rita.post(f"/dashboard/sessions/{session_id}/review", data=review)
    assert "NOTE-7731" not in rita.get(f"/dashboard/sessions/{session_id}/report.html").text
    assert "NOTE-7731" in rita.get(f"/dashboard/sessions/{session_id}").text  # recruiters see it
    own = candidate.get(f"/api/join/{token}/sessions/{session_id}/report").json()
    assert own["review"] == {"notes": [], "human_scores": []} and own["human_overall"] is None
    assert candidate.get(f"/join/{token}/report.pdf?session={'0' * 32}").status_code == 404


def test_a_roles_candidates_compare_side_by_side_with_shortlist_and_csv(
    rita: TestClient, app: FastAPI
) -> None:
    db = _ctx(app).db
    strong, ana = store_interview(db)
    short, ben = store_interview(db, answers={"motivation": ANSWERS["motivation"]})
    old, cleo = store_interview(db, answers={"motivation": ANSWERS["motivation"]})
    with db() as s:
        people = CandidateRepository(s)
        for who, name in ((ana, "Ana Strong"), (ben, "Ben Brief"), (cleo, "Cleo Again")):
            people.get(who).display_name = name  # type: ignore[union-attr]
        s.commit()
    newer, _ = store_interview(db)  # Cleo again, later, with every answer
    with db() as s:
        SessionRepository(s).get(newer).candidate_id = cleo  # type: ignore[union-attr]
        for session_id in (strong, short, old, newer):
            SessionRepository(s).finish(session_id, status="completed")
            score_session(s, session_id)
        s.commit()
    page = rita.get("/dashboard/roles/demo/compare").text
    shown = re.findall(r'<tr id="row-([0-9a-f]{32})"', page)
    assert sorted(shown) == sorted([ana, ben, cleo])  # one row each: Cleo's newest only
    assert f"/dashboard/sessions/{newer}#competency-" in page
    assert f"/dashboard/sessions/{old}#" not in page
    # Each score is a link to the evidence behind it, on the session page's competency row.
    link = re.search(rf'href="/dashboard/sessions/{strong}#competency-([a-z-]+)"', page)
    assert link is not None
    assert f'id="competency-{link[1]}"' in rita.get(f"/dashboard/sessions/{strong}").text
    # Ben answered one question of three: partial, no overall, some competencies empty.
    ben_row = page[page.index(f'id="row-{ben}"') :].split("</tr>")[0]
    assert "partial" in ben_row and ">—</a>" in ben_row

    # Shortlisted rows come first, and "shortlisted only" keeps just them.
    marked = rita.post(f"/dashboard/roles/demo/shortlist/{ben}", data={"on": "true"})
    assert marked.status_code == 200
    shown = re.findall(r'<tr id="row-([0-9a-f]{32})"', marked.text)
    assert shown[0] == ben and 'aria-pressed="true"' in marked.text
    only = rita.get("/dashboard/roles/demo/compare?shortlisted=true").text
    assert re.findall(r'<tr id="row-([0-9a-f]{32})"', only) == [ben]
    table = list(csv.reader(io.StringIO(rita.get("/dashboard/roles/demo/compare.csv").text)))
    names = [c.name for c in load_role("demo").competencies]
    assert table[0] == ["candidate", "candidate_id", "session_id", "started_at", "state",
                        "overall", *names, "shortlisted"]  # fmt: skip
    by_name = {row[0]: row for row in table[1:]}
    assert set(by_name) == {"Ana Strong", "Ben Brief", "Cleo Again"}
    with db() as s:
        CandidateRepository(s).get(cleo).display_name = "=HYPERLINK(1)"  # type: ignore[union-attr]
        s.commit()
    csv_text = rita.get("/dashboard/roles/demo/compare.csv").text
    assert "'=HYPERLINK(1)" in csv_text and "\r\n=" not in csv_text  # never run as a formula
    assert by_name["Ben Brief"][-1] == "yes" and by_name["Ana Strong"][-1] == "no"
    assert by_name["Ben Brief"][5] == "" and by_name["Ana Strong"][5] != ""  # partial: no overall
    rita.post(f"/dashboard/roles/demo/shortlist/{ben}", data={"on": "false"})
    assert (
        "No one is shortlisted yet"
        in rita.get("/dashboard/roles/demo/compare?shortlisted=true").text
    )
    assert rita.get("/dashboard/roles/astronaut/compare").status_code == 404


def test_the_role_editor_checks_as_typed_compares_with_the_newest_version_and_stores(
    rita: TestClient, app: FastAPI
) -> None:
    # Every located error at once, as `recruiter roles validate` prints them.
    broken = BROKEN.read_text()
    with pytest.raises(RoleError) as caught:
        parse_role(broken, "editor.yaml")
    checked = rita.post("/api/roles/check", json={"text": broken}).json()
    assert checked["valid"] is False
    assert checked["errors"] == str(caught.value).splitlines() and len(checked["errors"]) >= 2

    # A change to the demo role: valid, and the diff shows exactly what changed.
    page = rita.get("/dashboard/roles/editor?role=demo")
    text = html.unescape(re.search(r'<textarea id="role-text"[^>]*>(.*?)</textarea>',
                                   page.text, re.S)[1])  # type: ignore[index]  # fmt: skip
    assert text == load_role_source("demo").text
    changed = text.replace('version: "3"', 'version: "4"', 1).replace(
        "To start, could you tell me", "First, could you tell me", 1
    )
    checked = rita.post("/api/roles/check", json={"text": changed}).json()
    assert (checked["valid"], checked["role_id"], checked["version"]) == (True, "demo", "4")
    assert checked["previous_version"] == "3" and checked["errors"] == []
    lines = checked["diff"].splitlines()[2:]  # below the ---/+++ header
    removed, added = [x for x in lines if x[:1] == "-"], [x for x in lines if x[:1] == "+"]
    assert len(removed) == len(added) == 2 and "First, could you tell me" in added[1]
    assert rita.get("/dashboard/roles/editor?role=astronaut").status_code == 404

    # A changed script under a version that ships (or is stored) is refused while typed.
    same_version = text.replace("To start, could you tell me", "First, could you tell me", 1)
    refused = rita.post("/api/roles/check", json={"text": same_version}).json()
    assert refused["valid"] is False and "ships with the product" in refused["errors"][0]
    # The browser sends the textarea with CRLF line ends: the same script, unchanged.
    crlf = rita.post("/api/roles/check", json={"text": text.replace("\n", "\r\n")}).json()
    assert crlf["valid"] is True and crlf["diff"] == ""
    lone = rita.post(
        "/api/roles/check",
        content=b'{"text": "id: x\\ud800"}',
        headers={"Content-Type": "application/json"},
    )  # a lone surrogate, escaped
    assert lone.status_code == 200 and lone.json()["valid"] is False
    # Stored from the editor as a new version; a broken text comes back with its problems.
    refused = rita.post("/dashboard/roles/editor", data={"text": broken})
    assert refused.status_code == 422 and "nothing was stored" in refused.text
    shown = [html.unescape(x) for x in re.findall(r"<li><code>(.*?)</code></li>", refused.text)]
    assert shown == str(caught.value).splitlines()
    assert broken in html.unescape(refused.text)  # the text is kept to fix
    stored = rita.post("/dashboard/roles/editor", data={"text": changed.replace("\n", "\r\n")})
    assert stored.status_code == 200 and "Stored demo version 4" in stored.text
    with _ctx(app).db() as s:
        assert [v.version for v in RoleRepository(s).versions("demo")] == ["4"]
        assert RoleRepository(s).get("demo", "4").content == changed  # type: ignore[union-attr]
    # With no LLM configured, drafting says how to get one.
    draft = rita.post("/dashboard/roles/draft", data={"job_description": "Junior analyst."})
    assert draft.status_code == 503 and "RECRUITER_LLM__BASE_URL" in draft.text


def test_sign_in_guessing_is_stopped_per_account_and_the_right_password_waits_too(
    client: TestClient, app: FastAPI
) -> None:
    """Issue 17: sign-in brute force is rate-limited (10 refused per recruiter id in 15 min)."""
    limit = _ctx(app).settings.web.sign_in_failures_per_account
    for _ in range(limit):
        refused = client.post("/login", data={"recruiter_id": "Rita", "password": "guess"})
        assert refused.status_code == 401
    locked = client.post("/login", data={"recruiter_id": "rita", "password": PASSWORD})
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) == 900
    assert "Too many refused sign-ins" in locked.text and "set-cookie" not in locked.headers
    # Another recruiter id from the same address is still let in (the address bound is 30),
    # and so is rita herself from another address: a stranger cannot lock her out.
    with _ctx(app).db() as s:
        RecruiterRepository(s).create("omar", "Omar", PASSWORD)
        s.commit()
    omar = client.post("/login", data={"recruiter_id": "omar", "password": PASSWORD})
    assert omar.status_code == 200
    with TestClient(app, client=("203.0.113.7", 50000)) as elsewhere:
        own = elsewhere.post("/login", data={"recruiter_id": "rita", "password": PASSWORD})
        assert own.status_code == 200 and own.url.path == "/dashboard"


def test_sign_in_guessing_is_stopped_per_address_and_per_account_from_everywhere(
    client: TestClient, app: FastAPI
) -> None:
    """Issue 17: a guesser who cycles through recruiter ids is stopped at 30 refused sign-ins
    from one address (for every id, from there only); one who cycles through addresses, at 100
    refused for one recruiter id (that id, from everywhere)."""
    web = _ctx(app).settings.web
    for n in range(web.sign_in_failures_per_address):
        guess = client.post("/login", data={"recruiter_id": f"nobody{n}", "password": "guess"})
        assert guess.status_code == 401
    right = {"recruiter_id": "rita", "password": PASSWORD}
    assert client.post("/login", data=right).status_code == 429
    with TestClient(app, client=("203.0.113.7", 50000)) as elsewhere:
        assert elsewhere.post("/login", data=right).url.path == "/dashboard"
    per_address = web.sign_in_failures_per_account
    for a in range(web.sign_in_failures_per_account_anywhere // per_address):
        with TestClient(app, client=(f"198.51.100.{a + 1}", 50000)) as guesser:
            for _ in range(per_address):
                guess = guesser.post("/login", data={"recruiter_id": "rita", "password": "x"})
                assert guess.status_code == 401
    with TestClient(app, client=("192.0.2.9", 50000)) as new_address:
        locked = new_address.post("/login", data=right)
        assert locked.status_code == 429 and "set-cookie" not in locked.headers


def test_behind_a_trusted_proxy_each_client_address_is_bounded_and_others_cannot_forge_one(
    app: FastAPI,
) -> None:
    """Issue 17, with ``RECRUITER_WEB__TRUSTED_PROXIES`` (what ``recruiter web`` hands uvicorn):
    behind the proxy, the address the proxy forwards is the one counted, so one guesser does
    not lock out the others behind it; a client that is not the proxy cannot choose its
    address with ``X-Forwarded-For`` to escape the bound."""
    proxied = ProxyHeadersMiddleware(app, trusted_hosts="10.0.0.5")
    limit = _ctx(app).settings.web.sign_in_failures_per_account
    right = {"recruiter_id": "rita", "password": PASSWORD}
    with TestClient(proxied, client=("10.0.0.5", 40000)) as proxy:
        guesser, other = {"X-Forwarded-For": "198.51.100.1"}, {"X-Forwarded-For": "198.51.100.2"}
        for _ in range(limit):
            guess = proxy.post("/login", data={**right, "password": "x"}, headers=guesser)
            assert guess.status_code == 401
        assert proxy.post("/login", data=right, headers=guesser).status_code == 429
        assert proxy.post("/login", data=right, headers=other).url.path == "/dashboard"
    with TestClient(proxied, client=("192.0.2.50", 40000)) as direct:
        for n in range(limit):
            forged = {"X-Forwarded-For": f"198.51.100.{100 + n}"}
            guess = direct.post("/login", data={**right, "password": "x"}, headers=forged)
            assert guess.status_code == 401
        forged = {"X-Forwarded-For": "198.51.100.250"}
        assert direct.post("/login", data=right, headers=forged).status_code == 429


def test_security_headers_and_cross_site_changes_refused(client: TestClient) -> None:
    """Issue 17: security headers on pages, the API and static files; a form posted from
    another site is refused before it runs, one from this site is not."""
    for path in ("/login", "/api/sessions", "/static/candidate.js"):
        headers = client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["x-frame-options"] == "DENY" and headers["referrer-policy"] == "same-origin"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "script-src 'self'" in headers["content-security-policy"]
    data = {"recruiter_id": "rita", "password": PASSWORD}
    forged = client.post("/login", data=data, headers={"Origin": "https://evil.example"})
    assert forged.status_code == 403 and "set-cookie" not in forged.headers
    from_referer = client.post("/login", data=data, headers={"Referer": "https://evil.example/x"})
    assert from_referer.status_code == 403
    # An opaque origin (a sandboxed frame or a page that sends no referrer) is not this site.
    assert client.post("/login", data=data, headers={"Origin": "null"}).status_code == 403
    own = client.post("/login", data=data, headers={"Origin": "http://testserver"})
    assert own.status_code == 200 and own.url.path == "/dashboard"


@pytest.mark.parametrize(
    "path",
    [
        # Each reaches its handler as one path segment (a session id of "..", "..\\..").
        "/dashboard/sessions/%2E%2E/audio",
        "/dashboard/sessions/..%5C..%5Cweb-secret/audio",
        "/dashboard/sessions/%2E%2E%5Cweb-secret/report.pdf",
        "/dashboard/sessions/%2E%2E",
        "/static/%2E%2E/%2E%2E/pyproject.toml",
        "/static/..%5C..%5Cpyproject.toml",
    ],
)
def test_file_routes_refuse_path_traversal(rita: TestClient, path: str) -> None:
    """Issue 17: a session id or file name that climbs out of its folder finds nothing."""
    answer = rita.get(path)
    assert answer.status_code in (404, 422), (path, answer.status_code)
    assert "RECRUITER" not in answer.text and "[project]" not in answer.text


def test_a_signed_in_recruiters_cookie_does_not_carry_a_change_from_another_site(
    rita: TestClient,
) -> None:
    """Issue 17: the forgery CSRF is about. A page on another site makes the signed-in
    recruiter's browser post to the dashboard (the sign-in cookie goes with it, as SameSite=Lax
    still allows for some navigations); the change is refused before its route runs. A client
    that sends neither ``Origin`` nor ``Referer`` is not a browser on another site: it is judged
    by its sign-in alone, and without one it reaches nothing."""
    change = "/logout"  # a change every signed-in recruiter may make
    forged = rita.post(change, headers={"Origin": "https://evil.example"}, follow_redirects=False)
    assert forged.status_code == 403
    assert rita.get("/dashboard", follow_redirects=False).status_code == 200  # still signed in
    blank = rita.post("/dashboard/roles", data={}, follow_redirects=False)  # no Origin/Referer
    assert blank.status_code != 403  # its sign-in decides, then the form's own checks
    with TestClient(rita.app) as stranger:  # no cookie, no headers: turned away by sign-in
        refused = stranger.post("/dashboard/roles", data={}, follow_redirects=False)
        assert refused.status_code in (303, 401), refused.status_code
