"""How the interviewer replies (``ReplyPolicy``) and what it records of each reply."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["RecruiterUtterance", "ReplyPolicy"]


@dataclass(frozen=True)
class ReplyPolicy:
    """How replies use the LLM, and how long silences may last.

    ``follow_up_wait_s`` counts from the end of the candidate's turn: an LLM follow-up not
    ready by then is replaced by the script's (the lead-in is already playing meanwhile).
    ``llm_limit_s`` bounds any one request, early ones included.
    """

    follow_up_wait_s: float = 1.5
    llm_limit_s: float = 8.0
    max_tokens: int = 48
    temperature: float = 0.3
    silence_prompt_s: float = 8.0
    ask_early: bool = False  # ask the LLM while the candidate is still answering
    transcript_wait_s: float = 2.0  # at most this long for the answer's last segment
    closing_wait_s: float = 5.0  # ended early: at most this long for the last words to be heard


@dataclass
class RecruiterUtterance:
    """What the recruiter is about to say and why (stored with the recruiter's turn)."""

    question_id: str | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    llm_ttft_s: float | None = None
