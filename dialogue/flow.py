"""The interview flow as a pure state machine: introduction, the script's questions, closing.

``start(plan)`` opens the interview and ``step(plan, state, event)`` answers each event with the
next state and the actions the voice layer must carry out, in order. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

__all__ = [
    "Acknowledge",
    "Action",
    "AskQuestion",
    "CandidateAnswered",
    "EndInterview",
    "Event",
    "InterviewPlan",
    "InterviewState",
    "Phase",
    "PlannedQuestion",
    "Say",
    "start",
    "step",
]


class Phase(StrEnum):
    """Where the interview is."""

    INTRODUCTION = "introduction"
    QUESTIONS = "questions"
    CLOSING = "closing"
    ENDED = "ended"


@dataclass(frozen=True)
class PlannedQuestion:
    """A question of the role script, as the flow needs it."""

    id: str
    text: str


@dataclass(frozen=True)
class InterviewPlan:
    """What the flow follows: the recruiter's opening, the questions in order, the closing."""

    opening: str
    questions: tuple[PlannedQuestion, ...]
    closing: str


@dataclass(frozen=True)
class InterviewState:
    """The flow's whole state; a new value after every event."""

    phase: Phase = Phase.INTRODUCTION
    next_index: int = 0
    current_question: str | None = None
    answered: tuple[str, ...] = ()


@dataclass(frozen=True)
class CandidateAnswered:
    """The candidate finished a turn (the transcript of the whole turn)."""

    text: str


Event = CandidateAnswered


@dataclass(frozen=True)
class Say:
    """Speak a scripted line."""

    text: str


@dataclass(frozen=True)
class Acknowledge:
    """Briefly acknowledge the answer just given (the LLM phrases it; a scripted line backs it)."""

    question_id: str
    question: str
    answer: str
    ordinal: int


@dataclass(frozen=True)
class AskQuestion:
    """Ask a question of the script, word for word."""

    question_id: str
    text: str


@dataclass(frozen=True)
class EndInterview:
    """The interview is over once what was said before this has been heard."""

    reason: str


Action = Say | Acknowledge | AskQuestion | EndInterview


def _ask(plan: InterviewPlan, state: InterviewState) -> tuple[InterviewState, list[Action]]:
    if state.next_index >= len(plan.questions):
        return replace(state, phase=Phase.ENDED, current_question=None), [
            Say(plan.closing),
            EndInterview("all questions asked"),
        ]
    question = plan.questions[state.next_index]
    new_state = replace(
        state,
        phase=Phase.QUESTIONS,
        next_index=state.next_index + 1,
        current_question=question.id,
    )
    return new_state, [AskQuestion(question.id, question.text)]


def start(plan: InterviewPlan) -> tuple[InterviewState, list[Action]]:
    """Open the interview: the recruiter introduces themselves and asks the first question."""
    state, actions = _ask(plan, InterviewState())
    return state, [Say(plan.opening), *actions]


def step(
    plan: InterviewPlan, state: InterviewState, event: Event
) -> tuple[InterviewState, list[Action]]:
    """Advance the interview by one event.

    Args:
        plan: the questions and lines the interview follows.
        state: the state returned by the previous call (or by ``start``).
        event: what just happened.

    Returns:
        The new state and the actions to carry out, in order.
    """
    if state.phase is Phase.ENDED or state.current_question is None:
        return state, []
    question = next(q for q in plan.questions if q.id == state.current_question)
    answered = (*state.answered, question.id)
    after = replace(state, answered=answered)
    ack = Acknowledge(question.id, question.text, event.text, ordinal=len(answered))
    new_state, actions = _ask(plan, after)
    return new_state, [ack, *actions]
