"""What goes into the interview flow (events) and what comes out of it (actions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Acknowledge",
    "Action",
    "AnswerNotHeard",
    "AnswerOverTime",
    "AskFollowUp",
    "AskQuestion",
    "CandidateAnswered",
    "Coach",
    "CodeRan",
    "CodingStalled",
    "EndInterview",
    "Event",
    "FollowUpFailed",
    "FollowUpReady",
    "GiveHint",
    "Note",
    "RequestFollowUp",
    "Say",
    "Silence",
]

# -- events --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeRan:
    """The candidate ran the code of a coding question: the visible examples (``submit``
    False) or the hidden tests. ``stopped``: why the run was stopped ("cpu-time", "wall-time",
    "memory", ...), if it was. On a submit, ``growth`` is the fitted exponent of the running
    time (time ~ n^growth; None when not measured) and ``expected_growth`` and ``complexity``
    ("O(n)") what the problem expects; ``loop_depth``, ``loops``, ``sorts``, ``sort_in_loop``
    and ``hashes`` what the code submitted does (``recruiter_coding.shape``; ``loop_depth``
    None when it was not read).
    ``at_s``: seconds from the start of the interview."""

    question_id: str
    submit: bool
    passed: int
    total: int
    at_s: float = 0.0
    stopped: str | None = None
    growth: float | None = None
    expected_growth: float | None = None
    complexity: str = ""
    # On a submit: the edges (as the problem names them) of the hidden tests it failed.
    missed_edges: tuple[str, ...] = ()
    loop_depth: int | None = None
    loops: int = 0
    sorts: bool = False
    sort_in_loop: bool = False
    hashes: bool = False


@dataclass(frozen=True)
class CodingStalled:
    """Neither an edit nor a word for ``seconds`` during a coding question."""

    seconds: float


@dataclass(frozen=True)
class CandidateAnswered:
    """The candidate finished a turn: the transcript, when it ended, and perception's cues."""

    text: str
    at_s: float = 0.0
    duration_s: float | None = None
    cues: tuple[str, ...] = ()  # coaching cue kinds perception found, most useful first


@dataclass(frozen=True)
class FollowUpReady:
    """The LLM phrased the follow-up asked for by ``RequestFollowUp``."""

    request_id: int
    text: str


@dataclass(frozen=True)
class FollowUpFailed:
    """The LLM failed, was too slow, or is down."""

    request_id: int
    reason: str


@dataclass(frozen=True)
class Silence:
    """The candidate has said nothing for ``seconds`` since the recruiter stopped."""

    seconds: float


@dataclass(frozen=True)
class AnswerOverTime:
    """The candidate has been speaking past the question's time limit (a natural pause now)."""

    text: str
    seconds: float


@dataclass(frozen=True)
class AnswerNotHeard:
    """The candidate spoke, but no part of what they said could be transcribed (the speech
    recogniser failed on every attempt), so the flow has no answer to step on."""

    seconds: float


Event = (
    CandidateAnswered | FollowUpReady | FollowUpFailed | Silence | AnswerOverTime | AnswerNotHeard
    | CodeRan | CodingStalled
)  # fmt: skip


# -- actions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Say:
    """Speak a scripted line; ``purpose`` says why (stored with the turn)."""

    text: str
    purpose: str = "script"


@dataclass(frozen=True)
class Acknowledge:
    """Briefly acknowledge the answer just given, with a line that fits what it contained."""

    question_id: str
    text: str


@dataclass(frozen=True)
class AskQuestion:
    """Ask a question of the script, word for word."""

    question_id: str
    text: str
    difficulty: int = 2
    reason: str = "script order"


@dataclass(frozen=True)
class RequestFollowUp:
    """Ask the LLM to phrase a follow-up; answer with ``FollowUpReady`` or ``FollowUpFailed``."""

    request_id: int
    question_id: str
    gap: str
    question: str
    answer: str


@dataclass(frozen=True)
class AskFollowUp:
    """Ask a follow-up about ``gap``; ``source`` is "llm" or "fallback"."""

    question_id: str
    gap: str
    text: str
    source: str
    fallback_reason: str | None = None


@dataclass(frozen=True)
class GiveHint:
    """Offer the next hint of a technical question (practice mode)."""

    question_id: str
    text: str


@dataclass(frozen=True)
class Coach:
    """A short coaching cue between questions (practice mode)."""

    text: str
    reason: str


@dataclass(frozen=True)
class Note:
    """Something worth recording with the turn (not spoken)."""

    kind: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EndInterview:
    """The interview is over once what was said before this has been heard."""

    reason: str


Action = (
    Say | Acknowledge | AskQuestion | RequestFollowUp | AskFollowUp | GiveHint | Coach | Note
    | EndInterview
)  # fmt: skip
