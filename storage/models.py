"""SQLAlchemy 2 typed models: interview sessions and their turns."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = ["AnswerMeasurement", "Base", "InterviewSession", "RoleScriptVersion", "Turn"]


def _now() -> datetime:
    return datetime.now(UTC)


def _new_id() -> str:
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    """Declarative base of every table."""


class RoleScriptVersion(Base):
    """An immutable version of a role script, stored byte for byte as it was imported."""

    __tablename__ = "role_script_versions"
    __table_args__ = (UniqueConstraint("role_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    role_id: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64), index=True)
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class InterviewSession(Base):
    """One interview: which role it ran, how it went, where its files are."""

    __tablename__ = "interview_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_new_id)
    role_id: Mapped[str] = mapped_column(String(100))
    role_version: Mapped[str] = mapped_column(String(50))
    # The sha256 of the role script's text: exactly which content the session ran.
    role_sha256: Mapped[str | None] = mapped_column(String(64))
    persona: Mapped[str | None] = mapped_column(String(100))
    # "practice" or "exam": the role script's mode, or the one the invitation asked for.
    mode: Mapped[str | None] = mapped_column(String(10))
    # Who was interviewed (None for anonymous practice); deleting the candidate deletes this.
    candidate_id: Mapped[str | None] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(100), default="headless")
    status: Mapped[str] = mapped_column(String(20), default="running")
    end_reason: Mapped[str | None] = mapped_column(Text)
    llm_model: Mapped[str | None] = mapped_column(String(200))
    stt_model: Mapped[str | None] = mapped_column(String(100))
    audio_path: Mapped[str | None] = mapped_column(Text)
    report_path: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The interview flow's state as of the last recruiter turn stored (dialogue.snapshot): what
    # a new process resumes from after this one died.
    flow_state: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The process running it ("host:pid"), so that one resuming it can tell a live one apart.
    holder: Mapped[str | None] = mapped_column(String(100))
    # When a process took it over to write the report its own process did not (a lease:
    # ``SessionRepository.take``); None otherwise.
    report_taken_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def end_requested(self) -> str | None:
        """Why the candidate asked to end this still running session (End pressed:
        ``SessionRepository.request_end``); None when they did not, or it has ended."""
        return self.end_reason if self.status == "running" else None

    turns: Mapped[list[Turn]] = relationship(
        back_populates="session", order_by="Turn.index", cascade="all, delete-orphan"
    )


class Turn(Base):
    """One stretch of speech by one side, stored the moment it completes.

    Times are seconds from the start of the session. Latency parts are set on recruiter turns
    that answer a candidate turn.
    """

    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("session_id", "index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(
        ForeignKey("interview_sessions.id", ondelete="CASCADE"), index=True
    )
    index: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    question_id: Mapped[str | None] = mapped_column(String(100))
    start_s: Mapped[float] = mapped_column(Float)
    end_s: Mapped[float] = mapped_column(Float)
    interrupted: Mapped[bool] = mapped_column(default=False)
    # [{"word": str, "start_s": float, "end_s": float, "p": float}, ...] for candidate turns.
    words: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    # Recruiter turns: what produced the speech (e.g. {"ack": "llm" | "fallback"}).
    events: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    latency_s: Mapped[float | None] = mapped_column(Float)
    endpointing_s: Mapped[float | None] = mapped_column(Float)
    stt_s: Mapped[float | None] = mapped_column(Float)
    llm_ttft_s: Mapped[float | None] = mapped_column(Float)
    tts_ttfa_s: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    session: Mapped[InterviewSession] = relationship(back_populates="turns")
    measurement: Mapped[AnswerMeasurement | None] = relationship(
        back_populates="turn", cascade="all, delete-orphan", passive_deletes=True
    )


class AnswerMeasurement(Base):
    """What perception measured on one candidate turn (speech, voice, webcam), cues and flags.

    Written after the turn itself, when the analysis (off the event loop) is done; a turn whose
    analysis failed simply has none.
    """

    __tablename__ = "answer_measurements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    turn_id: Mapped[int] = mapped_column(
        ForeignKey("turns.id", ondelete="CASCADE"), unique=True, index=True
    )
    session_id: Mapped[str] = mapped_column(
        ForeignKey("interview_sessions.id", ondelete="CASCADE"), index=True
    )
    speech: Mapped[dict[str, Any]] = mapped_column(JSON)
    voice: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    face: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    language: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    cues: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    flags: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Clauses heard in another language (``OtherLanguage.as_dict()``); None before 0014.
    other_language: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    turn: Mapped[Turn] = relationship(back_populates="measurement")

    def as_dict(self) -> dict[str, Any]:
        """The measurements as perception wrote them (``AnswerMeasures.as_dict()`` shape)."""
        return {
            "speech": self.speech, "voice": self.voice, "face": self.face,
            "language": self.language, "cues": self.cues, "flags": self.flags,
            "other_language": self.other_language or [],
        }  # fmt: skip
