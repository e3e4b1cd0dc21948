"""Which stored session a new job in a room goes on with, on SQLite and PostgreSQL (issue 17)."""

from __future__ import annotations

import asyncio
import json
import os
import socket
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
import yaml
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from agent.abandoned import REPORT_GRACE_S, close_abandoned, ended_in_room, report_unreported
from agent.interview import close_interrupted
from agent.interviewer import Interviewer, ReplyPolicy
from agent.journal import TurnJournal
from agent.resume import (
    INTERRUPTED,
    MAX_RESUMES,
    RESUME_WITHIN_S,
    ResumeError,
    StillRunningError,
    resumption_for,
    room_resumption,
    sessions_to_resume,
)
from dialogue import start
from dialogue.snapshot import state_snapshot
from recruiter_cli.main import app
from recruiter_config.settings import Settings
from reports.assessment import judge_if_trusted
from rubrics import load_role, load_role_source, plan_for
from rubrics.second_opinion import JudgeValidity, record_judge_validity
from storage import (
    AssessmentRepository,
    CandidateRepository,
    CodeEvent,
    CodeEventRepository,
    InterviewSession,
    NewTurn,
    RoleRepository,
    SessionRepository,
    Turn,
)
from tests.fakes.chat import FakeChat

ROOM = "iv-resume-lookup"


def _session(db: sessionmaker[Session], candidate: str | None, *, idle_s: float,
             status: str = "running", channel: str = ROOM) -> str:  # fmt: skip
    """A session in ``channel`` whose last turn was stored ``idle_s`` seconds ago."""
    state, _ = start(plan_for(load_role("demo")))
    with db() as s:
        repo = SessionRepository(s)
        record = repo.create(
            role_id="demo", role_version=load_role("demo").version, persona=None,
            channel=channel, llm_model=None, stt_model=None,
        )  # fmt: skip
        record.candidate_id, record.status = candidate, status
        repo.add_turn(record.id, NewTurn("recruiter", "Hi.", 0.0, 1.0, "motivation"),
                      flow_state=state_snapshot(state))  # fmt: skip
        when = datetime.now(UTC) - timedelta(seconds=idle_s)
        record.started_at = when
        for turn in s.query(Turn).filter_by(session_id=record.id):
            turn.created_at = when
        s.commit()
        return record.id


def test_the_newest_recent_running_session_is_resumed_and_older_ones_closed(
    db: sessionmaker[Session],
) -> None:
    with db() as s:
        ada, grace = (CandidateRepository(s).create(n).id for n in ("Ada", "Grace"))
        s.commit()
    stale = _session(db, ada, idle_s=RESUME_WITHIN_S + 60)
    recent = _session(db, ada, idle_s=30)
    _session(db, ada, idle_s=10, status="completed")  # finished: never resumed
    _session(db, grace, idle_s=5)  # another candidate's
    _session(db, ada, idle_s=5, channel="iv-elsewhere")  # another room's
    with db() as s:
        assert sessions_to_resume(s, ROOM, ada) == (recent, [stale])
        assert sessions_to_resume(s, ROOM, None) == (None, [])
    found, closing = room_resumption(db, ROOM, ada)
    assert found is not None and closing == [stale]
    source, resumption = found
    assert source.role.id == "demo" and resumption.session_id == recent
    assert resumption.state is not None and resumption.state.current == "motivation"
    assert resumption.last_heard == "Hi." and resumption.pending_answer is None


def test_code_written_lately_keeps_a_room_session_resumable(db: sessionmaker[Session]) -> None:
    """A coding round is silent for long stretches: a candidate whose last turn is older than
    ``RESUME_WITHIN_S`` but who wrote code a minute ago is taken up by a new job, not closed;
    code written long ago counts no more than an old turn."""
    old = RESUME_WITHIN_S + 60
    with db() as s:
        ada, grace = (CandidateRepository(s).create(n).id for n in ("Ada", "Grace"))
        s.commit()
    coding, stale = _session(db, ada, idle_s=old), _session(db, grace, idle_s=old)
    with db() as s:
        code = CodeEventRepository(s)
        code.add(coding, question_id="motivation", problem_id="p", at_s=1900.0,
                 kind="snapshot", language="python", code="x = 1")  # fmt: skip
        code.add(stale, question_id="motivation", problem_id="p", at_s=10.0,
                 kind="snapshot", language="python", code="x = 1")  # fmt: skip
        s.flush()
        for event in s.query(CodeEvent).filter_by(session_id=stale):
            event.created_at = datetime.now(UTC) - timedelta(seconds=old)
        s.commit()
        assert sessions_to_resume(s, ROOM, ada) == (coding, [])
        assert sessions_to_resume(s, ROOM, grace) == (None, [stale])


def test_a_session_whose_state_no_longer_fits_is_closed_not_resumed(
    db: sessionmaker[Session],
) -> None:
    broken = _session(db, None, idle_s=5)
    with db() as s:
        record = s.get_one(InterviewSession, broken)
        record.flow_state = {**(record.flow_state or {}), "questions": ["gone"]}
        s.commit()
    assert room_resumption(db, ROOM, None) == (None, [broken])
    with db() as s, pytest.raises(ResumeError, match="another role script"):
        resumption_for(s, broken)


def test_a_session_whose_process_lives_is_left_alone_and_one_whose_process_died_is_taken(
    db: sessionmaker[Session],
) -> None:
    session_id = _session(db, None, idle_s=5)
    for holder, alive in ((f"{socket.gethostname()}:{os.getppid()}", True),
                          (f"{socket.gethostname()}:99999999", False),
                          ("another-host:1", False)):  # fmt: skip
        with db() as s:
            s.get_one(InterviewSession, session_id).holder = holder
            s.commit()
        if alive:
            with pytest.raises(StillRunningError, match="still running in process"):
                room_resumption(db, ROOM, None)
        else:
            found, stale = room_resumption(db, ROOM, None)
            assert found is not None and found[1].holder == holder and stale == []
    with db() as s:  # of two processes resuming from the same read, one takes it
        repo = SessionRepository(s)
        assert repo.reopen(session_id, holder="me:1", was="another-host:1")
        assert not repo.reopen(session_id, holder="me:2", was="another-host:1")
        s.commit()


def test_a_resumed_clock_starts_after_the_code_written_and_knows_when_each_question_was_asked(
    db: sessionmaker[Session],
) -> None:
    session_id = _session(db, None, idle_s=5)
    with db() as s:
        repo = SessionRepository(s)
        repo.add_turn(
            session_id, NewTurn("candidate", "I'd like the role.", 2.0, 9.0, "motivation")
        )
        repo.add_turn(
            session_id, NewTurn("recruiter", "Next one.", 10.0, 12.0, "payment-or-invoice")
        )
        # The code went on being written after the last turn stored, until the process died.
        CodeEventRepository(s).add(
            session_id, question_id="payment-or-invoice", problem_id="p", at_s=47.5,
            kind="snapshot", language="python", code="x = 1",
        )  # fmt: skip
        s.commit()
        resumption = resumption_for(s, session_id)[1]
    assert resumption.clock_s == 47.5  # new events never sort before the ones stored
    assert resumption.asked_s == {"motivation": 0.0, "payment-or-invoice": 10.0}


def test_a_rehearsal_that_cannot_go_on_is_closed_and_its_answers_scored(
    db: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    """``rehearse --resume`` of a session whose stored state no longer fits its role: closed
    as interrupted with its answer scored (nothing left half open), and said so."""
    broken = _session(db, None, idle_s=5, channel="headless")
    demo = load_role_source("demo")
    with db() as s:  # the version a session runs is stored as it starts (its rubric)
        RoleRepository(s).store(role_id="demo", version=demo.role.version,
                                title=demo.role.title, content=demo.text)  # fmt: skip
        SessionRepository(s).add_turn(broken, NewTurn(
            "candidate", "I have helped customers on a help desk for three years and I enjoy "
            "the moment a stressed customer leaves happy.", 1.5, 9.0, "motivation",
        ))  # fmt: skip
        record = s.get_one(InterviewSession, broken)
        record.flow_state = {**(record.flow_state or {}), "questions": ["gone"]}
        s.commit()
    env = {"RECRUITER_HOME": str(tmp_path), "RECRUITER_DATABASE_URL": database_url,
           "COLUMNS": "200"}  # fmt: skip
    done = CliRunner().invoke(app, ["rehearse", "--resume", broken], env=env)
    assert done.exit_code == 1, done.output
    assert "another role script" in done.output and "closed as interrupted" in done.output
    assert "the answers given were scored" in done.output
    with db() as s:
        record = s.get_one(InterviewSession, broken)
        assert record.status == "failed" and "could not go on" in (record.end_reason or "")
        assert len(SessionRepository(s).turns(broken)) == 2  # nothing stored was lost
    report = json.loads((tmp_path / "sessions" / broken / "report.json").read_text("utf-8"))
    assert report["status"] == "failed" and report["transcript"][1]["speaker"] == "candidate"
    # Asked again, the closed session is not reopened.
    again = CliRunner().invoke(app, ["rehearse", "--resume", broken], env=env)
    assert again.exit_code == 1 and "closed as interrupted" not in again.output
    assert "was closed (interrupted: " in again.output and "it is not reopened" in again.output


def test_a_rehearsal_that_failed_otherwise_may_still_be_resumed(
    db: sessionmaker[Session],
) -> None:
    """Only a session closed as interrupted (and scored) is refused: one stopped with Ctrl-C
    or over its time limit is marked failed too, and goes on with ``--resume``."""
    stopped = _session(db, None, idle_s=5, channel="headless")
    with db() as s:
        SessionRepository(s).finish(stopped, status="failed", reason="the interview exceeded "
                                    "15 minutes", audio_path=None, report_path=None)  # fmt: skip
        s.commit()
        assert resumption_for(s, stopped, channel="headless")[1].session_id == stopped


def test_an_end_pressed_before_the_process_died_is_not_taken_back_into_the_interview(
    db: sessionmaker[Session],
) -> None:
    """The candidate pressed End mid-answer and the process died before the closing was
    stored: the new job ends the interview (the closing said again), it asks nothing more."""
    session_id = _session(db, None, idle_s=5)
    with db() as s:
        repo = SessionRepository(s)
        repo.add_turn(session_id, NewTurn("candidate", "I enjoy helping", 2.0, 4.0,
                                          "motivation"))  # fmt: skip
        s.commit()
        assert resumption_for(s, session_id)[1].end_requested is None

    async def press_end() -> None:  # as the room worker does when End is pressed
        journal = TurnJournal(
            db=db,
            session_id=session_id,
            t0=0.0,
            interviewer=Interviewer(
                plan=plan_for(load_role("demo")), chat=FakeChat(), policy=ReplyPolicy()
            ),
        )
        journal.end_requested("the candidate ended the interview")
        await journal.aclose()
        assert journal.errors == []

    asyncio.run(press_end())
    with db() as s:
        repo = SessionRepository(s)
        resumption = resumption_for(s, session_id)[1]
        assert resumption.end_requested == "the candidate ended the interview"
        assert resumption.state is not None and resumption.state.phase.value == "ended"
        assert resumption.pending_answer == "I enjoy helping"  # kept, and scored
        assert not resumption.closing_stored  # (so it is said again)
        # A new process taking the session keeps the request; a closed session has none.
        assert repo.reopen(session_id, holder="me:1", was=None)
        s.expire_all()
        assert s.get_one(InterviewSession, session_id).end_reason is not None
        repo.finish(session_id, status="completed", reason="the candidate ended the interview")
        assert not repo.request_end(session_id, "again")
        s.commit()


def test_a_pending_answer_is_resumed_with_the_words_of_every_answer_to_its_question(
    db: sessionmaker[Session],
) -> None:
    """A practice tip after a resume reads the stored word timings of the question's answers:
    a follow-up's answer, stored in two parts, and the first answer before it."""
    session_id = _session(db, None, idle_s=5)
    said = [{"word": w, "start": 2.0 + i * 0.3, "end": 2.25 + i * 0.3}
            for i, w in enumerate("I like people".split())]  # fmt: skip
    with db() as s:
        repo = SessionRepository(s)
        repo.add_turn(session_id, NewTurn("candidate", "I like people", 2.0, 3.0,
                                          "motivation", words=said))  # fmt: skip
        state, _ = start(plan_for(load_role("demo")))
        repo.add_turn(session_id, NewTurn("recruiter", "Say more?", 4.0, 5.0, "motivation"),
                      flow_state=state_snapshot(state))  # fmt: skip
        for i, part in enumerate(("Helping a nurse", "at night")):
            words = [{"word": w, "start": 6.0 + i * 2 + j * 0.3, "end": 6.2 + i * 2 + j * 0.3}
                     for j, w in enumerate(part.split())]  # fmt: skip
            repo.add_turn(session_id, NewTurn("candidate", part, 6.0 + i * 2, 7.0 + i * 2,
                                              "motivation", words=words))  # fmt: skip
        s.commit()
        resumption = resumption_for(s, session_id)[1]
    assert resumption.pending_answer == "Helping a nurse at night"
    (first, first_words), (pending, pending_words) = resumption.current_answers
    assert first == "I like people" and [w.word for w in first_words] == ["I", "like", "people"]
    assert pending == "Helping a nurse at night"
    assert [w.word for w in pending_words] == "Helping a nurse at night".split()
    assert pending_words[-1].start_s == 8.3


def test_a_stale_session_the_candidate_had_ended_is_completed_not_failed(
    db: sessionmaker[Session], tmp_path: Path
) -> None:
    """The candidate pressed End and left; the process died before the interview closed. The
    next job closes the session as the candidate asked (completed), not as interrupted."""
    ended = _session(db, None, idle_s=RESUME_WITHIN_S + 60)
    dropped = _session(db, None, idle_s=RESUME_WITHIN_S + 60)
    with db() as s:
        SessionRepository(s).request_end(ended, "the candidate ended the interview")
        s.commit()
    for session_id in (ended, dropped):
        close_interrupted(db, session_id, Settings(home=tmp_path))
    with db() as s:
        record = s.get_one(InterviewSession, ended)
        assert (record.status, record.end_reason) == (
            "completed", "the candidate ended the interview")  # fmt: skip
        assert s.get_one(InterviewSession, dropped).status == "failed"


def test_a_session_resumed_max_resumes_times_is_closed_instead_of_resumed_again(
    db: sessionmaker[Session],
) -> None:
    """An interview whose process keeps dying the same way is scored as it stands."""
    session_id = _session(db, None, idle_s=5)
    state, _ = start(plan_for(load_role("demo")))
    with db() as s:
        repo = SessionRepository(s)
        for n in range(MAX_RESUMES):
            repo.add_turn(session_id, NewTurn("recruiter", "Where we were: hi.", 1.0 + n,
                                              1.5 + n, "motivation", events=[{"type": "resumed"}]),
                          flow_state=state_snapshot(state))  # fmt: skip
            if n == MAX_RESUMES - 2:
                s.commit()
                assert room_resumption(db, ROOM, None)[0] is not None  # one more is allowed
        s.commit()
    assert room_resumption(db, ROOM, None) == (None, [session_id])


def test_rooms_and_calls_left_for_good_are_closed_and_scored_and_nothing_else_is(
    db: sessionmaker[Session], tmp_path: Path
) -> None:
    """A candidate who left a room and never came back, and a call whose process died: closed
    as interrupted with their answers scored, by the worker's sweep, though no new job ever
    starts there. A recent room (its candidate may come back), a rehearsal (``rehearse
    --resume`` takes it up whenever asked), one whose process lives, one with no turn for long
    but code written lately (a coding round) and a finished one are left as they are."""
    old = RESUME_WITHIN_S + 60
    with db() as s:
        ada = CandidateRepository(s).create("Ada").id
        demo = load_role_source("demo")
        RoleRepository(s).store(role_id="demo", version=demo.role.version,
                                title=demo.role.title, content=demo.text)  # fmt: skip
        s.commit()
    left, call = _session(db, ada, idle_s=old), _session(db, None, idle_s=old, channel="call-1")
    kept = {
        "recent": _session(db, ada, idle_s=30),
        "rehearsal": _session(db, None, idle_s=old, channel="headless"),
        "alive": _session(db, None, idle_s=old),
        "done": _session(db, None, idle_s=old, status="completed"),
        "coding": _session(db, None, idle_s=old),  # no turn for long, but code being written
    }
    with db() as s:
        s.get_one(InterviewSession, kept["alive"]).holder = f"{socket.gethostname()}:{os.getppid()}"
        s.get_one(InterviewSession, left).holder = f"{socket.gethostname()}:99999999"
        SessionRepository(s).add_turn(left, NewTurn(
            "candidate", "I have helped customers on a help desk for three years.", 1.5, 6.0,
            "motivation"))  # fmt: skip
        turn = s.query(Turn).filter_by(session_id=left, speaker="candidate").one()
        turn.created_at = datetime.now(UTC) - timedelta(seconds=old)
        CodeEventRepository(s).add(
            kept["coding"], question_id="motivation", problem_id="p", at_s=1900.0,
            kind="snapshot", language="python", code="x = 1",
        )  # fmt: skip
        s.commit()
    assert sorted(close_abandoned(db, Settings(home=tmp_path))) == sorted([left, call])
    with db() as s:
        for session_id in (left, call):
            record = s.get_one(InterviewSession, session_id)
            assert (record.status, record.end_reason) == ("failed", INTERRUPTED)
        assert len(SessionRepository(s).turns(left)) == 2  # nothing stored was lost
        statuses = {k: s.get_one(InterviewSession, v).status for k, v in kept.items()}
    assert statuses == {"recent": "running", "rehearsal": "running", "alive": "running",
                        "done": "completed", "coding": "running"}  # fmt: skip
    report = json.loads((tmp_path / "sessions" / left / "report.json").read_text("utf-8"))
    assert report["status"] == "failed"
    assert report["transcript"][1]["text"].startswith("I have helped customers")
    assert close_abandoned(db, Settings(home=tmp_path)) == []  # closed once


def _ended_unreported(
    db: sessionmaker[Session], *, ended_s: float, channel: str = ROOM, status: str = "completed",
    reason: str | None = "the candidate ended the interview",
) -> str:  # fmt: skip
    """A session whose process was killed after it was stored as ended (``ended_s`` seconds
    ago), before its report was written: one answer stored, no report."""
    session_id = _session(db, None, idle_s=ended_s + 30, channel=channel)
    with db() as s:
        SessionRepository(s).add_turn(session_id, NewTurn(
            "candidate", "I have helped customers on a help desk for three years.", 1.5, 6.0,
            "motivation"))  # fmt: skip
        record = SessionRepository(s).finish(session_id, status=status, reason=reason)
        record.ended_at = datetime.now(UTC) - timedelta(seconds=ended_s)
        record.holder = f"{socket.gethostname()}:99999999"  # the killed process
        s.commit()
    return session_id


def _store_demo(db: sessionmaker[Session]) -> None:
    demo = load_role_source("demo")
    with db() as s:  # the version a session runs is stored as it starts (its rubric)
        RoleRepository(s).store(role_id="demo", version=demo.role.version,
                                title=demo.role.title, content=demo.text)  # fmt: skip
        s.commit()


def test_an_interview_ended_without_its_report_gets_it_from_the_sweep_once(
    db: sessionmaker[Session], tmp_path: Path
) -> None:
    """A process killed between the interview's end and its report: the worker's sweep writes
    the report once it is ``REPORT_GRACE_S`` late (a room's, a call's, one closed as
    interrupted). Left alone: one ended a moment ago (its process may be writing it), one whose
    process lives, one with its report, and rehearsals (``rehearse --resume`` writes theirs,
    into their own folder; one stopped with Ctrl-C goes on instead). A second sweep writes
    nothing."""
    _store_demo(db)
    late = REPORT_GRACE_S + 60
    written = [
        _ended_unreported(db, ended_s=late),
        _ended_unreported(db, ended_s=late, channel="call-1", status="failed", reason="hung up"),
        _ended_unreported(db, ended_s=late, status="failed", reason=INTERRUPTED),
    ]
    left = {
        "recent": _ended_unreported(db, ended_s=30),
        "alive": _ended_unreported(db, ended_s=late),
        "reported": _ended_unreported(db, ended_s=late),
        "rehearsal": _ended_unreported(db, ended_s=late, channel="headless"),
        "stopped": _ended_unreported(
            db, ended_s=late, channel="headless", status="failed", reason=None
        ),
    }
    with db() as s:
        live = f"{socket.gethostname()}:{os.getppid()}"
        s.get_one(InterviewSession, left["alive"]).holder = live
        AssessmentRepository(s).add_report(left["reported"], "json", "report.json", "0" * 64)
        s.commit()
    settings = Settings(home=tmp_path)
    assert sorted(report_unreported(db, settings)) == sorted(written)
    for session_id in written:
        report = json.loads((tmp_path / "sessions" / session_id / "report.json").read_text())
        assert report["transcript"][1]["text"].startswith("I have helped customers")
        with db() as s:
            record = s.get_one(InterviewSession, session_id)
            assert record.report_path == str(tmp_path / "sessions" / session_id / "report.html")
            assert len(SessionRepository(s).turns(session_id)) == 2  # nothing lost
    with db() as s:
        statuses = {s.get_one(InterviewSession, i).status for i in written}
        assert statuses == {"completed", "failed"}  # as they ended
        assert {r.id for r in SessionRepository(s).unreported()} == set(left.values()) - {
            left["reported"]
        }
    assert report_unreported(db, settings) == []  # written once


def test_a_report_written_after_its_process_died_has_a_trusted_judges_second_opinion(
    db: sessionmaker[Session], tmp_path: Path
) -> None:
    """The sweep asks the LLM judge before the report, as the interview's own process would
    have (so do a recalled job and ``rehearse --resume``: the same ``write_missing_report``): a
    trusted model's scores are in it. An untrusted one is not asked, and the report is the
    automatic scores alone; so is it when the judge fails."""
    _store_demo(db)
    asked: list[object] = []

    def reply(messages: object) -> str:
        asked.append(messages)
        return json.dumps({"score": 4, "rationale": "a concrete example", "quotes": []})

    chat = FakeChat(json_replies=reply)  # model "scripted"
    table = tmp_path / "judge_validity.yaml"
    judge = partial(_judged_by, chat=chat, table=table)
    settings = Settings(home=tmp_path)
    late = REPORT_GRACE_S + 60

    untrusted = _ended_unreported(db, ended_s=late)
    assert report_unreported(db, settings, judge) == [untrusted]
    assert asked == []
    record_judge_validity(JudgeValidity("scripted", 0.92, 0.9, "2026-12-01"), table)
    trusted = _ended_unreported(db, ended_s=late)
    assert report_unreported(db, settings, judge) == [trusted]
    assert asked  # asked once per competency the answers give evidence of

    async def broken(db: sessionmaker[Session], session_id: str) -> object:
        raise yaml.YAMLError("a validity table that is not YAML")

    failed = _ended_unreported(db, ended_s=late)
    assert report_unreported(db, settings, broken) == [failed]
    for session_id, llm in ((untrusted, False), (trusted, True), (failed, False)):
        report = json.loads((tmp_path / "sessions" / session_id / "report.json").read_text())
        scores = [c["llm_score"] for c in report["competencies"]]
        assert any(v is not None for v in scores) is llm, scores
        with db() as s:
            assert bool(AssessmentRepository(s).scores(session_id, source="llm")) is llm


async def _judged_by(
    db: sessionmaker[Session], session_id: str, *, chat: FakeChat, table: Path
) -> object:
    return await judge_if_trusted(db, session_id, chat, table=table)


def test_of_processes_taking_an_ended_interview_over_one_wins_on_any_machine(
    db: sessionmaker[Session],
) -> None:
    """Two sweeps (or a sweep and a job the page sent back) on other machines: each reads the
    holder, then takes the session over to write its report. Once one has, the other fails,
    even having read the new holder (its liveness cannot be checked from another machine),
    until the lease is over."""
    session_id = _ended_unreported(db, ended_s=REPORT_GRACE_S + 60)
    with db() as s:
        dead = s.get_one(InterviewSession, session_id).holder
        repo = SessionRepository(s)
        assert repo.take(session_id, holder="host-a:1", was=dead, lease_s=600)
        assert not repo.take(session_id, holder="host-b:2", was=dead, lease_s=600)
        assert not repo.take(session_id, holder="host-b:2", was="host-a:1", lease_s=600)
        s.commit()
        s.get_one(InterviewSession, session_id).report_taken_at = datetime.now(UTC) - timedelta(
            seconds=601
        )
        s.commit()
        assert repo.take(session_id, holder="host-b:2", was="host-a:1", lease_s=600)
        s.commit()
        assert s.get_one(InterviewSession, session_id).holder == "host-b:2"


def test_rehearse_resume_writes_the_report_a_killed_rehearsal_left_unwritten(
    db: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    """``rehearse --resume`` of a rehearsal killed after it was stored as completed (the
    worker's sweep leaves rehearsals to it): nothing is asked again; the report is written
    and where it is said."""
    _store_demo(db)
    session_id = _ended_unreported(db, ended_s=5, channel="headless")
    env = {"RECRUITER_HOME": str(tmp_path), "RECRUITER_DATABASE_URL": database_url,
           "COLUMNS": "200"}  # fmt: skip
    done = CliRunner().invoke(app, ["rehearse", "--resume", session_id], env=env)
    assert done.exit_code == 0, done.output
    assert "before the report was written" in done.output
    for name in ("report.html", "report.json", "report.pdf"):  # each written, and where
        assert str(tmp_path / "sessions" / session_id / name) in done.output
    with db() as s:
        record = s.get_one(InterviewSession, session_id)
        assert record.status == "completed" and record.report_path is not None
        assert Path(record.report_path).is_file()
        assert len(SessionRepository(s).turns(session_id)) == 2
    again = CliRunner().invoke(app, ["rehearse", "--resume", session_id], env=env)
    assert again.exit_code == 1 and "nothing to resume" in again.output


def test_a_job_sent_back_to_an_ended_interview_tells_the_page_and_writes_a_missing_report(
    db: sessionmaker[Session], tmp_path: Path
) -> None:
    """What a job the candidate's page sent back does when there is nothing to go on with
    (``ended_in_room``): with no interview stored, a new one starts (None); with the last one
    ended, the page is told so (its report written now where its job died first), and no new
    interview starts over it."""
    _store_demo(db)
    settings = Settings(home=tmp_path)
    with db() as s:
        ada = CandidateRepository(s).create("Ada").id
        s.commit()
    assert ended_in_room(db, ROOM, ada, settings) is None  # nothing stored: a new interview
    unreported = _ended_unreported(db, ended_s=5)
    with db() as s:
        s.get_one(InterviewSession, unreported).candidate_id = ada
        s.commit()
    event = ended_in_room(db, ROOM, ada, settings)
    assert event == {"type": "ended", "session_id": unreported, "status": "completed",
                     "report": True}  # fmt: skip
    assert (tmp_path / "sessions" / unreported / "report.html").is_file()
    with db() as s:
        assert SessionRepository(s).reported(unreported)
    # Told again (another recall): the report is there, nothing is written twice.
    assert ended_in_room(db, ROOM, ada, settings) == event
    _session(db, ada, idle_s=5)  # a newer interview, running: resumed, not this
    assert ended_in_room(db, ROOM, ada, settings) is None
