"""Failed attempts counted to stop guessing: wrong phone codes, refused sign-ins.

Each failure is a row (what kind, whose key, when) in the product's database, so every worker
and web process sees the same counts and a restart forgets nothing. A key (the SIP service's
hash of a caller's number, a typed recruiter id, a client address) is stored only as a SHA-256
digest of the kind and the key, so the table holds no typed text or address; rows older than a
day are deleted as new ones are counted.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import DateTime, Integer, String, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.models import Base, _now

__all__ = ["FailedAttempt", "FailedAttempts"]


class FailedAttempt(Base):
    """One failure: a code that opened nothing, a sign-in refused."""

    __tablename__ = "failed_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))  # "phone-code" | "sign-in"
    key: Mapped[str] = mapped_column(String(100))  # a digest (FailedAttempts.digest)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)


class FailedAttempts:
    """Counts failures of one ``kind`` and says when a key (or everyone) must wait."""

    def __init__(self, db: Session, kind: str) -> None:
        self._db = db
        self._kind = kind

    def digest(self, key: str) -> str:
        """What is stored for ``key``: a hex SHA-256 of the kind and the key."""
        return hashlib.sha256(f"{self._kind}\n{key}".encode()).hexdigest()

    def record(self, *keys: str, now: datetime | None = None) -> None:
        """Count one failure against each of ``keys`` (e.g. an account and an address)."""
        now = now or datetime.now(UTC)
        self._db.execute(delete(FailedAttempt).where(FailedAttempt.at < now - timedelta(days=1)))
        self._db.add_all(FailedAttempt(kind=self._kind, key=self.digest(k), at=now) for k in keys)
        self._db.flush()

    def count(self, key: str | None, *, window_s: float, now: datetime | None = None) -> int:
        """Failures of ``key`` (None: of every key) within the last ``window_s`` seconds."""
        since = (now or datetime.now(UTC)) - timedelta(seconds=window_s)
        query = (
            select(func.count())
            .select_from(FailedAttempt)
            .where(FailedAttempt.kind == self._kind, FailedAttempt.at >= since)
        )
        if key is not None:
            query = query.where(FailedAttempt.key == self.digest(key))
        return self._db.scalar(query) or 0

    def locked_out(
        self,
        key: str,
        *,
        per_key: int,
        overall: int | None,
        window_s: float,
        now: datetime | None = None,
    ) -> bool:
        """Whether ``key`` must wait: it failed ``per_key`` times, or all keys together
        ``overall`` times (None: no such bound), within the last ``window_s`` seconds."""
        if self.count(key, window_s=window_s, now=now) >= per_key:
            return True
        return overall is not None and self.count(None, window_s=window_s, now=now) >= overall
