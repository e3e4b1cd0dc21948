"""The coding round's record: code snapshots, runs and integrity signals, in order.

One row per event of a coding question, seconds from the session's start: a ``snapshot`` of the
code as the candidate writes it (the report's replay), a ``run`` of the visible examples or a
``submit`` of the hidden tests (the code and its results), and a ``signal`` for a human reviewer
(a large paste, the tab left, a long inactivity). The rows are the candidate's data: deleting
the session (or the candidate) deletes them. Hints given are in the flow's stored state.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.models import Base, _now

__all__ = ["CodeEvent", "CodeEventKind", "CodeEventRepository"]

CodeEventKind = Literal["snapshot", "run", "submit", "signal"]


class CodeEvent(Base):
    """One event of a coding question."""

    __tablename__ = "code_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(
        ForeignKey("interview_sessions.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(100))
    problem_id: Mapped[str] = mapped_column(String(100))
    at_s: Mapped[float] = mapped_column(Float)  # seconds from the start of the session
    kind: Mapped[str] = mapped_column(String(20))
    language: Mapped[str | None] = mapped_column(String(20))
    code: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # results; a signal's facts
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class CodeEventRepository:
    """Adds and reads a session's coding events."""

    def __init__(self, db: Session) -> None:
        self._db = db

    def add(
        self, session_id: str, *, question_id: str, problem_id: str, at_s: float,
        kind: CodeEventKind, language: str | None = None, code: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> CodeEvent:  # fmt: skip
        """Store one event (``at_s``: seconds from the session's start)."""
        event = CodeEvent(
            session_id=session_id, question_id=question_id, problem_id=problem_id,
            at_s=round(at_s, 3), kind=kind, language=language, code=code, detail=detail,
        )  # fmt: skip
        self._db.add(event)
        self._db.flush()
        return event

    def last_at_s(self, session_id: str) -> float | None:
        """When the session's last event happened (s from its start); None without events."""
        at_s: float | None = self._db.scalar(
            select(func.max(CodeEvent.at_s)).where(CodeEvent.session_id == session_id)
        )
        return at_s

    def for_session(self, session_id: str) -> list[CodeEvent]:
        """The session's events in the order they happened."""
        rows = self._db.scalars(
            select(CodeEvent)
            .where(CodeEvent.session_id == session_id)
            .order_by(CodeEvent.at_s, CodeEvent.id)
        )
        return list(rows)
