"""Sessions and turns on SQLite and PostgreSQL: numbered in order, and they survive a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from storage import (
    InterviewSession,
    NewTurn,
    RoleRepository,
    RoleVersionConflictError,
    SessionRepository,
    create_database,
    session_factory,
)
from storage.database import head_revision, migrate
from tests.conftest import FIXTURES


def _new_session(repo: SessionRepository) -> InterviewSession:
    return repo.create(
        role_id="demo", role_version="1", persona=None, channel="headless",
        llm_model=None, stt_model=None,
    )  # fmt: skip


def test_turns_are_numbered_and_read_back_in_order(db: sessionmaker[Session]) -> None:
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


def test_committed_turns_survive_an_uncommitted_one(db: sessionmaker[Session]) -> None:
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


def test_finishing_records_status_and_files(db: sessionmaker[Session]) -> None:
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


def test_a_database_made_before_migrations_keeps_its_turns(tmp_path: Path) -> None:
    # A file created by an earlier version (tables, no alembic_version) is stamped and upgraded;
    # SQLite's table copies must not cascade-delete the turns on the way.
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    migrate(engine, "0002")
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE alembic_version")
        conn.exec_driver_sql(
            "INSERT INTO interview_sessions (id, role_id, role_version, channel, status, "
            "started_at) VALUES ('s1', 'demo', '1', 'headless', 'completed', '2026-01-01')"
        )
        conn.exec_driver_sql(
            'INSERT INTO turns (session_id, "index", speaker, text, start_s, end_s, interrupted,'
            " created_at) VALUES ('s1', 0, 'candidate', 'Hi', 0, 1, 0, '2026-01-01')"
        )
    engine.dispose()
    engine = create_database(url)
    with session_factory(engine)() as s:
        assert [t.text for t in SessionRepository(s).turns("s1")] == ["Hi"]
        version = s.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version == head_revision()
    engine.dispose()


def test_an_answer_heard_in_two_parts_stays_one_turn(db: sessionmaker[Session]) -> None:
    with db() as s:
        repo = SessionRepository(s)
        record = _new_session(repo)
        repo.add_turn(record.id, NewTurn("recruiter", "Why support?", 0.0, 2.0))
        first = [{"word": "I", "start": 3.0, "end": 3.2, "p": 0.9}]
        turn = repo.add_turn(record.id, NewTurn("candidate", "I like it.", 3.0, 3.9, words=first))
        repo.add_measurement(record.id, turn.index, {"speech": {"words": 3}})
        s.commit()
        rest = [{"word": "Really", "start": 5.0, "end": 5.4, "p": 0.8}]
        repo.extend_turn(record.id, turn.index, text="Really.", end_s=5.6, words=rest)
        # The whole answer is measured again: the new measurement replaces the first.
        repo.add_measurement(record.id, turn.index, {"speech": {"words": 4}})
        s.commit()
        turns = repo.turns(record.id)
        measured = repo.measurements(record.id)
    assert [t.speaker for t in turns] == ["recruiter", "candidate"]
    assert turns[1].text == "I like it. Really."
    assert (turns[1].start_s, turns[1].end_s) == (3.0, 5.6)
    assert [w["word"] for w in turns[1].words or []] == ["I", "Really"]
    assert measured[turns[1].index].speech == {"words": 4}


def test_role_versions_are_immutable_and_identical_imports_are_no_ops(
    db: sessionmaker[Session],
) -> None:
    text = (FIXTURES / "two_questions.yaml").read_text()
    with db() as s:
        repo = RoleRepository(s)
        first = repo.store(role_id="two-questions", version="1", title="T", content=text)
        again = repo.store(role_id="two-questions", version="1", title="T", content=text)
        assert first.created and not again.created
        assert again.record.id == first.record.id
        with pytest.raises(RoleVersionConflictError, match="give the changed script a new version"):
            repo.store(role_id="two-questions", version="1", title="T", content=text + "# edit\n")
        repo.store(role_id="two-questions", version="2", title="T", content=text + "# edit\n")
        s.commit()
        assert [v.version for v in repo.versions("two-questions")] == ["1", "2"]
        assert repo.get("two-questions", "1").content == text  # type: ignore[union-attr]


def test_the_clauses_heard_in_another_language_are_stored_with_the_measurement(
    db: sessionmaker[Session],
) -> None:
    span = {"first_word": 0, "last_word": 6, "language": "ru", "probability": 0.4, "english": 0.02}
    with db() as s:
        repo = SessionRepository(s)
        record = _new_session(repo)
        turn = repo.add_turn(record.id, NewTurn("candidate", "I can't wait.", 3.0, 3.9))
        repo.add_measurement(
            record.id, turn.index, {"speech": {"words": 3}, "other_language": [span]}
        )
        s.commit()
        measured = repo.measurements(record.id)[turn.index].as_dict()
    assert measured["other_language"] == [span]
