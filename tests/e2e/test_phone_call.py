"""The phone line end to end: SIPp calls the LiveKit SIP service on loopback, keys in the code
of an invitation (RFC 4733), hears the recruiter, answers, and hangs up.

Real parts: Redis, livekit-server and livekit-sip (built by ``make setup``), the embedded LLM,
the worker, and SIPp (Debian sip-tester) as the caller; the call's audio is G.711 mu-law.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from agent.stt_whisper import WhisperOptions, WhisperSTT
from agent.tts_piper import load_voice
from recruiter_config.settings import LLMSettings, Settings, WebSettings
from recruiter_devstack.errors import DevStackError
from recruiter_devstack.livekit_dev import server_binary
from recruiter_devstack.phone_dev import SIPPorts, sip_answers, sip_binary
from recruiter_devstack.stack import DevStack, StackPorts
from recruiter_llm.client import LLMUnavailableError
from recruiter_phone.codes import read_out
from recruiter_phone.lines import set_up_phone_line
from recruiter_rehearsal.candidates import CandidateVoice, load_persona
from rubrics import load_role
from storage import (
    CandidateRepository,
    FailedAttempt,
    InterviewCodeRepository,
    InterviewSession,
    RecruiterRepository,
    RoleRepository,
    SessionRepository,
    Turn,
    create_database,
    session_factory,
)
from tests.conftest import free_ports, short_demo
from tests.e2e.conftest import PHONE_LOGS, log_tail
from tests.integration.speech import word_error_rate
from tests.phone_caller import RtpEndpoint, SIPpCall
from web.app import create_app

pytestmark = pytest.mark.e2e

RATE = 16000
INVITATION_ROOM = "iv-phonetest0001"
ANSWER = (
    "I fixed a billing mistake for a customer who was charged twice, and I called her back "
    "the same day to say the refund was on its way."
)


@dataclass
class PhoneStack:
    """The phone line's parts, with the trunk and dispatch rules set up."""

    settings: Settings
    db: sessionmaker[Session]
    sip_address: str
    stack: DevStack

    @property
    def logs(self) -> Path:
        """Where each part of the line writes its log."""
        return self.stack.logs

    @property
    def worker_log(self) -> Path:
        """The worker's log (shown with a failed test)."""
        return self.logs / "worker.log"

    def fault(self) -> str | None:
        """What is wrong with the line before a call, or None: a part that stopped, or a SIP
        service that does not answer a SIP OPTIONS within 5 s."""
        dead = self.stack.dead()
        if dead:
            return f"stopped on their own: {', '.join(dead)}"
        if not sip_answers(self.sip_address, timeout_s=5.0):
            return f"the SIP service at {self.sip_address} does not answer a SIP OPTIONS"
        return None


@pytest.fixture(scope="session")
def phone_stack(
    tmp_path_factory: pytest.TempPathFactory, installed_models: Path
) -> Iterator[PhoneStack]:
    home = tmp_path_factory.mktemp("phone-home")
    (home / "models").symlink_to(installed_models, target_is_directory=True)
    sip, llm, livekit, tcp, udp, worker, redis, health = free_ports(8, udp_too=1)
    settings = Settings(home=home, llm=LLMSettings(port=llm))
    rtp = 20000 + health % 10000  # below the ephemeral ports (32768 on) the others come from
    ports = StackPorts(
        livekit, tcp, udp, worker, redis=redis,
        sip=SIPPorts(sip=sip, rtp_first=rtp, rtp_last=rtp + 40, health=health),
    )  # fmt: skip
    installed = Settings()  # `make setup` builds both servers into the installed data directory
    stack = DevStack(settings, ports, livekit_binary=server_binary(installed),
                     sip_binary=sip_binary(installed), phone=True)  # fmt: skip
    try:
        stack.start()  # (stops what it started when it fails)
    except (DevStackError, LLMUnavailableError) as e:  # CI keeps nothing else: their logs go too
        pytest.fail(f"the phone line did not start: {e}\n{_logs(stack.logs)}")
    try:
        assert stack.livekit is not None and stack.sip_address is not None
        settings = settings.model_copy(update={"livekit": stack.livekit})
        asyncio.run(set_up_phone_line(stack.livekit, settings.phone,
                                      agent_name=settings.web.agent_name))  # fmt: skip
        db = session_factory(create_database(settings.resolved_database_url))
        yield PhoneStack(settings, db, stack.sip_address, stack)
    finally:
        stack.stop()


@pytest.fixture(autouse=True)
def _line_is_up(request: pytest.FixtureRequest) -> None:
    """Each call finds every part running and the SIP service answering, else the test fails
    at once with the parts' logs (a dead line otherwise costs each test its full timeout)."""
    if "phone_stack" not in request.fixturenames:
        return
    phone: PhoneStack = request.getfixturevalue("phone_stack")
    fault = phone.fault()
    if fault is not None:
        pytest.fail(f"the phone line is down: {fault}\n{_logs(phone.logs)}")


def _logs(folder: Path) -> str:
    """The last lines of the phone line's own logs in ``folder``."""
    return "\n".join(f"--- {name}\n{log_tail(folder / name, 30)}" for name in PHONE_LOGS)


def _poll(check, timeout_s: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.25)
    raise TimeoutError(f"{what}: not within {timeout_s:.0f} s")


def _quiet_after(rtp: RtpEndpoint, t: float, quiet_s: float, timeout_s: float) -> float:
    """When the recruiter, audible after ``t``, has been quiet for ``quiet_s``: that time."""
    start = _poll(lambda: rtp.first_sound_after(t), timeout_s, "the recruiter spoke")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        now = time.time()
        if now - start > quiet_s and rtp.first_sound_after(now - quiet_s) is None:
            return now - quiet_s
        time.sleep(0.2)
    raise TimeoutError("the recruiter did not stop speaking")


def _call_session(db: sessionmaker[Session], candidate_id: str) -> InterviewSession | None:
    with db() as s:
        return s.query(InterviewSession).filter_by(candidate_id=candidate_id).one_or_none()


def _turns(db: sessionmaker[Session], session_id: str) -> list[Turn]:
    with db() as s:
        return list(SessionRepository(s).turns(session_id))


def _ended(db: sessionmaker[Session], session_id: str) -> InterviewSession | None:
    with db() as s:
        found = s.get(InterviewSession, session_id)
        return found if found is not None and found.status != "running" else None


def test_a_caller_keys_in_their_code_is_interviewed_and_a_hang_up_keeps_the_answer(
    phone_stack: PhoneStack, installed_models: Path, tmp_path: Path
) -> None:
    settings, db = phone_stack.settings, phone_stack.db
    with db() as s:
        candidate = CandidateRepository(s).create("Phone Tester").id
        code = InterviewCodeRepository(s).issue(
            candidate_id=candidate, role_id="demo", role_version=None, mode="practice",
            expires_at=datetime.now(UTC) + timedelta(hours=1), room=INVITATION_ROOM,
            digits=settings.phone.code_digits,
        ).code  # fmt: skip
        s.commit()
    voice = load_voice(installed_models / "piper-joe/en_US-joe-medium.onnx")
    answer = CandidateVoice(voice).render(ANSWER).samples
    call = SIPpCall(phone_stack.sip_address, settings.phone.interview_number, code,
                    tmp_path / "sipp")  # fmt: skip
    call.start()
    try:
        started = time.time()
        record = _poll(lambda: _call_session(db, candidate), 120, "the code opened the interview")
        asked_at = _quiet_after(call.rtp, time.time() - 1.0, quiet_s=2.0, timeout_s=180)
        opened = record.started_at.replace(tzinfo=record.started_at.tzinfo or UTC)
        heard = call.rtp.heard_between(opened.timestamp(), asked_at)
        spoke_until = call.rtp.say(answer, RATE)

        def answered() -> str:
            with db() as s:
                turns = SessionRepository(s).turns(record.id)
            return " ".join(t.text for t in turns if t.speaker == "candidate")

        # The whole answer is stored (both its parts, when the recogniser split it), then the
        # caller hangs up.
        time.sleep(max(0.0, spoke_until - time.time()))
        try:
            stored = _poll(
                lambda: (lambda a: a if word_error_rate(ANSWER, a) < 0.3 else "")(answered()),
                120, "the answer was stored",
            )  # fmt: skip
        except TimeoutError as e:  # what was stored instead, with the worker's log below
            raise TimeoutError(f"{e}; the turns stored: {_turns(db, record.id)}") from e
        call.hang_up()
        assert call.wait(60) == 0, call.log()
        finished = _poll(lambda: _ended(db, record.id), 90, "the hang-up ended the session")
    finally:
        call.close()
    # The recruiter's first question was heard as audio on the caller's side: most of its
    # longer words (the greeting shares few of them).
    stt = WhisperSTT(WhisperOptions(model_dir=installed_models / "whisper-tiny.en"))
    said = set(re.findall(r"[a-z]+", stt.transcribe(heard).text.lower()))
    first = {w for w in re.findall(r"[a-z]+", load_role("demo").questions[0].text.lower())
             if len(w) >= 5}  # fmt: skip
    assert len(first & said) >= 0.6 * len(first), (first, said)
    # The call is stored under the invitation's room, so the invitation's page finds it, and
    # the report was written although the caller hung up.
    assert finished.channel == INVITATION_ROOM
    report = phone_stack.settings.sessions_dir / record.id / "report.json"
    assert _poll(report.is_file, 90, "the call's report was written")
    # The answer was stored with its transcript, and the hang-up kept it.
    assert word_error_rate(ANSWER, stored) < 0.3, stored
    assert finished.end_reason == "the caller hung up"
    with db() as s:
        kept = [t.text for t in SessionRepository(s).turns(record.id) if t.speaker == "candidate"]
    assert " ".join(kept) == stored
    assert np.max(np.abs(heard)) > 0.05 and time.time() - started < 600


def test_a_wrong_code_gets_two_more_tries_then_a_goodbye(
    phone_stack: PhoneStack, installed_models: Path, tmp_path: Path
) -> None:
    settings, db = phone_stack.settings, phone_stack.db
    with db() as s:
        before = s.query(InterviewSession).count()
    # Codes never start with 0: three codes keyed in a row, each unknown.
    keys = "0" * (3 * settings.phone.code_digits)
    call = SIPpCall(phone_stack.sip_address, settings.phone.interview_number, keys,
                    tmp_path / "sipp")  # fmt: skip
    call.start()
    try:
        # The desk says goodbye and ends the call itself: SIPp receives the BYE.
        assert call.wait(240) == 0, call.log()
    finally:
        call.close()
    # The caller heard the greeting, two "could not find" prompts and the goodbye.
    stt = WhisperSTT(WhisperOptions(model_dir=installed_models / "whisper-tiny.en"))
    heard = stt.transcribe(call.rtp.recruiter_audio()).text.lower()
    # The goodbye's own words ("Goodbye." has also been heard as "bye bye.").
    assert heard.count("could not find") >= 2 and "call again" in heard and "bye" in heard, heard
    with db() as s:
        assert s.query(InterviewSession).count() == before  # no interview was opened
        # The three wrong codes were counted against this caller, stored as digests only.
        counted = list(s.scalars(select(FailedAttempt).where(FailedAttempt.kind == "phone-code")))
        assert len(counted) >= 3 and "5550109999" not in "".join(f.key for f in counted)
        # Guessing across calls: with the caller's allowance used up, even a valid code is
        # refused (more failures under the same caller's digest).
        codes = InterviewCodeRepository(s)
        valid = codes.issue(
            candidate_id=CandidateRepository(s).create("Locked Caller").id, role_id="demo",
            role_version=None, mode="practice", expires_at=datetime.now(UTC) + timedelta(hours=1),
            digits=settings.phone.code_digits,
        ).code  # fmt: skip
        s.add_all(
            FailedAttempt(kind="phone-code", key=counted[-1].key, at=datetime.now(UTC))
            for _ in range(settings.phone.code_failures_per_caller)
        )
        s.commit()
    locked = SIPpCall(phone_stack.sip_address, settings.phone.interview_number, valid,
                      tmp_path / "sipp-locked")  # fmt: skip
    locked.start()
    try:
        assert locked.wait(180) == 0, locked.log()  # the desk ends the call
    finally:
        locked.close()
        with db() as s:  # the other tests call from the same number
            s.execute(delete(FailedAttempt))
            s.commit()
    heard = stt.transcribe(locked.rtp.recruiter_audio()).text.lower()
    assert "too many codes" in heard and "later" in heard, heard
    with db() as s:
        assert s.query(InterviewSession).count() == before
        unused = InterviewCodeRepository(s).find(valid)
        assert unused is not None and unused.used_at is None  # the code opened nothing


def test_an_expired_code_is_refused_and_a_said_code_opens_the_interview(
    phone_stack: PhoneStack, installed_models: Path, tmp_path: Path
) -> None:
    settings, db = phone_stack.settings, phone_stack.db
    now = datetime.now(UTC)
    with db() as s:
        codes, people = InterviewCodeRepository(s), CandidateRepository(s)
        late, caller = people.create("Expired Invitee").id, people.create("Speaking Caller").id
        expired = codes.issue(
            candidate_id=late, role_id="demo", role_version=None, mode="practice",
            expires_at=now - timedelta(minutes=1), digits=settings.phone.code_digits,
        ).code  # fmt: skip
        valid = codes.issue(
            candidate_id=caller, role_id="demo", role_version=None, mode="practice",
            expires_at=now + timedelta(hours=1), digits=settings.phone.code_digits,
        ).code  # fmt: skip
        s.commit()
    voice = load_voice(installed_models / "piper-joe/en_US-joe-medium.onnx")
    # Read out as a person reads a code: in groups of four, one digit at a time.
    said = CandidateVoice(voice).render(f"{read_out(valid)}.")
    call = SIPpCall(phone_stack.sip_address, settings.phone.interview_number, expired,
                    tmp_path / "sipp")  # fmt: skip
    stt = WhisperSTT(WhisperOptions(model_dir=installed_models / "whisper-tiny.en"))
    started = time.time()
    call.start()
    try:
        # The greeting, the expired code keyed in, then "could not find … try again".
        _quiet_after(call.rtp, started, quiet_s=2.5, timeout_s=180)
        spoke_until = call.rtp.say(said.samples, RATE)
        # The desk answers "found your interview", or reads back what it heard and asks again
        # (tiny.en read 94 of 100 codes said in two groups over G.711 right, 96 opened them:
        # bench/results/narrowband.md);
        # a caller then says it once more, the desk's last try.
        quiet = _quiet_after(call.rtp, spoke_until, quiet_s=2.5, timeout_s=120)
        reply = stt.transcribe(call.rtp.heard_between(spoke_until, quiet)).text.lower()
        if "could not find" in reply:
            assert "i heard" in reply, reply
        if "found your interview" not in reply and _call_session(db, caller) is None:
            # Asked again (or a reply tiny.en misheard: saying the code into the interview's
            # greeting would do no harm here).
            call.rtp.say(said.samples, RATE)
        record = _poll(lambda: _call_session(db, caller), 150, "the said code opened it")
        call.hang_up()
        assert call.wait(60) == 0, call.log()
    finally:
        call.close()
    assert (record.role_id, record.mode) == ("demo", "practice")
    assert _call_session(db, late) is None  # the expired code opened nothing
    # Each part read on its own: tiny.en on the whole call once left out a sentence. Up to the
    # end of the code said: on a loaded machine the refusal once paused 2.5 s between the code
    # read back and "could not find", and went on while the caller spoke.
    before = stt.transcribe(call.rtp.heard_between(started, spoke_until)).text.lower()
    assert "could not find" in before, before
    heard = stt.transcribe(call.rtp.recruiter_audio()).text.lower()
    assert "found your interview" in heard, heard


def test_a_caller_who_answers_to_the_end_hears_the_highlights_and_where_the_report_is(
    phone_stack: PhoneStack, installed_models: Path, tmp_path: Path
) -> None:
    """A whole phone interview: its one question answered (the prepared persona's answers,
    as the room bench speaks them), then the closing, the report's highlights
    and where the report is; then the recruiter ends the call."""
    settings, db = phone_stack.settings, phone_stack.db
    # The demo role asking one question (stored as the dashboard stores a role): the whole
    # call, closing and highlights included, in a third of the time of three questions.
    with db() as s:
        RoleRepository(s).store(role_id="demo-one-question", version="1", title="One question",
                                content=short_demo("demo-one-question", "1"))  # fmt: skip
        candidate = CandidateRepository(s).create("Whole Call").id
        code = InterviewCodeRepository(s).issue(
            candidate_id=candidate, role_id="demo-one-question", role_version=None,
            mode="practice", expires_at=datetime.now(UTC) + timedelta(hours=1),
            room="iv-phonetest0002", digits=settings.phone.code_digits,
        ).code  # fmt: skip
        s.commit()
    voice = CandidateVoice(load_voice(installed_models / "piper-joe/en_US-joe-medium.onnx"))
    persona = load_persona("demo", "prepared", voice)
    first = load_role("demo").questions[0].id
    said = [a.samples[: a.voiced_end] for a in persona.utterances(first, 1) if a is not None]
    call = SIPpCall(phone_stack.sip_address, settings.phone.interview_number, code,
                    tmp_path / "sipp")  # fmt: skip
    call.start()
    try:
        record = _poll(lambda: _call_session(db, candidate), 120, "the code opened the interview")
        last_answer = time.time()
        # Answer each time the recruiter has asked and gone quiet, until it ends the call.
        for turn in range(12):
            try:
                _quiet_after(call.rtp, last_answer, quiet_s=2.0, timeout_s=120)
            except TimeoutError:
                break  # the recruiter spoke its last and hung up
            if not call.running or _ended(db, record.id):
                break
            answer = said[turn] if turn < len(said) else said[-1]
            last_answer = call.rtp.say(answer, RATE)
            time.sleep(max(0.0, last_answer - time.time()))
        assert call.wait(240) == 0, call.log()  # the recruiter ended the call (BYE)
        finished = _poll(lambda: _ended(db, record.id), 60, "the session ended")
    finally:
        call.close()
    assert finished.status == "completed" and finished.end_reason != "the caller hung up"
    stt = WhisperSTT(WhisperOptions(model_dir=installed_models / "whisper-tiny.en"))
    closing = stt.transcribe(call.rtp.heard_between(last_answer, time.time())).text.lower()
    report = json.loads((settings.sessions_dir / record.id / "report.json").read_text())
    # The highlights say what the report says: its overall score, or that it has none. (Spaces
    # are not compared: over a phone line the recogniser once heard "over all scores".)
    squeezed = closing.replace(" ", "")
    if report["overall"] is not None:
        assert "overallscore" in squeezed and "nooverallscore" not in squeezed, closing
    else:
        assert "nooverallscore" in squeezed, closing
    assert "invitation page" in closing and "goodbye" in closing, closing
    # Personal data stays out of every log the call touched (worker, LiveKit, SIP, Redis, LLM):
    # not the candidate's name, not the code, not the caller's number, not their words.
    stored = [t.text for t in _turns(db, record.id) if t.speaker == "candidate" and t.text]
    phrases = [" ".join(text.split()[2:6]) for text in stored if len(text.split()) >= 6]
    assert phrases, stored
    for log in sorted(phone_stack.logs.glob("*.log")):
        text = log.read_text(encoding="utf-8", errors="replace")
        for secret in ("Whole Call", code, "5550109999", *phrases):
            assert secret not in text, f"{log.name} holds {secret!r}"


def test_the_practice_number_asks_no_code_and_runs_the_practice_role(
    phone_stack: PhoneStack, tmp_path: Path
) -> None:
    settings, db = phone_stack.settings, phone_stack.db
    assert settings.phone.practice_number is not None
    with db() as s:
        before = {r.id for r in s.query(InterviewSession)}

    def opened() -> InterviewSession | None:
        with db() as s:
            return next((r for r in s.query(InterviewSession) if r.id not in before), None)

    call = SIPpCall(phone_stack.sip_address, settings.phone.practice_number, "", tmp_path / "sipp")
    call.start()
    try:
        try:
            record = _poll(opened, 120, "the practice interview opened")
        except TimeoutError as e:  # the caller's side of the story, with the worker's
            raise AssertionError(f"{e}\n{call.log()}") from e
        _quiet_after(call.rtp, time.time() - 1.0, quiet_s=2.0, timeout_s=180)  # the opening
        call.hang_up()
        assert call.wait(60) == 0, call.log()
        finished = _poll(lambda: _ended(db, record.id), 90, "the hang-up ended the session")
    finally:
        call.close()
    assert (record.role_id, record.mode, record.candidate_id) == (
        settings.phone.practice_role,
        "practice",
        None,
    )
    assert record.channel.startswith("call_") and "0109999" not in record.channel  # hidden
    assert finished.end_reason == "the caller hung up"


def test_the_dashboard_shows_removes_and_sets_up_the_phone_line(phone_stack: PhoneStack) -> None:
    settings = phone_stack.settings.model_copy(
        update={"web": WebSettings(secret="phone-dashboard-secret-0123456789")}
    )
    app = create_app(settings, phone_stack.db)
    with app.state.ctx.db() as s:
        if RecruiterRepository(s).get("pat") is None:
            RecruiterRepository(s).create("pat", "Pat", "phone line password")
            s.commit()
    numbers = [settings.phone.interview_number, settings.phone.practice_number]
    with TestClient(app) as pat:
        signed = pat.post("/login", data={"recruiter_id": "pat", "password": "phone line password"})
        assert signed.status_code == 200
        try:
            page = pat.get("/dashboard/phone")
            assert page.status_code == 200
            shown = html.unescape(page.text)
            assert all(n and n in shown for n in numbers)
            assert "interview, code asked" in shown and "practice, no code" in shown
            line = pat.get("/api/phone-line").json()
            assert line["trunk_id"] and sorted(line["numbers"]) == sorted(numbers)
            assert {r["line"] for r in line["rules"]} == {"interview", "practice"}
            assert {r["agent_name"] for r in line["rules"]} == {settings.web.agent_name}

            gone = pat.post("/dashboard/phone/remove")
            assert gone.status_code == 200 and "Not set up on this server" in gone.text
            assert pat.get("/api/phone-line").json() == {
                "enabled": False, "trunk_id": None, "numbers": [], "allowed_addresses": [],
                "rules": [],
            }  # fmt: skip
        finally:
            # Set up again, as the other tests in this file need it.
            back = pat.post("/dashboard/phone/setup")
        assert back.status_code == 200 and "The phone line is set up." in back.text
        again = pat.get("/api/phone-line").json()
        assert again["trunk_id"] != line["trunk_id"] and len(again["rules"]) == 2
