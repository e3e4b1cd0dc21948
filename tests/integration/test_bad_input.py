"""Bad input ends with a clear message and a non-zero exit, and nothing half-written is stored."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select

from storage import InterviewSession


def _rehearse(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "recruiter_cli.main", "rehearse", *args],
        capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "RECRUITER_HOME": str(home), **env},
    )  # fmt: skip


def _stored_sessions(home: Path) -> int:
    db = home / "recruiter.db"
    if not db.exists():
        return 0
    engine = create_engine(f"sqlite:///{db}")
    if not inspect(engine).has_table(InterviewSession.__tablename__):
        return 0
    with engine.connect() as conn:
        return len(conn.execute(select(InterviewSession.id)).all())


def test_unknown_role(home: Path) -> None:
    proc = _rehearse(home, "--role", "astronaut")
    assert proc.returncode == 1
    assert "no role 'astronaut'" in proc.stderr and "demo" in proc.stderr
    assert _stored_sessions(home) == 0


def test_broken_role_file_is_located(home: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\nversion: 1\ntitle: [oops\n")
    proc = _rehearse(home, "--role", str(broken))
    assert proc.returncode == 1
    assert f"{broken}:4:1 invalid YAML: expected ',' or ']'" in proc.stderr
    assert "flow sequence at line 3, column 8" in proc.stderr
    assert _stored_sessions(home) == 0


@pytest.mark.models
def test_missing_model_asset(tmp_path: Path) -> None:
    proc = _rehearse(tmp_path)  # an empty data directory: no models at all
    assert proc.returncode == 1
    assert "is not ready" in proc.stderr and "recruiter models install" in proc.stderr
    assert _stored_sessions(tmp_path) == 0


@pytest.mark.models
def test_llm_server_down(home: Path) -> None:
    proc = _rehearse(
        home, RECRUITER_LLM__BASE_URL="http://127.0.0.1:9/v1", RECRUITER_LLM__MODEL="nothing"
    )
    assert proc.returncode == 1
    assert "no LLM server answers at http://127.0.0.1:9/v1" in proc.stderr
    assert _stored_sessions(home) == 0


def test_unknown_persona(home: Path) -> None:
    proc = _rehearse(
        home, "--persona", "astronaut",
        RECRUITER_LLM__BASE_URL="http://127.0.0.1:9/v1",
    )  # fmt: skip
    assert proc.returncode == 1
    assert "no persona 'astronaut' for role 'demo'; personas for this role: " in proc.stderr
    assert "prepared" in proc.stderr and "thinker" in proc.stderr and "generic" in proc.stderr
    assert "--answers DIR" in proc.stderr
    assert _stored_sessions(home) == 0


@pytest.mark.models
def test_unreadable_webcam_video(home: Path, tmp_path: Path) -> None:
    video = tmp_path / "camera.mp4"
    video.write_bytes(b"\x00\x01 not a video " * 100)
    proc = _rehearse(
        home, "--webcam", str(video),
        RECRUITER_LLM__BASE_URL="http://127.0.0.1:9/v1",
    )  # fmt: skip
    assert proc.returncode == 1
    assert f"{video}" in proc.stderr and "Traceback" not in proc.stderr
    assert _stored_sessions(home) == 0
