"""Invitations as the recruiter sees them: who was invited to what, and what became of it.

The link itself is a signed token (``web.invites``); this record is what can change after it
was sent: when the candidate first opened it and last agreed to what is recorded, a new expiry
when it is sent again, and whether the recruiter withdrew it. Its state is read from the record
and the sessions held in its room. Deleting the candidate deletes their invitations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import DateTime, ForeignKey, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.models import Base, InterviewSession, Turn, _now

__all__ = ["InvitationRecord", "InvitationRepository", "InvitationRow", "InvitationState"]

InvitationState = Literal["sent", "opened", "started", "done", "expired", "revoked"]


class InvitationRecord(Base):
    """One invitation link sent to a candidate."""

    __tablename__ = "invitations"

    room: Mapped[str] = mapped_column(String(20), primary_key=True)  # the link's own room
    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    role_id: Mapped[str] = mapped_column(String(100))
    role_version: Mapped[str | None] = mapped_column(String(50))
    mode: Mapped[str | None] = mapped_column(String(10))
    invited_by: Mapped[str | None] = mapped_column(String(100))  # a recruiter's login
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the candidate last agreed to what is recorded and kept, on joining.
    consented_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def aware(t: datetime) -> datetime:
    """``t`` as UTC: SQLite returns naive datetimes for timezone-aware columns."""
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


@dataclass(frozen=True)
class InvitationRow:
    """An invitation with its state (``state``) and the sessions held in its room."""

    record: InvitationRecord
    state: InvitationState
    sessions: int


def state_of(record: InvitationRecord, statuses: list[str], now: datetime) -> InvitationState:
    """The state of an invitation whose room holds sessions with ``statuses``.

    Withdrawn wins; then an interview that finished (done) or is under way (started); then
    the expiry (an attempt that broke off does not keep a link alive); then an attempt that
    broke off (started), or whether the link was opened.
    """
    if record.revoked_at is not None:
        return "revoked"
    if "completed" in statuses:
        return "done"
    if "running" in statuses:
        return "started"
    if aware(record.expires_at) <= now:
        return "expired"
    if statuses:
        return "started"
    return "opened" if record.opened_at is not None else "sent"


class InvitationRepository:
    """Records invitations and what happens to them."""

    def __init__(self, db: Session) -> None:
        self._db = db

    def record(
        self,
        *,
        room: str,
        candidate_id: str,
        role_id: str,
        role_version: str | None,
        mode: str | None,
        expires_at: datetime,
        invited_by: str | None = None,
    ) -> InvitationRecord:
        """Store a new invitation (flushed, not committed)."""
        row = InvitationRecord(
            room=room, candidate_id=candidate_id, role_id=role_id, role_version=role_version,
            mode=mode, expires_at=expires_at, invited_by=invited_by,
        )  # fmt: skip
        self._db.add(row)
        self._db.flush()
        return row

    def get(self, room: str) -> InvitationRecord | None:
        """The invitation whose room is ``room``, or None (links made before invitations
        were recorded have none)."""
        return self._db.get(InvitationRecord, room)

    def opened(self, record: InvitationRecord, now: datetime | None = None) -> None:
        """Record the first time the candidate opened the link."""
        if record.opened_at is None:
            record.opened_at = now or datetime.now(UTC)
            self._db.flush()

    def consented(self, record: InvitationRecord, now: datetime | None = None) -> None:
        """Record that the candidate agreed to what is recorded and kept (each time they join)."""
        record.consented_at = now or datetime.now(UTC)
        self._db.flush()

    def revoke(self, record: InvitationRecord, now: datetime | None = None) -> None:
        """Withdraw the invitation: its link and phone code open nothing from now on."""
        if record.revoked_at is None:
            record.revoked_at = now or datetime.now(UTC)
            self._db.flush()

    def renew(self, record: InvitationRecord, expires_at: datetime) -> None:
        """Send it again: a later expiry (a withdrawn invitation stays withdrawn)."""
        record.expires_at = expires_at
        self._db.flush()

    def list(self, now: datetime | None = None) -> list[InvitationRow]:
        """Every invitation, newest first, with its state."""
        now = now or datetime.now(UTC)
        records = list(
            self._db.scalars(select(InvitationRecord).order_by(InvitationRecord.created_at.desc()))
        )
        rooms = [r.room for r in records]
        statuses: dict[str, list[str]] = {room: [] for room in rooms}
        if rooms:
            answers = (
                select(Turn.session_id, func.count(Turn.id).label("n"))
                .where(Turn.speaker == "candidate")
                .group_by(Turn.session_id)
                .subquery()
            )
            query = (
                select(InterviewSession.channel, InterviewSession.status,
                       func.coalesce(answers.c.n, 0))
                .outerjoin(answers, answers.c.session_id == InterviewSession.id)
                .where(InterviewSession.channel.in_(rooms))
            )  # fmt: skip
            for channel, status, said in self._db.execute(query):
                # An interview ended before any answer did not do the invitation's work.
                statuses[channel].append("failed" if status == "completed" and not said else status)
        return [InvitationRow(r, state_of(r, statuses[r.room], now), len(statuses[r.room]))
                for r in records]  # fmt: skip
