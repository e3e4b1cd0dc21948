"""The one exception base of ``recruiter_rehearsal``.

``RehearsalError`` is an ``AgentError``: a rehearsal is an interview run headless, so a caller that
handles the interview edge's errors handles a rehearsal's too.
"""

from __future__ import annotations

from agent.errors import AgentError

__all__ = ["CandidateError", "RehearsalError"]


class RehearsalError(AgentError):
    """The rehearsal could not run or could not finish."""


class CandidateError(RehearsalError):
    """The simulated candidate cannot be set up (unknown persona, bad answers folder)."""
