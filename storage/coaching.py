"""Coaching sessions: an interviewer's practice interviews and recorded interviews, as read by
the coaching report, kept for the trends across their sessions.

One row per session: the figures the trends chart (talk share, open and leading questions,
rubric coverage, calibration against a persona's known level) and the whole report. A recorded
interview's report quotes the candidate in it, so rows are deleted on request like any other
personal data (``delete``, ``delete_for``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.models import Base, _new_id, _now

__all__ = ["CoachingRepository", "CoachingSession"]


class CoachingSession(Base):
    """One coached session. Shares are 0-1; ``calibration_*`` are in rubric points."""

    __tablename__ = "coaching_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_new_id)
    # The interviewer: a recruiter's id (the dashboard's sign-in) or the name given to the CLI.
    interviewer: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "practice" or "recording"
    role_id: Mapped[str | None] = mapped_column(String(100))
    persona: Mapped[str | None] = mapped_column(String(50))
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    duration_s: Mapped[float] = mapped_column(Float)
    questions: Mapped[int] = mapped_column(Integer)
    talk_share: Mapped[float | None] = mapped_column(Float)
    open_share: Mapped[float | None] = mapped_column(Float)
    leading: Mapped[int] = mapped_column(Integer)
    protected: Mapped[int] = mapped_column(Integer)
    competencies: Mapped[int] = mapped_column(Integer)  # the role's; 0 without a role
    uncovered: Mapped[int] = mapped_column(Integer)
    calibration_mean_abs: Mapped[float | None] = mapped_column(Float)
    calibration_bias: Mapped[float | None] = mapped_column(Float)
    title: Mapped[str] = mapped_column(Text)
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    report_markdown: Mapped[str] = mapped_column(Text)
    # Where the report's files were written too (None: only here); deleted with the row.
    folder: Mapped[str | None] = mapped_column(Text)


class CoachingRepository:
    """Adds, lists and deletes coaching sessions."""

    def __init__(self, db: Session) -> None:
        self._db = db

    def add(self, row: CoachingSession) -> CoachingSession:
        """Store ``row`` (its id is set here)."""
        self._db.add(row)
        self._db.flush()
        return row

    def get(self, session_id: str) -> CoachingSession | None:
        """The session ``session_id``, or None."""
        return self._db.get(CoachingSession, session_id)

    def recent(self, interviewer: str, limit: int = 20) -> list[CoachingSession]:
        """``interviewer``'s last ``limit`` sessions, oldest first (the order trends read)."""
        rows = self._db.scalars(
            select(CoachingSession)
            .where(CoachingSession.interviewer == interviewer)
            .order_by(CoachingSession.taken_at.desc(), CoachingSession.id.desc())
            .limit(limit)
        )
        return list(reversed(list(rows)))

    def delete(self, session_id: str) -> CoachingSession | None:
        """Delete one session; the row deleted (its ``folder`` is the caller's to remove), or
        None when there was none."""
        row = self.get(session_id)
        if row is None:
            return None
        self._db.delete(row)
        self._db.flush()
        return row

    def delete_for(self, interviewer: str) -> list[CoachingSession]:
        """Delete every session of ``interviewer``; the rows deleted."""
        rows = list(self._db.scalars(
            select(CoachingSession).where(CoachingSession.interviewer == interviewer)
        ))  # fmt: skip
        for row in rows:
            self._db.delete(row)
        self._db.flush()
        return rows
