"""Recruiters who sign in to the dashboard, with scrypt password hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.errors import StorageError
from storage.people import Recruiter

__all__ = ["MIN_PASSWORD_LENGTH", "RecruiterError", "RecruiterRepository", "hash_password"]

MIN_PASSWORD_LENGTH = 8
# scrypt cost: n=2**14, r=8 needs 16 MiB and about 50 ms; stored with each hash, so it can rise.
_N, _R, _P = 2**14, 8, 1
_MAXMEM = 64 * 1024 * 1024


class RecruiterError(StorageError):
    """A recruiter cannot be created or given this password."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    secret = password.encode("utf-8")
    return hashlib.scrypt(secret, salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=32)


def hash_password(password: str) -> str:
    """A self-describing hash: ``scrypt$n=16384,r=8,p=1$<salt>$<hash>`` (base64)."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, _N, _R, _P)
    return f"scrypt$n={_N},r={_R},p={_P}${_b64(salt)}${_b64(digest)}"


def _matches(password: str, stored: str) -> bool:
    """Whether ``password`` gives ``stored`` (a malformed hash matches nothing)."""
    try:
        scheme, params, salt, digest = stored.split("$")
        cost = dict(item.split("=") for item in params.split(","))
        n, r, p = int(cost["n"]), int(cost["r"]), int(cost["p"])
        expected = base64.b64decode(digest, validate=True)
        computed = _scrypt(password, base64.b64decode(salt, validate=True), n, r, p)
    except (ValueError, KeyError):
        return False
    return scheme == "scrypt" and hmac.compare_digest(computed, expected)


# Checked when the recruiter is unknown, so a wrong id takes as long as a wrong password.
_DUMMY = hash_password(secrets.token_urlsafe(16))


def _checked(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RecruiterError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return password


class RecruiterRepository:
    """Recruiters and their passwords (flushes; the caller commits)."""

    def __init__(self, db: Session) -> None:
        self._db = db

    def create(self, recruiter_id: str, name: str | None, password: str) -> Recruiter:
        """A new recruiter who can sign in.

        Raises:
            RecruiterError: the id is taken or empty, or the password is too short.
        """
        if not recruiter_id.strip() or len(recruiter_id) > 100:
            raise RecruiterError("a recruiter id needs 1 to 100 characters")
        if self.get(recruiter_id) is not None:
            raise RecruiterError(f"recruiter {recruiter_id!r} already exists")
        record = Recruiter(
            id=recruiter_id, name=name, password_hash=hash_password(_checked(password))
        )
        self._db.add(record)
        self._db.flush()
        return record

    def get(self, recruiter_id: str) -> Recruiter | None:
        """A recruiter by id."""
        return self._db.get(Recruiter, recruiter_id)

    def all(self) -> list[Recruiter]:
        """Every recruiter, by id."""
        return list(self._db.scalars(select(Recruiter).order_by(Recruiter.id)))

    def verify(self, recruiter_id: str, password: str) -> Recruiter | None:
        """The recruiter when the password is theirs; None otherwise (same cost either way)."""
        record = self.get(recruiter_id)
        stored = record.password_hash if record is not None else None
        ok = _matches(password, stored or _DUMMY)
        return record if ok and stored is not None else None

    def set_password(self, recruiter_id: str, password: str) -> Recruiter:
        """Give a recruiter a new password (also one made by a review, who has none yet).

        Raises:
            RecruiterError: no such recruiter, or the password is too short.
        """
        record = self.get(recruiter_id)
        if record is None:
            raise RecruiterError(f"no recruiter {recruiter_id!r}")
        record.password_hash = hash_password(_checked(password))
        self._db.flush()
        return record
