"""What an interview concluded: evidence quoted from the transcript, scores, notes and reports.

Automatic and human judgements sit side by side: a recruiter's score is a new row with
``source="human"``, never an edit of the scorer's.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, _now

__all__ = ["Evidence", "HumanNote", "ReportFile", "Score"]


class Evidence(Base):
    """A verbatim quote from a candidate turn that supports or contradicts a competency."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(
        ForeignKey("interview_sessions.id", ondelete="CASCADE"), index=True
    )
    turn_id: Mapped[int] = mapped_column(ForeignKey("turns.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str | None] = mapped_column(String(100))
    competency_id: Mapped[str] = mapped_column(String(100))
    quote: Mapped[str] = mapped_column(Text)
    start_s: Mapped[float] = mapped_column(Float)  # seconds from the start of the session
    end_s: Mapped[float] = mapped_column(Float)
    stance: Mapped[str] = mapped_column(String(20))  # "supports" | "contradicts"
    signal: Mapped[str] = mapped_column(Text)  # what the quote shows, e.g. "measurable result"
    source: Mapped[str] = mapped_column(String(20))  # "deterministic" | "llm"
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Score(Base):
    """A score of one answer, one competency or the whole interview, by the scorer or a person."""

    __tablename__ = "scores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(
        ForeignKey("interview_sessions.id", ondelete="CASCADE"), index=True
    )
    scope: Mapped[str] = mapped_column(String(20))  # "answer" | "competency" | "overall"
    target: Mapped[str | None] = mapped_column(String(100))  # question or competency id
    value: Mapped[float] = mapped_column(Float)
    scale_max: Mapped[int] = mapped_column(Integer, default=5)
    source: Mapped[str] = mapped_column(String(20))  # "deterministic" | "llm" | "human"
    scorer: Mapped[str] = mapped_column(String(200))  # rules version, model name or recruiter id
    recruiter_id: Mapped[str | None] = mapped_column(
        ForeignKey("recruiters.id", ondelete="SET NULL")
    )
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    rationale: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class HumanNote(Base):
    """A recruiter's note on a session (optionally on one turn)."""

    __tablename__ = "human_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(
        ForeignKey("interview_sessions.id", ondelete="CASCADE"), index=True
    )
    recruiter_id: Mapped[str | None] = mapped_column(
        ForeignKey("recruiters.id", ondelete="SET NULL")
    )
    turn_id: Mapped[int | None] = mapped_column(ForeignKey("turns.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ReportFile(Base):
    """A built report: its format, where it is, and the hash of its content."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(
        ForeignKey("interview_sessions.id", ondelete="CASCADE"), index=True
    )
    format: Mapped[str] = mapped_column(String(10))  # "json" | "html" | "pdf"
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
