"""The one exception base of ``storage``: a write the stored data refuses."""

from __future__ import annotations

__all__ = ["StorageError"]


class StorageError(Exception):
    """Stored data refuses a change (an immutable version, an invalid recruiter)."""
