"""What the interview flow works on: the plan made from a role script and the state it keeps.

Frozen dataclasses only; ``dialogue.flow.step`` makes each new state from the last.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "InterviewPlan",
    "InterviewState",
    "Phase",
    "PlannedQuestion",
    "Progress",
    "QuestionRecord",
]


class Phase(StrEnum):
    """Where the interview is."""

    INTRODUCTION = "introduction"
    QUESTIONS = "questions"
    CANDIDATE_QUESTIONS = "candidate-questions"
    CLOSING = "closing"
    ENDED = "ended"


@dataclass(frozen=True)
class PlannedQuestion:
    """A question of the role script, as the flow needs it."""

    id: str
    text: str
    kind: str = "behavioural"
    difficulty: int = 2
    competencies: tuple[str, ...] = ()
    time_limit_s: int = 180
    probe: tuple[str, ...] = ("result", "measurable-outcome", "own-role")
    max_follow_ups: int = 1
    scripted: dict[str, str] = field(default_factory=dict)
    hints: tuple[str, ...] = ()
    topic: str = ""  # competency names, descriptions and anchors: what the question is after
    problem: str | None = None  # a coding question's problem id
    stall_s: float | None = None  # a coding question's own stall time (None: coding.stall_s)


@dataclass(frozen=True)
class InterviewPlan:
    """What the flow follows, built from a role script."""

    opening: str
    questions: tuple[PlannedQuestion, ...]
    closing: str
    persona: str = "Alex"
    mode: str = "practice"
    order: str = "fixed"
    max_questions: int | None = None
    min_coverage: int = 1
    time_budget_s: float | None = None
    start_difficulty: int = 2
    signals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    negative_signals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rubric_text: str = ""

    def question(self, question_id: str) -> PlannedQuestion:
        """The question with this id."""
        return next(q for q in self.questions if q.id == question_id)


@dataclass(frozen=True)
class QuestionRecord:
    """How one asked question went."""

    question_id: str
    difficulty: int
    answer: str = ""
    follow_ups: int = 0
    probed: tuple[str, ...] = ()
    hints: int = 0
    status: str = "asked"  # asked | answered | skipped | not-answered
    strength: float | None = None
    # A coding question: where it stands ("" while the code is written, then "complexity" and
    # "edge-cases", the questions about the code), the runs and submits, the failing ones in a
    # row, and when (seconds from the start) a submit first passed every hidden test.
    stage: str = ""
    runs: int = 0
    failing_runs: int = 0
    first_pass_s: float | None = None
    edges_missed: tuple[str, ...] = ()  # edges earlier submits failed on, first failed first


@dataclass(frozen=True)
class InterviewState:
    """The flow's whole state; a new value after every event."""

    plan: InterviewPlan
    phase: Phase = Phase.INTRODUCTION
    current: str | None = None
    records: tuple[QuestionRecord, ...] = ()
    asked: tuple[str, ...] = ()  # every question and follow-up spoken, for "never repeat"
    target_difficulty: int = 2
    silence_prompts: int = 0
    not_heard: int = 0  # answers to the current question lost in transcription, in a row
    redirected: bool = False
    pending_request: int | None = None
    requests: int = 0
    turns: int = 0
    elapsed_s: float = 0.0
    last_cues: tuple[str, ...] = ()
    last_cue: str | None = None
    acks: tuple[str, ...] = ()  # acknowledgements spoken, so the next one differs
    # Competencies whose signals an answer to another question already gave (a story told
    # early): their question then asks for a different example instead of the same story.
    told: tuple[str, ...] = ()

    def record(self, question_id: str | None = None) -> QuestionRecord | None:
        """The record of ``question_id`` (default: the current question)."""
        wanted = question_id or self.current
        return next((r for r in self.records if r.question_id == wanted), None)

    def progress(self) -> Progress:
        """Where the interview stands, as the candidate is shown it."""
        plan = self.plan
        total = min(plan.max_questions or len(plan.questions), len(plan.questions))
        left = None
        if plan.time_budget_s is not None:
            left = max(0.0, plan.time_budget_s - self.elapsed_s)
        return Progress(min(len(self.records), total), total, left)


@dataclass(frozen=True)
class Progress:
    """The question being asked (counting from 1; 0 before the first) of how many the plan
    asks at most, and the seconds left of the time budget (None: no budget). The flow may end
    before the last question when time runs short."""

    question: int
    of: int
    time_left_s: float | None
