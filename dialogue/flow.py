"""The interview as a pure state machine: ``step(state, event) -> (state, actions)``.

Phases: introduction, questions (each with its follow-ups), the candidate's own questions,
closing. The voice layer turns what happens into events and carries out the actions in order;
an LLM is reached only through the ``RequestFollowUp`` action, whose result comes back as an
event (or is replaced by the script's follow-up). Acknowledgements, lead-ins and questions are
chosen here, so a reply can start before any LLM answers. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import replace

from dialogue.acknowledgement import choose_acknowledgement, choose_lead_in
from dialogue.assessment import Assessment, assess
from dialogue.coding import (
    asked_text,
    coding_question,
    finish_solved,
    on_code_event,
    on_coding_over_time,
    on_coding_turn,
    writing_code,
)
from dialogue.followups import choose_gap, fallback_follow_up, validate_follow_up
from dialogue.intents import Intent, classify
from dialogue.lines import ANOTHER_EXAMPLE, CLARIFY, LINES, choose_cue, lines_to_prepare
from dialogue.messages import (
    Acknowledge,
    Action,
    AnswerNotHeard,
    AnswerOverTime,
    AskFollowUp,
    AskQuestion,
    CandidateAnswered,
    Coach,
    CodeRan,
    CodingStalled,
    EndInterview,
    Event,
    FollowUpFailed,
    FollowUpReady,
    GiveHint,
    Note,
    RequestFollowUp,
    Say,
    Silence,
)
from dialogue.state import InterviewPlan, InterviewState, Phase, PlannedQuestion, QuestionRecord

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
    "InterviewPlan",
    "InterviewState",
    "Note",
    "Phase",
    "PlannedQuestion",
    "QuestionRecord",
    "RequestFollowUp",
    "Say",
    "Silence",
    "lines_to_prepare",
    "start",
    "step",
]

_MAX_TURNS = 80
_OVERHEAD_S = 30


def start(plan: InterviewPlan) -> tuple[InterviewState, list[Action]]:
    """Open the interview: the recruiter introduces themselves and asks the first question."""
    state = InterviewState(plan=plan, target_difficulty=plan.start_difficulty)
    state, actions = _next_question(state, reason="first question")
    return state, [Say(plan.opening, "opening"), *actions]


def step(state: InterviewState, event: Event) -> tuple[InterviewState, list[Action]]:
    """Advance the interview by one event.

    Args:
        state: the state returned by the previous call (or by ``start``).
        event: what just happened.

    Returns:
        The new state and the actions to carry out, in order.
    """
    if state.phase is Phase.ENDED:
        return state, []
    if isinstance(event, CandidateAnswered):
        state = replace(
            state,
            turns=state.turns + 1,
            elapsed_s=max(state.elapsed_s, event.at_s),
            last_cues=event.cues,
        )
        if state.turns >= _MAX_TURNS:
            return _close(state, "turn limit reached", ack=False)
        return _on_turn(state, event)
    if isinstance(event, FollowUpReady | FollowUpFailed):
        return _on_follow_up_result(state, event)
    if isinstance(event, Silence):
        return _on_silence(state)
    if isinstance(event, AnswerOverTime):
        return _on_over_time(state, event)
    if isinstance(event, AnswerNotHeard):
        return _on_not_heard(state, event)
    if isinstance(event, CodeRan | CodingStalled):
        return on_code_event(state, event)
    return state, []


# -- candidate turns -----------------------------------------------------------------------


def _on_turn(
    state: InterviewState, event: CandidateAnswered
) -> tuple[InterviewState, list[Action]]:
    current = state.current
    if current is None:
        return state, []
    state = replace(state, silence_prompts=0, not_heard=0)
    if state.phase is Phase.CANDIDATE_QUESTIONS:
        return _on_candidate_question(state, event)
    question = state.plan.question(current)
    if question.kind == "coding":
        return on_coding_turn(state, event, move_on=_move_on)
    turn = classify(event.text)
    if turn.intent is Intent.THINKING:
        return state, [Note("thinking", {"question_id": question.id})]
    if turn.intent is Intent.REPEAT:
        return state, [Note("repeat"), Say(f"{LINES['repeat']} {_asking(state)}", "repeat")]
    if turn.intent is Intent.CLARIFY:
        return state, [Note("clarify"), Say(CLARIFY[question.kind], "clarification")]
    if turn.intent is Intent.SKIP:
        return _move_on(state, "skipped", [Note("skip"), Say(LINES["skip"], "transition")])
    if turn.intent is Intent.DONT_KNOW:
        return _on_dont_know(state, question)
    notes: list[Action] = []
    text = event.text
    if turn.intent is Intent.MANIPULATION:
        notes = [
            Note("manipulation-attempt", {"question_id": question.id}),
            Say(LINES["refusal"], "refusal"),
        ]
        text = turn.remainder
        if len(text.split()) < 8:
            return state, [*notes, Say(f"{LINES['back']} {_asking(state)}", "repeat")]
    return _on_answer(state, question, text, event, notes)


def _on_answer(
    state: InterviewState, question: PlannedQuestion, text: str, event: CandidateAnswered,
    notes: list[Action],
) -> tuple[InterviewState, list[Action]]:  # fmt: skip
    record = state.record()
    assert record is not None
    answer = f"{record.answer} {text}".strip()
    record = replace(record, answer=answer)
    signals = tuple(s for c in question.competencies for s in state.plan.signals.get(c, ()))
    negatives = tuple(
        s for c in question.competencies for s in state.plan.negative_signals.get(c, ())
    )
    assessment = assess(
        answer, question=question.text, kind=question.kind, signals=signals,
        negative_signals=negatives, topic=question.topic,
    )  # fmt: skip
    notes = [*notes, Note("assessment", assessment.detail())]
    state = replace(_with_record(state, record), told=_told(state, question, answer))
    over_time = event.duration_s is not None and event.duration_s > question.time_limit_s
    if not assessment.present["relevance"] and not state.redirected:
        if not record.follow_ups:
            state = replace(state, redirected=True)
            off = Note("off-topic", {"question_id": question.id})
            return state, [*notes, off, Say(f"{LINES['redirect']} {question.text}", "redirect")]
        # After a follow-up the new words answer it, not the question (a short first answer is
        # never judged: an on-topic one and its follow-up's answer may share no word with it).
        notes.append(Note("off-topic", {"question_id": question.id, "after_follow_up": True}))
    missing = assessment.missing(question.probe)
    gap = choose_gap(missing, record.probed)
    if gap and record.follow_ups < question.max_follow_ups and not over_time:
        request = state.requests + 1
        record = replace(record, follow_ups=record.follow_ups + 1, probed=(*record.probed, gap))
        state = replace(_with_record(state, record), requests=request, pending_request=request)
        return state, [
            *notes,
            Say(choose_lead_in(request - 1), "lead-in"),
            RequestFollowUp(request, question.id, gap, question.text, answer),
        ]
    if over_time:
        notes.append(Note("over-time", {"question_id": question.id}))
    return _finish_question(state, assessment, notes)


def _asking(state: InterviewState) -> str:
    """What the candidate is answering, to say again: the question about the code waiting, the
    follow-up asked (the last text asked once it was), else the question."""
    record = state.record()
    assert state.current is not None
    if record is not None and record.follow_ups and state.pending_request is None and state.asked:
        return state.asked[-1]
    return asked_text(state) or state.plan.question(state.current).text


def _told(state: InterviewState, question: PlannedQuestion, answer: str) -> tuple[str, ...]:
    """``state.told`` plus the other competencies this answer gave two or more signals of."""
    text = answer.lower()
    told = list(state.told)
    for competency, signals in state.plan.signals.items():
        if competency in question.competencies or competency in told:
            continue
        if sum(1 for s in signals if s.lower() in text) >= 2:
            told.append(competency)
    return tuple(told)


def _finish_question(
    state: InterviewState, assessment: Assessment, notes: list[Action]
) -> tuple[InterviewState, list[Action]]:
    record = state.record()
    assert record is not None and state.current is not None
    question = state.plan.question(state.current)
    record = replace(record, status="answered", strength=assessment.strength)
    target = state.target_difficulty
    if assessment.strength >= 0.65:
        target = min(3, target + 1)
    elif assessment.strength <= 0.35:
        target = max(1, target - 1)
    ack = choose_acknowledgement(question.kind, assessment.present, assessment.words, state.acks)
    state = replace(_with_record(state, record), target_difficulty=target, acks=(*state.acks, ack))
    return _advance(state, [*notes, Acknowledge(question.id, ack)])


def _on_dont_know(
    state: InterviewState, question: PlannedQuestion
) -> tuple[InterviewState, list[Action]]:
    record = state.record()
    assert record is not None
    if state.plan.mode == "practice" and record.hints < len(question.hints):
        hint = question.hints[record.hints]
        state = _with_record(state, replace(record, hints=record.hints + 1))
        return state, [
            Note("dont-know"),
            GiveHint(question.id, f"Here's a hint: {hint} Take your time."),
        ]
    return _move_on(
        state,
        "not-answered",
        [Note("dont-know"), Say(LINES["dont-know"], "transition")],
    )


def _on_candidate_question(
    state: InterviewState, event: CandidateAnswered
) -> tuple[InterviewState, list[Action]]:
    record = state.record()
    assert record is not None
    state = _with_record(state, replace(record, answer=event.text, status="answered"))
    asked_something = "?" in event.text or any(
        w in event.text.lower() for w in ("what ", "how ", "when ", "who ", "could you", "can you")
    )
    reply = (
        LINES["their-question"]
        if asked_something and classify(event.text).intent is not Intent.MANIPULATION
        else LINES["alright"]
    )
    return _close(state, "all questions asked", ack=False, before=[Say(reply, "answer")])


# -- LLM results, silence, time ------------------------------------------------------------


def _on_follow_up_result(
    state: InterviewState, event: FollowUpReady | FollowUpFailed
) -> tuple[InterviewState, list[Action]]:
    if event.request_id != state.pending_request or state.current is None:
        return state, [Note("stale-llm-result", {"request_id": event.request_id})]
    record = state.record()
    assert record is not None
    question = state.plan.question(state.current)
    gap = record.probed[-1]
    state = replace(state, pending_request=None)
    reason: str | None
    if isinstance(event, FollowUpReady):
        text = validate_follow_up(
            event.text, gap=gap, asked=state.asked, rubric_text=state.plan.rubric_text
        )
        reason = None if text else "rejected"
    else:
        text, reason = None, event.reason
    source = "llm"
    if text is None:
        text, source = fallback_follow_up(gap, question.scripted), "fallback"
    state = replace(state, asked=(*state.asked, text))
    return state, [AskFollowUp(question.id, gap, text, source, reason)]


def _on_silence(state: InterviewState) -> tuple[InterviewState, list[Action]]:
    coding = coding_question(state)
    if (
        state.current is None
        or state.pending_request is not None
        or (coding and not coding[1].stage)
    ):
        return state, []  # (quiet while writing code is work: a stall is its own event)
    prompts = state.silence_prompts + 1
    state = replace(state, silence_prompts=prompts)
    if prompts == 1:
        return state, [
            Note("silence", {"prompt": 1}),
            Say(LINES["silence"], "silence-prompt"),
        ]
    if prompts == 2:
        return state, [
            Note("silence", {"prompt": 2}),
            Say(f"{LINES['repeat-silence']} {_asking(state)}", "repeat"),
        ]
    moving: list[Action] = [Note("silence", {"prompt": 3}), Say(LINES["move-on"], "transition")]
    if coding is not None and coding[1].stage:  # the code passed; the talk about it did not
        return finish_solved(state, moving, move_on=_move_on)
    return _move_on(state, "not-answered", moving)


# Answers to one question lost in transcription that the recruiter asks for again; the next
# loss moves on (a recogniser that keeps failing would otherwise ask forever).
_NOT_HEARD_ASKS = 2


def _on_not_heard(
    state: InterviewState, event: AnswerNotHeard
) -> tuple[InterviewState, list[Action]]:
    seconds = round(event.seconds, 1)
    if state.current is None or state.pending_request is not None:
        # Nothing to ask again (a follow-up is being phrased): the loss is still recorded.
        return state, [Note("speech-lost", {"question_id": state.current, "seconds": seconds})]
    times = state.not_heard + 1
    state = replace(state, not_heard=times)
    note = Note("not-heard", {"question_id": state.current, "times": times, "seconds": seconds})
    if times <= _NOT_HEARD_ASKS:
        return state, [note, Say(LINES["not-heard"], "not-heard")]
    if state.phase is Phase.CANDIDATE_QUESTIONS:
        record = state.record()
        assert record is not None
        state = _with_record(state, replace(record, status="not-answered"))
        return _close(state, "not heard", ack=False,
                      before=[note, Say(LINES["not-heard-close"], "not-heard")])  # fmt: skip
    return _move_on(state, "not-answered", [note, Say(LINES["not-heard-move-on"], "transition")])


def _on_over_time(
    state: InterviewState, event: AnswerOverTime
) -> tuple[InterviewState, list[Action]]:
    if state.current is None or state.phase is not Phase.QUESTIONS:
        return state, []
    if writing_code(state):
        return on_coding_over_time(state, event.seconds, move_on=_move_on)
    record = state.record()
    assert record is not None
    answer = f"{record.answer} {event.text}".strip()
    state = _with_record(state, replace(record, answer=answer, status="answered"))
    return _advance(
        state,
        [
            Note("over-time", {"question_id": state.current, "seconds": round(event.seconds)}),
            Say(LINES["over-time"], "interjection"),
        ],
    )


# -- moving through the script -------------------------------------------------------------


def _with_record(state: InterviewState, record: QuestionRecord) -> InterviewState:
    records = tuple(record if r.question_id == record.question_id else r for r in state.records)
    return replace(state, records=records)


def _move_on(
    state: InterviewState, status: str, actions: list[Action]
) -> tuple[InterviewState, list[Action]]:
    record = state.record()
    assert record is not None
    return _advance(_with_record(state, replace(record, status=status)), actions)


def _advance(state: InterviewState, actions: list[Action]) -> tuple[InterviewState, list[Action]]:
    cue = choose_cue(state)
    if cue is not None:
        state = replace(state, last_cue=cue.reason)
    state, more = _next_question(state, reason=None)
    if state.phase is Phase.ENDED:
        cue = None  # no tips in the goodbye
    return state, [*actions, *([cue] if cue else []), *more]


def _coverage(state: InterviewState) -> dict[str, int]:
    counts: dict[str, int] = {}
    for record in state.records:
        if record.status == "answered":
            for c in state.plan.question(record.question_id).competencies:
                counts[c] = counts.get(c, 0) + 1
    return counts


def _next_question(
    state: InterviewState, reason: str | None
) -> tuple[InterviewState, list[Action]]:
    plan = state.plan
    asked_ids = {r.question_id for r in state.records}
    main = [q for q in plan.questions if q.kind != "candidate-questions"]
    remaining = [q for q in main if q.id not in asked_ids]
    asked_main = sum(
        1 for r in state.records if plan.question(r.question_id).kind != "candidate-questions"
    )
    limit = plan.max_questions or len(plan.questions)
    closing_questions = [
        q for q in plan.questions if q.kind == "candidate-questions" and q.id not in asked_ids
    ]
    limit_main = limit - (1 if closing_questions and limit < len(plan.questions) else 0)
    if plan.time_budget_s is not None:
        remaining = [
            q
            for q in remaining
            if state.elapsed_s + q.time_limit_s + _OVERHEAD_S <= plan.time_budget_s
        ]
    chosen: PlannedQuestion | None = None
    why = reason or "script order"
    # Once the candidate's own questions have begun, no main question comes after them.
    if remaining and asked_main < limit_main and state.phase is not Phase.CANDIDATE_QUESTIONS:
        if plan.order == "adaptive":
            coverage = _coverage(state)
            needs = [
                q for q in remaining
                if any(coverage.get(c, 0) < plan.min_coverage for c in q.competencies)
            ]  # fmt: skip
            pool = needs or remaining
            chosen = min(
                pool, key=lambda q: (abs(q.difficulty - state.target_difficulty), main.index(q))
            )
            why = reason or (
                f"adaptive: difficulty {chosen.difficulty} for target {state.target_difficulty}"
                + (", covers an uncovered competency" if needs else "")
            )
        else:
            chosen = remaining[0]
    if chosen is not None:
        return _ask(state, chosen, Phase.QUESTIONS, why)
    if closing_questions:
        return _ask(state, closing_questions[0], Phase.CANDIDATE_QUESTIONS, "candidate's questions")
    return _close(state, "all questions asked", ack=False)


def _already_told(state: InterviewState, question: PlannedQuestion) -> bool:
    """An earlier answer already told a story this behavioural question asks for."""
    return question.kind == "behavioural" and bool(set(question.competencies) & set(state.told))


def _ask(
    state: InterviewState, question: PlannedQuestion, phase: Phase, reason: str
) -> tuple[InterviewState, list[Action]]:
    record = QuestionRecord(question.id, question.difficulty)
    text = question.text
    if _already_told(state, question):
        text, reason = f"{ANOTHER_EXAMPLE} {text}", f"{reason}; its story was told earlier"
    state = replace(
        state,
        phase=phase,
        current=question.id,
        records=(*state.records, record),
        asked=(*state.asked, question.text),
        redirected=False,
        silence_prompts=0,
        not_heard=0,
    )
    return state, [AskQuestion(question.id, text, question.difficulty, reason)]


def _close(
    state: InterviewState, reason: str, *, ack: bool, before: list[Action] | None = None
) -> tuple[InterviewState, list[Action]]:
    state = replace(state, phase=Phase.ENDED, current=None, pending_request=None)
    return state, [*(before or []), Say(state.plan.closing, "closing"), EndInterview(reason)]
