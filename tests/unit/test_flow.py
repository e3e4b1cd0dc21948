"""The interview flow: questions in script order, one acknowledgement per answer, then closing."""

from __future__ import annotations

from dialogue import (
    Acknowledge,
    AskQuestion,
    CandidateAnswered,
    EndInterview,
    InterviewPlan,
    Phase,
    PlannedQuestion,
    Say,
    start,
    step,
)

PLAN = InterviewPlan(
    opening="Hello, I'm Alex.",
    questions=(PlannedQuestion("q1", "First question?"), PlannedQuestion("q2", "Second question?")),
    closing="Thank you, goodbye.",
)


def test_start_introduces_and_asks_the_first_question() -> None:
    state, actions = start(PLAN)
    assert actions == [Say("Hello, I'm Alex."), AskQuestion("q1", "First question?")]
    assert state.phase is Phase.QUESTIONS
    assert state.current_question == "q1"


def test_answers_move_through_the_script_in_order_then_close() -> None:
    state, _ = start(PLAN)
    state, actions = step(PLAN, state, CandidateAnswered("my first answer"))
    assert actions == [
        Acknowledge("q1", "First question?", "my first answer", ordinal=1),
        AskQuestion("q2", "Second question?"),
    ]
    state, actions = step(PLAN, state, CandidateAnswered("my second answer"))
    assert actions == [
        Acknowledge("q2", "Second question?", "my second answer", ordinal=2),
        Say("Thank you, goodbye."),
        EndInterview("all questions asked"),
    ]
    assert state.phase is Phase.ENDED
    assert state.answered == ("q1", "q2")


def test_nothing_happens_after_the_end() -> None:
    state, _ = start(PLAN)
    for text in ("a", "b"):
        state, _ = step(PLAN, state, CandidateAnswered(text))
    assert step(PLAN, state, CandidateAnswered("more")) == (state, [])


def test_retaking_a_step_from_the_earlier_state_merges_an_unfinished_answer() -> None:
    """The adapter re-steps from the state before a reply when the candidate was not finished."""
    before, _ = start(PLAN)
    step(PLAN, before, CandidateAnswered("first part"))
    state, actions = step(PLAN, before, CandidateAnswered("first part second part"))
    assert actions[0] == Acknowledge("q1", "First question?", "first part second part", 1)
    assert state.current_question == "q2"
