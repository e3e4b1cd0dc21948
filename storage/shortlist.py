"""Shortlist marks: a recruiter's "take this candidate further" for one role.

One mark per role and candidate, with who set it and when; removing it deletes the row. Deleting
the candidate deletes their marks.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.models import Base, _now

__all__ = ["ShortlistMark", "ShortlistRepository"]


class ShortlistMark(Base):
    """A candidate shortlisted for a role."""

    __tablename__ = "shortlist"

    role_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True
    )
    marked_by: Mapped[str | None] = mapped_column(String(100))  # a recruiter's login
    marked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ShortlistRepository:
    """Sets, clears and reads shortlist marks."""

    def __init__(self, db: Session) -> None:
        self._db = db

    def mark(self, role_id: str, candidate_id: str, by: str | None) -> ShortlistMark:
        """Shortlist the candidate for the role (a mark already there is kept as it was)."""
        found = self._db.get(ShortlistMark, (role_id, candidate_id))
        if found is None:
            found = ShortlistMark(role_id=role_id, candidate_id=candidate_id, marked_by=by)
            self._db.add(found)
            self._db.flush()
        return found

    def clear(self, role_id: str, candidate_id: str) -> None:
        """Take the candidate off the role's shortlist (no mark: nothing happens)."""
        found = self._db.get(ShortlistMark, (role_id, candidate_id))
        if found is not None:
            self._db.delete(found)
            self._db.flush()

    def marks(self, role_id: str) -> dict[str, ShortlistMark]:
        """The role's marks by candidate id."""
        rows = self._db.scalars(select(ShortlistMark).where(ShortlistMark.role_id == role_id))
        return {m.candidate_id: m for m in rows}
