"""The candidate's side over HTTP: an invitation lets one candidate into one room, no further."""

from __future__ import annotations

import base64
import json
import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from livekit import api
from starlette.testclient import TestClient

from recruiter_config.settings import LiveKitSettings, Settings, WebSettings
from storage import (
    CandidateRepository,
    InterviewSession,
    InvitationRepository,
    RecruiterRepository,
    SessionRepository,
)
from tests.stored_interview import ANSWERS, store_interview
from web.app import create_app
from web.context import WebContext
from web.invites import Invitation, Invitations
from web.signing import Signer

SECRET = "candidate-test-secret-0123456789"
LIVEKIT = LiveKitSettings(
    url="ws://livekit.test:7880",
    api_key="candidate-test-key",
    api_secret="candidate-test-livekit-secret-0123456789abcdef",
)
TTL_S = 120
AGENT = "interviewer-under-test"
ADA, GRACE = "Ada Lovelace", "Grace Hopper"
PASSWORD = "correct horse battery"
AGREED = {"consent": True}  # the candidate ticked the consent box


@pytest.fixture
def settings(home: Path) -> Settings:
    """Settings with a signing secret, a short room-token lifetime and a known LiveKit key."""
    web = WebSettings(secret=SECRET, token_ttl_s=TTL_S, agent_name=AGENT)
    return Settings(home=home, web=web, livekit=LIVEKIT)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    """The whole web app on a SQLite database in the data folder."""
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A browser with no sign-in, as a candidate has."""
    with TestClient(app) as c:
        yield c


def _ctx(app: FastAPI) -> WebContext:
    ctx: WebContext = app.state.ctx
    return ctx


def _candidate(app: FastAPI, name: str) -> str:
    with _ctx(app).db() as s:
        person = CandidateRepository(s).create(display_name=name)
        s.commit()
        return person.id


def _invite(app: FastAPI, candidate_id: str, **fields: Any) -> tuple[str, Invitation]:
    invitation = Invitation(candidate_id=candidate_id, role_id="demo", **fields)
    return _ctx(app).invitations.issue(invitation), invitation


def _interview(
    app: FastAPI, candidate_id: str, room: str, started: datetime = datetime(2030, 1, 1, tzinfo=UTC)
) -> str:
    """A completed demo interview of ``candidate_id`` held in ``room``; its session id."""
    db = _ctx(app).db
    session_id, _ = store_interview(db, candidate=False)
    with db() as s:
        record = s.get_one(InterviewSession, session_id)
        record.channel = room
        record.candidate_id = candidate_id
        record.started_at = started
        SessionRepository(s).finish(session_id, status="completed")
        s.commit()
    return session_id


def _write_report(settings: Settings, session_id: str, body: str) -> None:
    folder = settings.sessions_dir / session_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.html").write_text(body, encoding="utf-8")


def _claims(jwt: str) -> api.Claims:
    return api.TokenVerifier(LIVEKIT.api_key, LIVEKIT.api_secret).verify(jwt)


def _jwt_times(jwt: str) -> dict[str, int]:
    body = jwt.split(".")[1]
    data: dict[str, int] = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return data


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _edited(token: str, **changes: object) -> str:
    """The token with its payload edited and its signature kept."""
    data, mac = token.split(".")
    payload = dict(json.loads(_unb64(data)), **changes)
    return f"{_b64(json.dumps(payload, separators=(',', ':'), sort_keys=True).encode())}.{mac}"


def _assert_refused(client: TestClient, token: str, because: str) -> None:
    page = client.get(f"/join/{token}")
    assert page.status_code == 403
    assert "This invitation cannot be used" in page.text
    assert because in page.text
    assert "Ask the recruiter who sent it for a new link." in page.text
    for method, path in (
        ("post", f"/api/join/{token}/token"),
        ("get", f"/api/join/{token}/status"),
        ("get", f"/join/{token}/report"),
        ("get", f"/api/join/{token}/sessions/x/report"),
    ):
        refused = client.request(method, path)
        assert refused.status_code == 403, path
        assert "token" not in refused.json()
        assert because in refused.json()["detail"], path


def test_the_room_token_joins_only_the_invitations_room_as_the_candidate(
    client: TestClient, app: FastAPI
) -> None:
    ada, grace = _candidate(app, ADA), _candidate(app, GRACE)
    token_a, invitation_a = _invite(app, ada, mode="exam")
    token_b, invitation_b = _invite(app, grace)
    assert invitation_a.room != invitation_b.room

    page = client.get(f"/join/{token_a}")
    assert page.status_code == 200 and "This invitation cannot be used" not in page.text

    before = int(time.time())
    for unagreed in (None, {}, {"consent": False}):
        refused = client.post(f"/api/join/{token_a}/token", json=unagreed)
        assert refused.status_code == 428 and "agree to what is recorded" in refused.text
    access = client.post(f"/api/join/{token_a}/token", json=AGREED)
    assert access.status_code == 200
    body = access.json()
    assert body["url"] == LIVEKIT.url and body["room"] == invitation_a.room
    assert body["identity"] == f"candidate-{ada}" and body["expires_in_s"] == TTL_S

    claims = _claims(body["token"])
    assert claims.identity == f"candidate-{ada}"
    assert claims.name != ADA  # the participant name is not the candidate's name
    assert claims.video is not None
    assert claims.video.room == invitation_a.room and claims.video.room_join is True
    assert not claims.video.room_admin and not claims.video.room_create
    assert not claims.video.room_list and not claims.video.room_record
    assert not claims.video.destination_room and not claims.video.agent
    times = _jwt_times(body["token"])
    assert 0 < times["exp"] - times["nbf"] <= TTL_S
    assert times["exp"] - before <= TTL_S + 1

    config = claims.room_config
    assert config is not None and config.name == invitation_a.room
    [dispatch] = config.agents
    assert dispatch.agent_name == AGENT
    job = json.loads(dispatch.metadata)
    assert (job["role_id"], job["candidate_id"], job["mode"]) == ("demo", ada, "exam")

    other = _claims(client.post(f"/api/join/{token_b}/token", json=AGREED).json()["token"])
    assert other.video is not None and other.room_config is not None
    assert other.video.room == invitation_b.room == other.room_config.name
    assert other.identity == f"candidate-{grace}"
    assert json.loads(other.room_config.agents[0].metadata)["candidate_id"] == grace
    assert invitation_a.room not in json.dumps(other.asdict())

    with pytest.raises(Exception, match="Signature verification failed"):
        api.TokenVerifier(LIVEKIT.api_key, "another-livekit-secret-0123456789abcdef").verify(
            body["token"]
        )


def test_forged_foreign_expired_and_sign_in_tokens_are_refused(
    client: TestClient, app: FastAPI
) -> None:
    ada, grace = _candidate(app, ADA), _candidate(app, GRACE)
    token_a, invitation_a = _invite(app, ada)
    _, invitation_b = _invite(app, grace)
    assert client.get(f"/join/{token_a}").status_code == 200

    _assert_refused(client, _edited(token_a, candidate_id=grace), "bad signature")
    _assert_refused(client, _edited(token_a, room=invitation_b.room), "bad signature")
    later = int(time.time()) + 10 * 365 * 86400
    _assert_refused(client, _edited(token_a, exp=later), "bad signature")

    foreign = Invitations("another-deployment-secret-0123", 72).issue(invitation_a)
    _assert_refused(client, foreign, "bad signature")

    # Issued two hours ago, good for one: the right key, but over.
    issued_earlier = Signer(SECRET, "invite", clock=lambda: time.time() - 7200)
    expired = issued_earlier.sign(invitation_a.model_dump(), 3600)
    _assert_refused(client, expired, "expired")

    with _ctx(app).db() as s:
        RecruiterRepository(s).create("rita", "Rita", PASSWORD)
        s.commit()
    signed_in = client.post("/login", data={"recruiter_id": "rita", "password": PASSWORD})
    assert signed_in.status_code == 200
    cookie = client.cookies["recruiter_session"]
    _assert_refused(client, cookie, "bad signature")

    for garbage in ("nothing-here", "a.b", "x.", "x" * 300):
        _assert_refused(client, garbage, "not valid")


def test_a_token_that_is_not_ascii_is_refused(client: TestClient) -> None:
    _assert_refused(client, "%C3%A9.abc", "not valid")


def test_a_candidate_reads_only_their_own_session_report(client: TestClient, app: FastAPI) -> None:
    ada, grace = _candidate(app, ADA), _candidate(app, GRACE)
    token_a, invitation_a = _invite(app, ada)
    token_b, _ = _invite(app, grace)
    session_a = _interview(app, ada, invitation_a.room)

    own = client.get(f"/api/join/{token_a}/sessions/{session_a}/report")
    assert own.status_code == 200
    report = own.json()
    assert report["session_id"] == session_a and report["candidate_id"] == ada
    said = [t["text"] for t in report["transcript"] if t["speaker"] == "candidate"]
    assert said == list(ANSWERS.values())

    theirs = client.get(f"/api/join/{token_b}/sessions/{session_a}/report")
    assert theirs.status_code == 404
    assert ANSWERS["motivation"] not in theirs.text
    assert client.get(f"/api/join/{token_a}/sessions/nope/report").status_code == 404

    with _ctx(app).db() as s:
        CandidateRepository(s).delete(ada)
        s.commit()
    _assert_refused(client, token_a, "no longer valid")
    assert client.get(f"/join/{token_b}").status_code == 200  # others are unaffected


def test_the_own_report_page_is_the_invitations_room_and_candidate_only(
    client: TestClient, app: FastAPI, settings: Settings
) -> None:
    ada, grace = _candidate(app, ADA), _candidate(app, GRACE)
    token_a, invitation_a = _invite(app, ada)
    token_a2, invitation_a2 = _invite(app, ada)

    waiting = client.get(f"/api/join/{token_a}/status").json()
    assert waiting == {"session_id": None, "status": "waiting", "report_ready": False,
                       "attempts": []}  # fmt: skip
    assert client.get(f"/join/{token_a}/report").status_code == 404

    first = _interview(app, ada, invitation_a.room, datetime(2030, 1, 1, tzinfo=UTC))
    assert client.get(f"/join/{token_a}/report").status_code == 404  # not written yet
    status = client.get(f"/api/join/{token_a}/status").json()
    assert (status["session_id"], status["status"], status["report_ready"]) == (
        first, "completed", False,
    )  # fmt: skip

    # Later sessions elsewhere: Ada in another room, Grace in Ada's room; both with reports.
    later = datetime(2030, 1, 1, tzinfo=UTC) + timedelta(days=1)
    elsewhere = _interview(app, ada, invitation_a2.room, later)
    intruder = _interview(app, grace, invitation_a.room, later)
    _write_report(settings, elsewhere, "<!doctype html><p>Ada, second room</p>")
    _write_report(settings, intruder, "<!doctype html><p>Grace in Ada's room</p>")
    assert client.get(f"/join/{token_a}/report").status_code == 404
    assert client.get(f"/api/join/{token_a}/status").json()["session_id"] == first

    _write_report(settings, first, "<!doctype html><p>Ada, first room</p>")
    served = client.get(f"/join/{token_a}/report")
    assert served.status_code == 200 and served.headers["content-type"].startswith("text/html")
    assert served.text == "<!doctype html><p>Ada, first room</p>"
    assert client.get(f"/api/join/{token_a}/status").json()["report_ready"] is True
    assert client.get(f"/join/{token_a2}/report").text == "<!doctype html><p>Ada, second room</p>"
    # Naming a session does not reach past the link: not Grace's, not Ada's other room's.
    for other in (intruder, elsewhere, "nope"):
        assert client.get(f"/join/{token_a}/report?session={other}").status_code == 404
    assert client.get(f"/join/{token_a}/report?session={first}").status_code == 200


def _attempt(app: FastAPI, candidate_id: str, room: str, day: int, *, mode: str,
             answered: bool = True) -> str:  # fmt: skip
    session_id = _interview(app, candidate_id, room, datetime(2030, 1, day, tzinfo=UTC))
    with _ctx(app).db() as s:
        s.get_one(InterviewSession, session_id).mode = mode
        if not answered:
            for turn in SessionRepository(s).turns(session_id):
                if turn.speaker == "candidate":
                    s.delete(turn)
        s.commit()
    return session_id


def test_every_practice_attempt_keeps_its_report_and_an_exam_is_taken_once(
    client: TestClient, app: FastAPI, settings: Settings
) -> None:
    ada = _candidate(app, ADA)
    practice, invitation = _invite(app, ada, mode="practice")
    first = _attempt(app, ada, invitation.room, 1, mode="practice")
    _write_report(settings, first, "<!doctype html><p>first attempt</p>")
    second = _attempt(app, ada, invitation.room, 2, mode="practice")  # no report yet
    # The link still shows the report there is, not the newest attempt's missing one.
    assert client.get(f"/join/{practice}/report").text == "<!doctype html><p>first attempt</p>"
    assert client.get(f"/join/{practice}/report?session={first}").status_code == 200
    assert client.get(f"/join/{practice}/report?session={second}").status_code == 404
    status = client.get(f"/api/join/{practice}/status").json()
    assert [a["session_id"] for a in status["attempts"]] == [second, first]
    assert [a["report_ready"] for a in status["attempts"]] == [False, True]
    page = client.get(f"/join/{practice}").text
    assert "Your attempts" in page and f"report?session={first}" in page
    assert 'id="consent"' in page  # a retake starts with the consent step again
    again = client.post(f"/api/join/{practice}/token", json=AGREED)
    assert again.status_code == 200  # practice: again

    exam, invitation = _invite(app, ada, mode="exam")
    _attempt(app, ada, invitation.room, 3, mode="exam", answered=False)  # dropped, no answer
    assert client.post(f"/api/join/{exam}/token", json=AGREED).status_code == 200  # does not count
    taken = _attempt(app, ada, invitation.room, 4, mode="exam")
    _write_report(settings, taken, "<!doctype html><p>exam</p>")
    refused = client.post(f"/api/join/{exam}/token", json=AGREED)
    assert refused.status_code == 409 and "has been taken" in refused.json()["detail"]
    page = client.get(f"/join/{exam}").text
    assert "cannot be taken again" in page and 'id="consent"' not in page
    assert client.get(f"/join/{exam}/report").text == "<!doctype html><p>exam</p>"


def test_no_candidate_name_is_logged(
    client: TestClient, app: FastAPI, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    ada, grace = _candidate(app, ADA), _candidate(app, GRACE)
    token_a, invitation_a = _invite(app, ada)
    token_b, _ = _invite(app, grace)
    session_a = _interview(app, ada, invitation_a.room)
    _write_report(settings, session_a, "<!doctype html><p>report</p>")

    for token in (token_a, token_b, _edited(token_a, candidate_id=grace)):
        client.get(f"/join/{token}")
        client.post(f"/api/join/{token}/token", json=AGREED)
        client.get(f"/api/join/{token}/status")
        client.get(f"/join/{token}/report")
        client.get(f"/api/join/{token}/sessions/{session_a}/report")
    with _ctx(app).db() as s:
        CandidateRepository(s).delete(ada)
        s.commit()
    client.get(f"/join/{token_a}")
    client.post(f"/api/join/{token_a}/token", json=AGREED)

    assert caplog.records  # the requests were logged at all
    for name in (ADA, GRACE, "Ada", "Lovelace", "Grace", "Hopper"):
        assert name not in caplog.text
        assert not [r for r in caplog.records if name in r.getMessage()]


def test_the_openapi_description_lists_the_candidate_api_but_not_the_pages(
    client: TestClient,
) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert set(paths["/api/join/{token}/token"]) == {"post"}
    assert set(paths["/api/join/{token}/status"]) == {"get"}
    assert set(paths["/api/join/{token}/sessions/{session_id}/report"]) == {"get"}
    assert not [p for p in paths if p.startswith("/join")]
    schema = paths["/api/join/{token}/token"]["post"]["responses"]["200"]["content"]
    assert schema["application/json"]["schema"]["$ref"].endswith("/RoomAccess")


def test_a_candidate_sees_their_interviews_under_every_invitation_and_their_progress(
    client: TestClient, app: FastAPI, settings: Settings
) -> None:
    ada, grace = _candidate(app, ADA), _candidate(app, GRACE)
    token, first = _invite(app, ada)
    _, second = _invite(app, ada)
    here = _interview(app, ada, first.room, datetime(2030, 1, 1, tzinfo=UTC))
    there = _interview(app, ada, second.room, datetime(2030, 2, 1, tzinfo=UTC))
    theirs = _interview(app, grace, second.room)
    for session_id in (here, there, theirs):
        _write_report(settings, session_id, f"<p>report {session_id}</p>")
    page = client.get(f"/join/{token}").text
    attempts, history = page.split('id="attempts"')[1], page.split('id="history"')[1]
    assert f"session={here}" in attempts.split('id="history"')[0]
    assert "February 2030: <bdi>Customer support specialist" in history  # the role by title
    assert "on that invitation's own link" in history and f"session={here}" not in history
    assert theirs not in page  # only their own
    # A report opens from its own invitation's link only (a link passed on shows no more).
    assert client.get(f"/join/{token}/report").text == f"<p>report {here}</p>"
    assert client.get(f"/join/{token}/report?session={there}").status_code == 404
    chart = client.get(f"/join/{token}/progress.png")
    assert chart.status_code == 200 and chart.content.startswith(b"\x89PNG")
    assert f'src="/join/{token}/progress.png"' in page  # two reports: progress to show


def test_the_candidates_consent_is_kept_with_the_invitation(
    client: TestClient, app: FastAPI
) -> None:
    ada = _candidate(app, ADA)
    token, invitation = _invite(app, ada)
    with _ctx(app).db() as s:
        InvitationRepository(s).record(
            room=invitation.room, candidate_id=ada, role_id="demo", role_version=None,
            mode=None, expires_at=datetime.now(UTC) + timedelta(hours=1),
        )  # fmt: skip
        s.commit()
    assert client.post(f"/api/join/{token}/token", json={"consent": False}).status_code == 428
    with _ctx(app).db() as s:
        assert InvitationRepository(s).get(invitation.room).consented_at is None  # type: ignore[union-attr]
    assert client.post(f"/api/join/{token}/token", json=AGREED).status_code == 200
    with _ctx(app).db() as s:
        record = InvitationRepository(s).get(invitation.room)
        assert record is not None and record.consented_at is not None
        exported = CandidateRepository(s).export(ada)["invitations"]
    assert exported[0]["consented_at"] is not None
