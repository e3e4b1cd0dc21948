"""The barge-in window of a reply that livekit-agents paused and resumed (a room's output can
pause: a sound the VAD takes for speech pauses the reply, and it resumes when no words come).

The candidate going on within ``ReplyPolicy.barge_in_window_s`` of a reply starting to play
means the answer was not finished; past it, the reply was heard and the answer is final. A
resumed reply starts its window again: before, the window kept running from the first start, so
the answer was taken as final while the resumed reply had barely been heard, and a candidate
going on over it then began a second stored answer.

The interviewer's state handlers are driven with livekit-agents' own events; its session is
stood in for by the two things they read (the current speech and the agent's state), since a
headless session's output cannot pause.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from livekit.agents.voice.events import AgentStateChangedEvent, UserStateChangedEvent

from agent.interviewer import Interviewer, ReplyPolicy
from rubrics import load_role, plan_for
from tests.conftest import run
from tests.fakes.chat import FakeChat

WINDOW_S = 1.0


class _Reply:
    """What the interviewer reads of a livekit ``SpeechHandle``."""

    def __init__(self) -> None:
        self.interrupted = False
        self._done: list[Callable[[_Reply], None]] = []

    def add_done_callback(self, callback: Callable[[_Reply], None]) -> None:
        self._done.append(callback)

    def end(self, *, interrupted: bool) -> None:
        self.interrupted = interrupted
        for callback in self._done:
            callback(self)


class _Session:
    def __init__(self) -> None:
        self.current_speech: _Reply | None = None
        self.agent_state = "listening"

    def interrupt(self) -> None:
        if self.current_speech is not None:
            self.current_speech.interrupted = True


@pytest.fixture
def interviewer(monkeypatch: pytest.MonkeyPatch) -> tuple[Interviewer, _Session]:
    session = _Session()
    monkeypatch.setattr(Interviewer, "session", property(lambda self: session))
    plan = plan_for(load_role("demo"))
    agent = Interviewer(plan=plan, chat=FakeChat(), policy=ReplyPolicy(barge_in_window_s=WINDOW_S))
    agent._before_reply = agent.state  # an answer taken as finished, its reply about to play
    return agent, session


def _agent(agent: Interviewer, session: _Session, old: str, new: str) -> None:
    session.agent_state = new
    agent._on_agent_state(AgentStateChangedEvent(old_state=old, new_state=new))  # type: ignore[arg-type]


def _candidate_speaks(agent: Interviewer) -> None:
    agent._on_user_state(UserStateChangedEvent(old_state="listening", new_state="speaking"))


def test_a_resumed_reply_starts_its_window_again(
    interviewer: tuple[Interviewer, _Session],
) -> None:
    agent, session = interviewer
    reply = session.current_speech = _Reply()

    async def go() -> None:
        _agent(agent, session, "thinking", "speaking")
        await asyncio.sleep(0.1 * WINDOW_S)
        _candidate_speaks(agent)  # a sound: livekit-agents pauses the reply ...
        _agent(agent, session, "speaking", "listening")
        await asyncio.sleep(0.3 * WINDOW_S)
        _agent(agent, session, "listening", "speaking")  # ... and resumes it: no words came
        # Past the end of the first window, not yet of the resumed reply's own.
        await asyncio.sleep(0.7 * WINDOW_S)
        assert agent.answer_open
        _candidate_speaks(agent)  # the candidate goes on over the resumed reply
        _agent(agent, session, "speaking", "listening")
        reply.end(interrupted=True)
        await asyncio.sleep(1.2 * WINDOW_S)  # past every window

    run(go())
    assert agent.answer_open  # one answer still: the next words join it
    # The sound that paused it brought no words: only the going on counts as a cut-off.
    assert agent.cut_offs == 1


def test_a_resumed_reply_heard_for_its_window_makes_the_answer_final(
    interviewer: tuple[Interviewer, _Session],
) -> None:
    agent, session = interviewer
    session.current_speech = _Reply()

    async def go() -> None:
        _agent(agent, session, "thinking", "speaking")
        await asyncio.sleep(0.1 * WINDOW_S)
        _candidate_speaks(agent)
        _agent(agent, session, "speaking", "listening")
        await asyncio.sleep(0.3 * WINDOW_S)
        _agent(agent, session, "listening", "speaking")
        assert agent.cut_offs == 0  # the sound brought no words: no cut-off
        await asyncio.sleep(0.7 * WINDOW_S)
        assert agent.answer_open  # past the first window's end, 0.7 of its own heard
        await asyncio.sleep(0.6 * WINDOW_S)

    run(go())
    assert not agent.answer_open  # heard for its whole window: the reply took the answer
    assert agent.cut_offs == 0  # (reset with the answer made final)


def test_more_sound_while_a_reply_is_paused_does_not_drop_it(
    interviewer: tuple[Interviewer, _Session],
) -> None:
    """While livekit-agents holds a reply paused, the agent is "listening": a second sound then
    is not speech before the reply was heard (which drops it), and the paused reply, resumed
    when no words come, still takes the answer."""
    agent, session = interviewer
    reply = session.current_speech = _Reply()

    async def go() -> None:
        _agent(agent, session, "thinking", "speaking")
        await asyncio.sleep(0.1 * WINDOW_S)
        _candidate_speaks(agent)  # a cough: the reply is paused ...
        _agent(agent, session, "speaking", "listening")
        await asyncio.sleep(0.1 * WINDOW_S)
        _candidate_speaks(agent)  # ... and a second one while it is
        assert not reply.interrupted
        assert agent.cut_offs == 1  # one pause, one count, taken back when it resumes
        await asyncio.sleep(0.2 * WINDOW_S)
        _agent(agent, session, "listening", "speaking")  # no words came: resumed
        assert agent.cut_offs == 0
        await asyncio.sleep(1.2 * WINDOW_S)

    run(go())
    assert not reply.interrupted
    assert not agent.answer_open  # the resumed reply was heard for its window
