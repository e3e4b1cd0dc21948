"""The one exception base of ``agent``: what the interview edge raises for its own reasons."""

from __future__ import annotations

__all__ = ["AgentError"]


class AgentError(Exception):
    """An interview cannot start or finish (a rehearsal's errors subclass it)."""
