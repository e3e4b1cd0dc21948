"""What a resumed interview says first (``agent.resume.ResumingInterviewer``), from what was
stored before the process died: a practice tip over the question's stored answers, and the
closing again for a candidate who had pressed End."""

from __future__ import annotations

import asyncio
import dataclasses

from agent.interviewer import Interviewer, ReplyPolicy
from agent.resume import CUT_OFF, END_CLOSING, REPEAT, ResumingInterviewer, Resumption
from dialogue import CandidateAnswered, InterviewState, Phase, start, step
from dialogue.lines import TIPS
from rubrics import load_role, plan_for
from tests.fakes.chat import FakeChat
from tests.unit.test_answer_words import FAST, SHORT, _said

PLAN = dataclasses.replace(plan_for(load_role("demo")), mode="practice")


def _opening(resumption: Resumption) -> tuple[str, ResumingInterviewer]:
    chat = FakeChat(follow_up="Could you tell me what you did next?")
    agent = ResumingInterviewer(resumption, plan=PLAN, chat=chat, policy=ReplyPolicy())
    return asyncio.run(agent.opening()), agent


def _after_first_answer() -> InterviewState:
    """The state stored with the follow-up to a first answer spoken fast (200 words/min)."""
    state, _ = start(PLAN)
    state, _ = step(state, CandidateAnswered(text=FAST, at_s=20.0))
    assert state.current == "motivation"  # a follow-up, not the next question
    return state


def test_a_tip_after_a_resume_reads_the_stored_answers_to_the_question() -> None:
    """The follow-up's answer is too short to measure; the first answer's pace, stored with
    its words before the process died, still gives the tip between questions."""
    answers = ((FAST, tuple(_said(FAST, 3.0, 200))), (SHORT, tuple(_said(SHORT, 30.0, 200))))
    said, agent = _opening(Resumption(
        session_id="s", state=_after_first_answer(), pending_answer=SHORT,
        last_heard="Could you say more?", clock_s=40.0, current_answers=answers,
    ))  # fmt: skip
    assert said.startswith(CUT_OFF) and TIPS["pace-fast"] in said, said
    assert agent.words.cue_figures["pace-fast"] > 160
    assert agent.state.current != "motivation"  # the next question was asked


def test_an_end_pressed_before_the_process_died_ends_with_the_closing() -> None:
    state = dataclasses.replace(_after_first_answer(), phase=Phase.ENDED)
    said, agent = _opening(Resumption(
        session_id="s", state=state, pending_answer=SHORT, last_heard="Could you say more?",
        clock_s=40.0, end_requested="the candidate ended the interview",
    ))  # fmt: skip
    assert said == f"{CUT_OFF} {END_CLOSING}"
    assert agent.end_reason == "the candidate ended the interview"
    assert {"type": "end", "reason": agent.end_reason} in agent.utterance.events


def test_an_end_pressed_before_any_state_was_stored_still_ends_the_interview() -> None:
    """End pressed while the introduction played, the process gone before it was stored: the
    candidate is not taken into a new interview."""
    said, agent = _opening(Resumption(
        session_id="s", state=None, pending_answer=None, last_heard="", clock_s=3.0,
        end_requested="the candidate ended the interview",
    ))  # fmt: skip
    assert said == f"{CUT_OFF} {END_CLOSING}"
    assert agent.state.phase is Phase.ENDED and agent.end_reason is not None


def test_a_process_gone_before_its_first_turn_was_stored_opens_again_as_cut_off() -> None:
    """Killed while the introduction played (it is stored once heard): the candidate may have
    heard part of it, so it comes again after the cut-off line, marked as resumed."""
    said, agent = _opening(Resumption(
        session_id="s", state=None, pending_answer=None, last_heard="", clock_s=0.0,
    ))  # fmt: skip
    fresh = asyncio.run(Interviewer(plan=PLAN, chat=FakeChat(), policy=ReplyPolicy()).opening())
    assert said == f"{CUT_OFF} {fresh}"
    assert agent.utterance.events[0] == {"type": "resumed", "after": "start"}
    assert agent.state.current == PLAN.questions[0].id


def test_a_closing_stored_before_the_process_died_is_said_again_and_marked_so() -> None:
    """Killed after its closing was stored but before the session was stored as ended: the
    closing again after the cut-off line, marked as such, and the interview ends."""
    state = dataclasses.replace(_after_first_answer(), phase=Phase.ENDED)
    closing = "Thank you, that was my last question. Goodbye!"
    said, agent = _opening(Resumption(
        session_id="s", state=state, pending_answer=None, last_heard=closing, clock_s=60.0,
        closing_stored=True,
    ))  # fmt: skip
    assert said == f"{CUT_OFF} {REPEAT} {closing}"
    assert agent.utterance.events == [{"type": "resumed", "after": "closing"}]
    assert agent.end_reason is not None and agent.state.phase is Phase.ENDED
