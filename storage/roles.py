"""Role script versions: immutable, content-addressed, stored byte for byte."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.errors import StorageError
from storage.models import RoleScriptVersion

__all__ = ["RoleRepository", "RoleVersionConflictError", "StoreResult", "content_sha256"]


class RoleVersionConflictError(StorageError):
    """A different content is already stored under the same role id and version."""


def content_sha256(content: str) -> str:
    """The hash that identifies a role script's exact text."""
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class StoreResult:
    """What storing a version did."""

    record: RoleScriptVersion
    created: bool


class RoleRepository:
    """Stored role script versions."""

    def __init__(self, db: Session) -> None:
        self._db = db

    def store(self, *, role_id: str, version: str, title: str, content: str) -> StoreResult:
        """Store a version; storing the identical text again is a no-op.

        Raises:
            RoleVersionConflictError: the id and version exist with a different text.
        """
        digest = content_sha256(content)
        existing = self.get(role_id, version)
        if existing is not None:
            if existing.content_sha256 != digest:
                raise RoleVersionConflictError(
                    f"role '{role_id}' version {version} is already stored with different "
                    f"content (sha256 {existing.content_sha256[:12]}…); versions are immutable, "
                    "so give the changed script a new version"
                )
            return StoreResult(existing, created=False)
        record = RoleScriptVersion(
            role_id=role_id, version=version, title=title, content_sha256=digest, content=content
        )
        self._db.add(record)
        self._db.flush()
        return StoreResult(record, created=True)

    def get(self, role_id: str, version: str) -> RoleScriptVersion | None:
        """One stored version."""
        return self._db.scalar(
            select(RoleScriptVersion).where(
                RoleScriptVersion.role_id == role_id, RoleScriptVersion.version == version
            )
        )

    def versions(self, role_id: str) -> list[RoleScriptVersion]:
        """All stored versions of a role, oldest first."""
        return list(
            self._db.scalars(
                select(RoleScriptVersion)
                .where(RoleScriptVersion.role_id == role_id)
                .order_by(RoleScriptVersion.created_at, RoleScriptVersion.id)
            )
        )

    def latest(self, role_id: str) -> RoleScriptVersion | None:
        """The most recently stored version of a role."""
        versions = self.versions(role_id)
        return versions[-1] if versions else None

    def all_latest(self) -> list[RoleScriptVersion]:
        """The latest stored version of every role, by id."""
        latest: dict[str, RoleScriptVersion] = {}
        for record in self._db.scalars(
            select(RoleScriptVersion).order_by(RoleScriptVersion.created_at, RoleScriptVersion.id)
        ):
            latest[record.role_id] = record
        return [latest[k] for k in sorted(latest)]
