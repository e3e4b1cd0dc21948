"""Recruiters sign in with a password kept only as a salted scrypt hash (SQLite, PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from storage import (
    AssessmentRepository,
    RecruiterError,
    RecruiterRepository,
    create_database,
    session_factory,
)
from storage.database import head_revision, migrate
from tests.stored_interview import store_interview


def test_the_right_password_signs_in_and_others_do_not(db: sessionmaker[Session]) -> None:
    with db() as s:
        RecruiterRepository(s).create("rita", "Rita Recruiter", "correct horse")
        s.commit()
    with db() as s:
        repo = RecruiterRepository(s)
        signed_in = repo.verify("rita", "correct horse")
        assert signed_in is not None and signed_in.name == "Rita Recruiter"
        assert repo.verify("rita", "correct horsE") is None
        assert repo.verify("rita", "") is None
        assert repo.verify("nobody", "correct horse") is None


def test_the_password_is_stored_salted_and_self_describing(db: sessionmaker[Session]) -> None:
    with db() as s:
        repo = RecruiterRepository(s)
        one = repo.create("one", None, "same password").password_hash
        two = repo.create("two", None, "same password").password_hash
        s.commit()
    assert one is not None and two is not None
    assert one.startswith("scrypt$n=16384,r=8,p=1$") and "same password" not in one
    assert one != two  # a random salt each time


def test_a_new_password_replaces_the_old_one(db: sessionmaker[Session]) -> None:
    with db() as s:
        repo = RecruiterRepository(s)
        repo.create("rita", None, "first password")
        repo.set_password("rita", "second password")
        s.commit()
    with db() as s:
        repo = RecruiterRepository(s)
        assert repo.verify("rita", "first password") is None
        assert repo.verify("rita", "second password") is not None


def test_a_recruiter_made_by_a_review_has_no_password_until_one_is_set(
    db: sessionmaker[Session],
) -> None:
    session_id, _ = store_interview(db)
    with db() as s:
        AssessmentRepository(s).add_note(session_id, "rita", "Solid answers.")
        s.commit()
    with db() as s:
        repo = RecruiterRepository(s)
        assert repo.verify("rita", "") is None and repo.verify("rita", "anything1") is None
        repo.set_password("rita", "now I can sign in")
        s.commit()
    with db() as s:
        assert RecruiterRepository(s).verify("rita", "now I can sign in") is not None


def test_bad_input_is_refused_with_a_reason(db: sessionmaker[Session]) -> None:
    with db() as s:
        repo = RecruiterRepository(s)
        with pytest.raises(RecruiterError, match="at least 8 characters"):
            repo.create("rita", None, "short")
        repo.create("rita", None, "long enough")
        with pytest.raises(RecruiterError, match="already exists"):
            repo.create("rita", None, "long enough")
        with pytest.raises(RecruiterError, match="no recruiter 'sam'"):
            repo.set_password("sam", "long enough")
        with pytest.raises(RecruiterError, match="1 to 100 characters"):
            repo.create(" ", None, "long enough")
        assert [r.id for r in repo.all()] == ["rita"]


def test_a_recruiter_stored_before_passwords_keeps_its_row(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    migrate(engine, "0003")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO recruiters (id, name, created_at) VALUES ('rita', 'Rita', '2026-01-01')"
        )
    engine.dispose()
    engine = create_database(url)
    with session_factory(engine)() as s:
        record = RecruiterRepository(s).get("rita")
        assert record is not None and record.name == "Rita" and record.password_hash is None
        version = s.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version == head_revision()
    engine.dispose()


def test_the_cli_adds_and_lists_recruiters(tmp_path: Path) -> None:
    def cli(*args: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "RECRUITER_HOME": str(tmp_path)}
        env.pop("RECRUITER_PASSWORD", None)
        if password is not None:
            env["RECRUITER_PASSWORD"] = password
        command = [sys.executable, "-m", "recruiter_cli.main", "recruiters", *args]
        return subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=120, check=False
        )

    added = cli("add", "rita", "--name", "Rita R", password="from the env")
    assert added.returncode == 0, added.stderr
    assert "rita can sign in at http://127.0.0.1:8000/login" in added.stdout
    again = cli("add", "rita", password="another one")
    assert again.returncode == 1 and "pass --reset-password" in again.stderr
    short = cli("add", "sam", password="short")
    assert short.returncode == 1 and "at least 8 characters" in short.stderr
    listed = cli("list")
    assert listed.returncode == 0 and "Rita R" in listed.stdout and "sam" not in listed.stdout
    engine = create_database(f"sqlite:///{tmp_path / 'recruiter.db'}")
    with session_factory(engine)() as s:
        assert RecruiterRepository(s).verify("rita", "from the env") is not None
    engine.dispose()
