"""Sessions and turns in SQLite: turns are numbered in order and survive a crash mid-session."""

from __future__ import annotations

from pathlib import Path

from storage import (
    InterviewSession,
    NewTurn,
    SessionRepository,
    create_database,
    session_factory,
)


def _db(tmp_path: Path):  # type: ignore[no-untyped-def]
    return session_factory(create_database(f"sqlite:///{tmp_path / 'test.db'}"))


def _new_session(repo: SessionRepository) -> InterviewSession:
    return repo.create(
        role_id="demo", role_version="1", persona=None, channel="headless",
        llm_model=None, stt_model=None,
    )  # fmt: skip


def test_turns_are_numbered_and_read_back_in_order(tmp_path: Path) -> None:
    db = _db(tmp_path)
    with db() as s:
        repo = SessionRepository(s)
        record = repo.create(
            role_id="demo",
            role_version="1",
            persona="prepared",
            channel="headless",
            llm_model="m",
            stt_model="whisper-tiny.en",
        )
        repo.add_turn(record.id, NewTurn("recruiter", "Hello?", 0.5, 2.0, question_id="q1"))
        words = [{"word": "Hi", "start": 2.9, "end": 3.1, "p": 0.9}]
        repo.add_turn(record.id, NewTurn("candidate", "Hi", 2.9, 3.1, words=words))
        s.commit()
        session_id = record.id
    with db() as s:
        turns = SessionRepository(s).turns(session_id)
        assert [(t.index, t.speaker, t.text) for t in turns] == [
            (0, "recruiter", "Hello?"),
            (1, "candidate", "Hi"),
        ]
        assert turns[1].words == words
        assert SessionRepository(s).get(session_id).status == "running"  # type: ignore[union-attr]


def test_committed_turns_survive_an_uncommitted_one(tmp_path: Path) -> None:
    db = _db(tmp_path)
    with db() as s:
        repo = SessionRepository(s)
        record = _new_session(repo)
        repo.add_turn(record.id, NewTurn("recruiter", "Stored.", 0.0, 1.0))
        s.commit()
        repo.add_turn(record.id, NewTurn("candidate", "In flight.", 1.0, 2.0))
        s.rollback()  # the process dies before this turn commits
        session_id = record.id
    with db() as s:
        assert [t.text for t in SessionRepository(s).turns(session_id)] == ["Stored."]


def test_finishing_records_status_and_files(tmp_path: Path) -> None:
    db = _db(tmp_path)
    with db() as s:
        repo = SessionRepository(s)
        record = _new_session(repo)
        repo.finish(
            record.id, status="completed", reason="all questions asked", audio_path="/a.wav"
        )
        s.commit()
        done = repo.get(record.id)
        assert done is not None and done.status == "completed" and done.ended_at is not None
        assert done.audio_path == "/a.wav"
