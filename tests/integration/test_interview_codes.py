"""Interview codes for the phone line, on SQLite and PostgreSQL: issued with an invitation, found
until it expires, gone with the candidate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from storage import (
    CandidateRepository,
    FailedAttempt,
    FailedAttempts,
    InterviewCodeRepository,
    InterviewSession,
    NewTurn,
    SessionRepository,
)


def test_a_code_opens_its_invitation_until_it_expires(db: sessionmaker[Session]) -> None:
    now = datetime.now(UTC)
    with db() as s:
        candidate = CandidateRepository(s).create("Caller").id
        codes = InterviewCodeRepository(s)
        issued = codes.issue(candidate_id=candidate, role_id="demo", role_version="3",
                             mode="practice", expires_at=now + timedelta(hours=72),
                             room="iv-0123456789abcdef")  # fmt: skip
        old = codes.issue(candidate_id=candidate, role_id="demo", role_version=None, mode=None,
                          expires_at=now - timedelta(seconds=1))  # fmt: skip
        s.commit()
        code, expired = issued.code, old.code
    assert len(code) == 6 and code.isdigit() and code[0] != "0"
    with db() as s:
        codes = InterviewCodeRepository(s)
        found = codes.find(code)
        assert found is not None
        got = (found.candidate_id, found.role_id, found.role_version, found.mode, found.room)
        assert got == (candidate, "demo", "3", "practice", "iv-0123456789abcdef")
        assert codes.find(expired) is None  # expired codes open nothing
        assert codes.find(code, now=now + timedelta(hours=73)) is None
        assert codes.find("000000") is None
        codes.mark_used(found, now)
        codes.mark_used(found, now + timedelta(hours=1))  # the first use is kept
        s.commit()
        assert codes.find(code).used_at is not None  # type: ignore[union-attr]


def test_a_candidates_codes_are_exported_and_deleted_with_them_and_a_call_room_name_fits(
    db: sessionmaker[Session],
) -> None:
    with db() as s:
        candidate = CandidateRepository(s).create("Caller").id
        code = InterviewCodeRepository(s).issue(
            candidate_id=candidate, role_id="demo", role_version=None, mode=None,
            expires_at=datetime.now(UTC) + timedelta(hours=1),
        ).code  # fmt: skip
        other = CandidateRepository(s).create("Someone else").id
        InterviewCodeRepository(s).issue(candidate_id=other, role_id="demo", role_version=None,
                                         mode=None, expires_at=datetime.now(UTC))  # fmt: skip
        # The SIP service names a call's room "<prefix>_<last 4 digits>_<random>".
        room = "call_0101_" + "x" * 40
        SessionRepository(s).create(role_id="demo", role_version="3", channel=room, persona=None,
                                    llm_model=None, stt_model=None)  # fmt: skip
        s.commit()
    with db() as s:
        # Their codes are theirs to export (personal data), and nobody else's are.
        exported = CandidateRepository(s).export(candidate)["interview_codes"]
        assert [(c["code"], c["role_id"], c["used_at"]) for c in exported] == [(code, "demo", None)]
        assert s.query(InterviewSession).filter_by(channel=room).one() is not None
        CandidateRepository(s).delete(candidate)
        s.commit()
    with db() as s:
        assert InterviewCodeRepository(s).find(code) is None


def test_an_exam_is_taken_once_an_answer_is_stored_in_its_room(db: sessionmaker[Session]) -> None:
    room = "iv-exam0000000001"
    with db() as s:
        candidate = CandidateRepository(s).create("Examinee").id
        sessions = SessionRepository(s)

        def attempt(mode: str, *, answered: bool, channel: str = room) -> None:
            record = sessions.create(
                role_id="demo", role_version="3", channel=channel, persona=None,
                llm_model=None, stt_model=None, mode=mode,
            )  # fmt: skip
            record.candidate_id = candidate
            sessions.add_turn(record.id, NewTurn("recruiter", "Why this job?", 0.0, 2.0))
            if answered:
                sessions.add_turn(record.id, NewTurn("candidate", "I like it.", 3.0, 4.0))

        attempt("exam", answered=False)  # cut off before an answer
        attempt("practice", answered=True)  # practice in the same room
        attempt("exam", answered=True, channel="iv-otherroom00001")  # another invitation
        s.commit()
        assert not sessions.exam_taken(candidate, room)
        attempt("exam", answered=True)
        s.commit()
        assert sessions.exam_taken(candidate, room)
        assert not sessions.exam_taken("someone-else", room)


def test_wrong_codes_lock_out_a_caller_then_the_line_until_the_window_passes(
    db: sessionmaker[Session],
) -> None:
    """Guessing across calls: per caller, then for the whole line, within a window."""
    now = datetime.now(UTC)
    limits = {"per_key": 3, "overall": 5, "window_s": 3600.0}
    with db() as s:
        codes = FailedAttempts(s, "phone-code")
        for minute in range(2):
            codes.record("sip_caller_a", now=now + timedelta(minutes=minute))
        assert not codes.locked_out("sip_caller_a", now=now + timedelta(minutes=2), **limits)
        codes.record("sip_caller_a", now=now + timedelta(minutes=2))
        FailedAttempts(s, "sign-in").record("sip_caller_b", now=now)  # another kind: not counted
        s.commit()
    with db() as s:
        codes = FailedAttempts(s, "phone-code")
        at = now + timedelta(minutes=3)
        assert codes.locked_out("sip_caller_a", now=at, **limits)
        assert not codes.locked_out("sip_caller_b", now=at, **limits)  # another caller
        # An hour after the first failure, one has left the window: the caller may try again.
        assert not codes.locked_out("sip_caller_a", now=now + timedelta(minutes=60, seconds=1),
                                    **limits)  # fmt: skip
        # Spread over many numbers, the line-wide count stops them all.
        codes.record("sip_caller_c", "sip_caller_d", now=at)
        assert codes.locked_out("sip_caller_b", now=at, **limits)
        # Failures older than a day are deleted when the next one is counted.
        codes.record("sip_caller_e", now=now + timedelta(days=2))
        s.commit()
        assert s.scalar(select(func.count()).select_from(FailedAttempt)) == 1
        # Only digests are kept, never the key as given.
        assert (
            s.scalars(select(FailedAttempt.key)).one()
            == codes.digest("sip_caller_e")
            != ("sip_caller_e")
        )
