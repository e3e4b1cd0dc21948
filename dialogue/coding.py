"""A coding question in the flow: the candidate writes code, runs it, and talks it through.

While the code is written (``QuestionRecord.stage`` ""), what the candidate says is thinking
aloud: it is kept as the answer and gets no reply, so the recruiter does not talk over the
work. Each run is answered in a sentence (examples passed, or why it was stopped); a submit that
passes every hidden test leads to two questions about the code written: its time complexity,
with what the timing runs measured, then the inputs at the edges. In practice mode a hint comes
after a stall (no edit and no speech for the question's ``stall_s`` or else ``coding.stall_s``,
measured by the voice layer) or after ``FAILING_RUNS_FOR_HINT`` failing runs in a row; an
assessed interview gives none.

The function that moves through the script (``move_on``) is the flow's, passed in, so this
module needs nothing of ``dialogue.flow``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from dialogue.intents import Intent, classify
from dialogue.messages import (
    Action,
    CandidateAnswered,
    CodeRan,
    CodingStalled,
    GiveHint,
    Note,
    Say,
)
from dialogue.state import InterviewState, PlannedQuestion, QuestionRecord

__all__ = [
    "CODING_LINES",
    "FAILING_RUNS_FOR_HINT",
    "MoveOn",
    "asked_text",
    "coding_question",
    "finish_solved",
    "on_code_event",
    "on_coding_over_time",
    "on_coding_turn",
    "spoken_complexity",
    "writing_code",
]

# Failing runs or submits in a row after which practice mode offers the next hint.
FAILING_RUNS_FOR_HINT = 3

CODING_LINES = {
    "complexity": "What's the time complexity of your solution, and why?",
    "complexity-of-code": "What's the time complexity of that, and why?",
    "edge-cases": "And which inputs at the edges did you make sure it handles?",
    "done": "Thanks for walking me through it.",
    "no-hints": "I can't give hints in this round, but talking me through what you're trying "
    "helps me follow your thinking.",
    "stall-exam": "Take your time. Talking me through what you're trying helps me follow.",
    "keep-going": "Keep going, and submit again when you're ready.",
    "time-up": "We're out of time for this problem, so let's stop the code here and move on.",
    "clarify-complexity": "How does the running time of your code grow as the input gets "
    "longer, and what makes it grow that way?",
    "clarify-edge-cases": "I mean unusual inputs: an empty one, a single item, duplicates, or "
    "no answer at all. Which of those does your code handle?",
}

Result = tuple[InterviewState, list[Action]]
# The flow's own step that ends the current question with a status and says ``actions`` first.
MoveOn = Callable[[InterviewState, str, list[Action]], Result]


def coding_question(state: InterviewState) -> tuple[PlannedQuestion, QuestionRecord] | None:
    """The current question and its record when it is a coding question, else None."""
    if state.current is None:
        return None
    question = state.plan.question(state.current)
    record = state.record()
    if question.kind != "coding" or record is None:
        return None
    return question, record


def asked_text(state: InterviewState) -> str | None:
    """What the recruiter last asked about the code (the complexity or the edge cases), to say
    again; None when no such question is waiting."""
    found = coding_question(state)
    return _stage_line(found[1]) if found is not None and found[1].stage else None


def _stage_line(record: QuestionRecord) -> str:
    """The question about the code at ``record``'s stage; the one about edge cases names the
    edges an earlier submit failed on (at most two), when one did."""
    if record.stage != "edge-cases" or not record.edges_missed:
        return CODING_LINES[record.stage]
    named = " and ".join(record.edges_missed[:2])
    return (
        f"An earlier submit failed on {named}. What did you change for that, and which "
        "other inputs at the edges does your code handle?"
    )


def writing_code(state: InterviewState) -> bool:
    """A coding question is being asked and its code is still being written."""
    found = coding_question(state)
    return found is not None and found[1].stage == ""


def spoken_complexity(complexity: str) -> str:
    """Big-O as it is said: "O(n log n)" -> "O of n log n", "O(n^2)" -> "O of n squared"."""
    inner = re.fullmatch(r"\s*O\((.*)\)\s*", complexity)
    if inner is None:
        return complexity
    said = inner.group(1).replace("^2", " squared").replace("^3", " cubed").replace("*", " ")
    return f"O of {' '.join(said.split())}"


def on_coding_turn(state: InterviewState, event: CandidateAnswered, *, move_on: MoveOn) -> Result:
    """What the candidate said during a coding question.

    Requires the current question to be a coding question (``coding_question``).
    """
    found = coding_question(state)
    assert found is not None
    question, record = found
    record = replace(record, answer=f"{record.answer} {event.text}".strip())
    state = _with(state, record)
    intent = classify(event.text).intent
    if intent is Intent.SKIP:
        if record.stage:  # solved, and nothing more to say about it
            return finish_solved(state, [Note("skip")], move_on=move_on)
        state = replace(state, target_difficulty=max(1, question.difficulty - 1))  # easier next
        return move_on(state, "skipped", [Note("skip"), Say("No problem, let's move on.",
                                                            "transition")])  # fmt: skip
    if intent is Intent.REPEAT:
        again = asked_text(state) or question.text
        return state, [Note("repeat"), Say(f"Of course. {again}", "repeat")]
    if record.stage == "":
        if intent is Intent.DONT_KNOW or re.search(r"\bhint\b", event.text, re.IGNORECASE):
            return _hint(state, question, record, "asked")
        # Thinking aloud while writing: kept as the answer, not talked over.
        return state, [Note("thinking-aloud", {"question_id": question.id})]
    if intent is Intent.THINKING:  # "let me think" is not the answer to the question asked
        return state, [Note("thinking", {"question_id": question.id})]
    if intent is Intent.CLARIFY:
        return state, [Note("clarify"), Say(CODING_LINES[f"clarify-{record.stage}"],
                                            "clarification")]  # fmt: skip
    if record.stage == "complexity":
        state = _with(state, replace(record, stage="edge-cases"))
        return state, [Say(_stage_line(replace(record, stage="edge-cases")), "follow-up")]
    return finish_solved(state, [Say(CODING_LINES["done"], "acknowledgement")], move_on=move_on)


def finish_solved(state: InterviewState, actions: list[Action], *, move_on: MoveOn) -> Result:
    """End a coding question whose code passed every hidden test: answered, and the next
    problem a harder one. Requires the current question to be a coding question."""
    found = coding_question(state)
    assert found is not None
    question, record = found
    state = _with(state, replace(record, strength=1.0))
    state = replace(state, target_difficulty=min(3, question.difficulty + 1))
    return move_on(state, "answered", actions)


def on_coding_over_time(state: InterviewState, seconds: float, *, move_on: MoveOn) -> Result:
    """The coding question's time ran out before a submit passed: not answered, an easier
    problem next. Requires the current question to be a coding question."""
    found = coding_question(state)
    assert found is not None
    state = replace(state, target_difficulty=max(1, found[0].difficulty - 1))
    return move_on(state, "not-answered", [
        Note("over-time", {"question_id": found[0].id, "seconds": round(seconds)}),
        Say(CODING_LINES["time-up"], "interjection"),
    ])  # fmt: skip


def on_code_event(state: InterviewState, event: CodeRan | CodingStalled) -> Result:
    """A run, a submit or a stall during a coding question; a run of another question (or
    after the code was submitted) is only noted."""
    found = coding_question(state)
    if isinstance(event, CodingStalled):
        if found is None or found[1].stage != "":
            return state, []
        return _hint(state, *found, "stall")
    if found is None or found[0].id != event.question_id or found[1].stage != "":
        return state, [Note("stale-code-run", {"question_id": event.question_id})]
    question, record = found
    passed_all = event.total > 0 and event.passed == event.total and event.stopped is None
    missed = tuple(e for e in event.missed_edges if e not in record.edges_missed)
    record = replace(
        record,
        edges_missed=record.edges_missed + missed,
        runs=record.runs + 1,
        failing_runs=0 if passed_all else record.failing_runs + 1,
        first_pass_s=(record.first_pass_s if record.first_pass_s is not None or not passed_all
                      or not event.submit else round(event.at_s, 1)),
    )  # fmt: skip
    state = _with(state, record)
    note = Note("code-run", {"question_id": question.id, "submit": event.submit,
                             "passed": event.passed, "total": event.total,
                             "stopped": event.stopped, "growth": event.growth})  # fmt: skip
    said = _result_line(event)
    if event.submit and passed_all:
        state = _with(state, replace(record, stage="complexity"))
        return state, [note, Say(f"{said} {_growth_line(event)}{_complexity_question(event)}",
                                 "follow-up")]  # fmt: skip
    if event.submit:
        said = f"{said} {CODING_LINES['keep-going']}"
    actions: list[Action] = [note, Say(said, "code-result")]
    if record.failing_runs >= FAILING_RUNS_FOR_HINT:
        state, more = _hint(state, question, record, "failing-runs")
        actions += more
    return state, actions


def _result_line(event: CodeRan) -> str:
    what = "hidden tests" if event.submit else "examples"
    if event.stopped is not None:
        why = {"cpu-time": "it ran out of time", "wall-time": "it ran out of time",
               "memory": "it used too much memory", "output": "it printed too much",
               "processes": "it started too many processes"}  # fmt: skip
        return f"Your code was stopped: {why.get(event.stopped, 'it crashed')}."
    if event.passed == event.total:
        return f"All {event.total} {what} pass." if event.total > 2 else f"The {what} pass."
    return f"{event.passed} of {event.total} {what} pass."


_COUNTS = {2: "two", 3: "three", 4: "four", 5: "five"}


def _complexity_question(event: CodeRan) -> str:
    """The question about complexity, naming what the submitted code does when it was read:
    how its loops nest, a sort (inside a loop or not), a set or a map. It names what is there,
    not a verdict: a loop inside a loop may still run in linear time, and saying why is the
    candidate's part."""
    depth = event.loop_depth
    if depth is None:
        return CODING_LINES["complexity"]
    if depth >= 3:
        seen = f"{_COUNTS.get(depth, 'several')} loops nested one inside another"
    elif depth == 2:
        seen = "a loop inside a loop"
    elif depth == 1:
        seen = (
            "a single loop"
            if event.loops <= 1
            else (f"{_COUNTS.get(event.loops, 'several')} loops, none inside another")
        )
    elif event.sorts:
        seen = "a sort"
    else:
        return CODING_LINES["complexity"]  # no loop: recursion or a library call, unnamed
    if depth >= 1 and event.sort_in_loop:
        seen += ", with a sort inside a loop"
    elif depth >= 1 and event.sorts:
        seen = f"a sort and {seen}"
    if depth >= 1 and event.hashes:
        seen += ", using a set or a map to look things up"
    return f"I see {seen} in your code. {CODING_LINES['complexity-of-code']}"


def _growth_line(event: CodeRan) -> str:
    if event.growth is None or event.expected_growth is None or not event.complexity:
        return ""
    expected = spoken_complexity(event.complexity)
    if event.growth <= event.expected_growth + 0.5:
        return f"On larger inputs its running time grew as {expected} would. "
    return f"On larger inputs its running time grew faster than {expected}. "


def _hint(
    state: InterviewState, question: PlannedQuestion, record: QuestionRecord, why: str
) -> Result:
    note = Note("coding-hint-wanted", {"question_id": question.id, "why": why})
    if state.plan.mode != "practice":
        if why == "stall":
            return state, [note, Say(CODING_LINES["stall-exam"], "silence-prompt")]
        if why == "asked":
            return state, [note, Say(CODING_LINES["no-hints"], "refusal")]
        return state, [note]
    if record.hints >= len(question.hints):
        if why == "failing-runs":
            return state, [note]
        return state, [note, Say("I've given you all my hints. Take your time.", "hint")]
    hint = question.hints[record.hints]
    state = _with(state, replace(record, hints=record.hints + 1, failing_runs=0))
    return state, [note, GiveHint(question.id, f"Here's a hint: {hint}")]


def _with(state: InterviewState, record: QuestionRecord) -> InterviewState:
    records = tuple(record if r.question_id == record.question_id else r for r in state.records)
    return replace(state, records=records)
