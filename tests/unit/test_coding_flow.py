"""A coding question in the flow: thinking aloud, runs, submits, the questions about the code,
hints after a stall or failing runs (practice only), and the next problem by how this one went.
"""

from __future__ import annotations

from dataclasses import replace

from dialogue import (
    AnswerOverTime,
    AskQuestion,
    CandidateAnswered,
    CodeRan,
    CodingStalled,
    GiveHint,
    InterviewPlan,
    InterviewState,
    Note,
    Say,
    Silence,
    start,
    step,
    writing_code,
)
from dialogue.coding import CODING_LINES, FAILING_RUNS_FOR_HINT, spoken_complexity
from dialogue.snapshot import state_from_snapshot, state_snapshot
from rubrics import load_role, plan_for

ROLE = load_role("coding-round")


def _plan(mode: str = "practice") -> InterviewPlan:
    return replace(plan_for(ROLE), mode=mode)


def _said(actions: list[object]) -> str:
    return " ".join(a.text for a in actions if isinstance(a, Say | GiveHint))


def _first(mode: str = "practice") -> tuple[InterviewState, str]:
    state, actions = start(_plan(mode))
    asked = next(a for a in actions if isinstance(a, AskQuestion))
    assert state.plan.question(asked.question_id).kind == "coding"
    return state, asked.question_id


def test_the_round_starts_at_a_medium_problem_with_its_hints_from_the_problem() -> None:
    state, current = _first()
    question = state.plan.question(current)
    assert question.difficulty == 2 and question.problem == current
    assert len(question.hints) >= 2 and writing_code(state)


def test_thinking_aloud_is_kept_and_not_talked_over_and_silence_is_not_prompted() -> None:
    state, current = _first()
    state, actions = step(state, CandidateAnswered("So I think a dictionary of prices helps."))
    assert _said(actions) == ""
    assert Note("thinking-aloud", {"question_id": current}) in actions
    state, actions = step(state, CandidateAnswered("Then I look up budget minus the price."))
    assert "budget minus" in state.record().answer and "dictionary" in state.record().answer  # type: ignore[union-attr]
    _, actions = step(state, Silence(8.0))
    assert actions == []


def test_runs_are_answered_briefly_and_a_passing_submit_leads_to_complexity_then_edges() -> None:
    state, current = _first()
    state, actions = step(state, CodeRan(current, submit=False, passed=1, total=2, at_s=60.0))
    assert _said(actions) == "1 of 2 examples pass."
    state, actions = step(state, CodeRan(current, submit=True, passed=4, total=6, at_s=90.0))
    assert _said(actions) == f"4 of 6 hidden tests pass. {CODING_LINES['keep-going']}"
    assert state.record().first_pass_s is None  # type: ignore[union-attr]
    solved = CodeRan(current, submit=True, passed=6, total=6, at_s=150.0, growth=1.04,
                     expected_growth=1.0, complexity="O(n)")  # fmt: skip
    state, actions = step(state, solved)
    said = _said(actions)
    assert said.startswith("All 6 hidden tests pass.")
    assert "grew as O of n would" in said and said.endswith(CODING_LINES["complexity"])
    record = state.record()
    assert record is not None and (record.stage, record.runs, record.first_pass_s) == (
        "complexity", 3, 150.0)  # fmt: skip
    assert not writing_code(state)
    state, actions = step(state, CandidateAnswered("It's linear: one pass with a dictionary."))
    assert _said(actions) == CODING_LINES["edge-cases"]
    state, actions = step(state, CandidateAnswered("An empty list and no pair at all."))
    assert actions[0] == Say(CODING_LINES["done"], "acknowledgement")
    nxt = next(a for a in actions if isinstance(a, AskQuestion))
    assert state.plan.question(nxt.question_id).difficulty == 3  # solved: a harder one next
    assert state.record(current).status == "answered"  # type: ignore[union-attr]


def test_a_slow_solution_is_told_it_grew_faster_than_expected() -> None:
    state, current = _first()
    slow = CodeRan(current, submit=True, passed=6, total=6, at_s=9.0, growth=2.0,
                   expected_growth=1.0, complexity="O(n)")  # fmt: skip
    _, actions = step(state, slow)
    assert "grew faster than O of n" in _said(actions)


def test_a_stopped_run_says_why() -> None:
    state, current = _first()
    _, actions = step(state, CodeRan(current, submit=False, passed=0, total=2, stopped="cpu-time"))
    assert _said(actions) == "Your code was stopped: it ran out of time."


def test_a_stall_or_repeated_failing_runs_get_the_next_hint_in_practice_only() -> None:
    state, current = _first()
    hints = state.plan.question(current).hints
    state, actions = step(state, CodingStalled(120.0))
    assert GiveHint(current, f"Here's a hint: {hints[0]}") in actions
    for _ in range(FAILING_RUNS_FOR_HINT):
        state, actions = step(state, CodeRan(current, submit=False, passed=0, total=2))
    assert GiveHint(current, f"Here's a hint: {hints[1]}") in actions
    assert state.record().hints == 2  # type: ignore[union-attr]
    exam, current = _first("exam")
    _, actions = step(exam, CodingStalled(120.0))
    assert not any(isinstance(a, GiveHint) for a in actions)
    assert _said(actions) == CODING_LINES["stall-exam"]
    _, actions = step(exam, CandidateAnswered("Can I have a hint please?"))
    assert _said(actions) == CODING_LINES["no-hints"]


def test_a_run_of_another_question_is_only_noted_and_skipping_lowers_the_next_problem() -> None:
    state, current = _first()
    same, actions = step(state, CodeRan("merge-bookings", submit=False, passed=2, total=2))
    assert same == state and actions == [Note("stale-code-run", {"question_id": "merge-bookings"})]
    state, actions = step(state, CandidateAnswered("Can we skip this one?"))
    nxt = next(a for a in actions if isinstance(a, AskQuestion))
    assert state.plan.question(nxt.question_id).difficulty == 1
    assert state.record(current).status == "skipped"  # type: ignore[union-attr]


def test_big_o_is_spoken_as_words() -> None:
    assert spoken_complexity("O(n log n)") == "O of n log n"
    assert spoken_complexity("O(n^2)") == "O of n squared"
    assert spoken_complexity("linear") == "linear"


def _solved(mode: str = "practice") -> tuple[InterviewState, str]:
    state, current = _first(mode)
    state, _ = step(state, CodeRan(current, submit=True, passed=6, total=6, at_s=99.0))
    return state, current


def test_after_a_pass_thinking_and_clarifying_are_not_taken_for_the_answer() -> None:
    state, _ = _solved()
    state, actions = step(state, CandidateAnswered("Hmm, let me think."))
    assert _said(actions) == "" and state.record().stage == "complexity"  # type: ignore[union-attr]
    state, actions = step(state, CandidateAnswered("What do you mean by complexity?"))
    assert _said(actions) == CODING_LINES["clarify-complexity"]
    assert state.record().stage == "complexity"  # type: ignore[union-attr]


def test_skipping_after_a_pass_still_counts_the_problem_as_solved() -> None:
    state, current = _solved()
    state, actions = step(state, CandidateAnswered("Can we skip this one?"))
    assert state.record(current).status == "answered"  # type: ignore[union-attr]
    nxt = next(a for a in actions if isinstance(a, AskQuestion))
    assert state.plan.question(nxt.question_id).difficulty == 3


def test_time_running_out_before_a_pass_moves_on_unanswered_to_an_easier_problem() -> None:
    state, current = _first()
    state, actions = step(state, AnswerOverTime("", 1201.0))
    assert _said(actions).startswith(CODING_LINES["time-up"])
    assert state.record(current).status == "not-answered"  # type: ignore[union-attr]
    nxt = next(a for a in actions if isinstance(a, AskQuestion))
    assert state.plan.question(nxt.question_id).difficulty == 1


def test_silence_after_a_pass_moves_on_with_the_problem_solved() -> None:
    state, current = _solved()
    for _ in range(3):
        state, actions = step(state, Silence(8.0))
    assert state.record(current).status == "answered"  # type: ignore[union-attr]
    assert any(isinstance(a, AskQuestion) for a in actions)


def test_the_edge_case_question_names_the_edges_an_earlier_submit_failed_on() -> None:
    state, current = _first()
    missed = ("an empty list of prices", "a single price")
    state, _ = step(state, CodeRan(current, True, 4, 6, 90.0, missed_edges=missed))
    state, _ = step(state, CodeRan(current, True, 5, 6, 120.0, missed_edges=missed[:1]))
    state, _ = step(state, CodeRan(current, True, 6, 6, 150.0))
    state, actions = step(state, CandidateAnswered("It's linear: one pass with a dictionary."))
    asked = _said(actions)
    assert asked.startswith("An earlier submit failed on an empty list of prices and a single")
    state, actions = step(state, CandidateAnswered("Sorry, could you say that again?"))
    assert asked in _said(actions)  # repeated as it was asked
    snapshot = state_from_snapshot(state.plan, state_snapshot(state))
    assert snapshot.record(current) == state.record(current)  # the edges survive a resume


def test_the_complexity_question_names_what_the_submitted_code_does() -> None:
    state, current = _first()
    solved = CodeRan(current, submit=True, passed=6, total=6, at_s=150.0)

    def asked(**shape: object) -> str:
        return _said(step(state, replace(solved, **shape))[1])  # type: ignore[arg-type]

    nested = asked(loop_depth=2, loops=2)
    assert nested.endswith("I see a loop inside a loop in your code. "
                           + CODING_LINES["complexity-of-code"])  # fmt: skip
    assert "a sort and a single loop in your code" in asked(loop_depth=1, loops=1, sorts=True)
    one_pass = asked(loop_depth=1, loops=1, hashes=True)
    assert "a single loop, using a set or a map to look things up" in one_pass
    # Two passes one after the other are not "a single loop"; a sort inside a loop is said so.
    assert "two loops, none inside another" in asked(loop_depth=1, loops=2)
    in_loop = asked(loop_depth=1, loops=1, sorts=True, sort_in_loop=True)
    assert "a single loop, with a sort inside a loop" in in_loop
    assert "three loops nested" in asked(loop_depth=3, loops=3)
    # No loop read (recursion, a library call) or the code not read: the question as it was.
    assert asked(loop_depth=0).endswith(CODING_LINES["complexity"])
    assert asked().endswith(CODING_LINES["complexity"])
