"""Interview codes: the digits a caller keys in (or says) to reach their invited interview.

A code stands for an invitation on the phone line: the same candidate, role version, mode and
expiry as the invitation link it was issued with. Codes are random digits, never reused; an
expired code is never found. Deleting the candidate deletes their codes.

Wrong codes are counted in ``storage.attempts`` (kind "phone-code"), so that guessing across
calls is stopped.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.models import Base, _now

__all__ = ["InterviewCode", "InterviewCodeRepository"]


class InterviewCode(Base):
    """One issued code and the interview it opens."""

    __tablename__ = "interview_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(12), index=True, unique=True)  # never reused
    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )
    role_id: Mapped[str] = mapped_column(String(100))
    role_version: Mapped[str | None] = mapped_column(String(50))
    mode: Mapped[str | None] = mapped_column(String(10))
    # The invitation's room name: a call opened by the code is stored under it, so the
    # invitation's page finds the call's report as it finds a browser interview's.
    room: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def _aware(t: datetime) -> datetime:
    # SQLite returns naive datetimes for timezone-aware columns; every time stored is UTC.
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


class InterviewCodeRepository:
    """Issues codes and finds the unexpired one a caller keyed in."""

    def __init__(self, db: Session) -> None:
        self._db = db

    def issue(
        self,
        *,
        candidate_id: str,
        role_id: str,
        role_version: str | None,
        mode: str | None,
        expires_at: datetime,
        digits: int = 6,
        room: str | None = None,
    ) -> InterviewCode:
        """A new code of ``digits`` digits (no leading zero), never issued before (a unique
        index holds it against a concurrent issue, which then fails with IntegrityError);
        ``room`` is the invitation's room, which a call opened by the code is stored under.

        Raises:
            ValueError: ``digits`` is outside 4-12.
        """
        if not 4 <= digits <= 12:
            raise ValueError(f"an interview code has 4 to 12 digits, not {digits}")
        while True:
            code = str(secrets.randbelow(9 * 10 ** (digits - 1)) + 10 ** (digits - 1))
            taken = self._db.scalar(select(InterviewCode.id).where(InterviewCode.code == code))
            if taken is None:  # expired codes are not reissued either
                break
        row = InterviewCode(
            code=code, candidate_id=candidate_id, role_id=role_id, role_version=role_version,
            mode=mode, expires_at=expires_at, room=room,
        )  # fmt: skip
        self._db.add(row)
        self._db.flush()
        return row

    def find(self, code: str, now: datetime | None = None) -> InterviewCode | None:
        """The unexpired code ``code`` (digits only), or None."""
        now = now or datetime.now(UTC)
        rows = self._db.scalars(select(InterviewCode).where(InterviewCode.code == code))
        return next((r for r in rows if _aware(r.expires_at) > now), None)

    def mark_used(self, row: InterviewCode, now: datetime | None = None) -> None:
        """Record the first call that used ``row`` (later calls keep the first time)."""
        if row.used_at is None:
            row.used_at = now or datetime.now(UTC)
            self._db.flush()
