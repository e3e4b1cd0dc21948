"""A candidate's data: export everything, delete everything, and expire old audio."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import CandidateRepository, InterviewSession, ReportFile

__all__ = ["delete_candidate", "expire_audio", "export_candidate"]


def export_candidate(db: Session, candidate_id: str, sessions_dir: Path, out: Path) -> Path:
    """Write ``data.json`` and each session's files (audio, reports) under ``out``."""
    data = CandidateRepository(db).export(candidate_id)
    out.mkdir(parents=True, exist_ok=True)
    for session in data["sessions"]:
        source = sessions_dir / session["id"]
        if source.is_dir():
            shutil.copytree(source, out / "sessions" / session["id"], dirs_exist_ok=True)
    (out / "data.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    return out / "data.json"


def delete_candidate(db: Session, candidate_id: str, sessions_dir: Path) -> dict[str, Any]:
    """Delete the candidate's rows (cascading to everything) and their session folders.

    Returns what was removed; the caller commits.
    """
    repo = CandidateRepository(db)
    ids = [s.id for s in repo.sessions(candidate_id)]
    # Reports written outside the session folder (`report --out`) are found by their records.
    elsewhere = db.scalars(select(ReportFile.path).where(ReportFile.session_id.in_(ids))).all()
    sessions = repo.delete(candidate_id)
    removed = []
    for path in map(Path, elsewhere):
        if path.is_file():
            path.unlink()
            removed.append(str(path))
    for s in sessions:
        for folder in {sessions_dir / s.id, *(Path(p).parent for p in (s.audio_path,) if p)}:
            if folder.is_dir() and folder.name == s.id:
                shutil.rmtree(folder)
                removed.append(str(folder))
    return {"candidate_id": candidate_id, "sessions": [s.id for s in sessions], "removed": removed}


def expire_audio(db: Session, days: int, *, now: datetime | None = None) -> list[str]:
    """Delete the audio of sessions older than ``days``; return the files removed."""
    now = now or datetime.now(UTC)
    # SQLite hands back naive datetimes (stored as UTC); compare everything in UTC.
    cutoff = (now if now.tzinfo else now.replace(tzinfo=UTC)) - timedelta(days=days)
    removed = []
    query = select(InterviewSession).where(InterviewSession.audio_path.is_not(None))
    for s in db.scalars(query):
        started = s.started_at if s.started_at.tzinfo else s.started_at.replace(tzinfo=UTC)
        if started < cutoff and s.audio_path:
            path = Path(s.audio_path)
            path.unlink(missing_ok=True)
            removed.append(str(path))
            s.audio_path = None
    db.flush()
    return removed
