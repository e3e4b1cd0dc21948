"""The one exception base of ``recruiter_devstack``: a server or child process that failed."""

from __future__ import annotations

__all__ = ["DevStackError"]


class DevStackError(Exception):
    """A server the dev stack runs is missing, exited early or never became ready."""
