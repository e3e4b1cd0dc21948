"""``DroppedReplyGuard`` when the dropped reply is still winding down as it decides.

A reply dropped for a sound with no words ends a little after the cut: its task closes its
pipeline first. Before, the guard took that handle, still the session's current speech, for a
reply on its way and gave up, and the candidate waited for ever. The guard's decision is driven
here with stand-ins for the two things it reads (the session's speech and state, the
interviewer's answer); ``tests/integration/test_dropped_reply.py`` runs it in a real session.
"""

from __future__ import annotations

import asyncio
from typing import Any

from agent.turn_guard import DroppedReplyGuard
from tests.conftest import run


class _Speech:
    """What the guard reads of a livekit ``SpeechHandle``: interrupted, and its end."""

    def __init__(self, *, interrupted: bool) -> None:
        self.interrupted = interrupted
        self.over = asyncio.Event()

    async def wait_for_playout(self) -> None:
        await self.over.wait()


class _Session:
    def __init__(self, speech: _Speech | None) -> None:
        self.user_state = "listening"
        self.agent_state = "listening"
        self.current_speech = speech
        self.stt = None  # not Whisper: nothing left for it to give out

    def on(self, *_: Any) -> None: ...


class _Interviewer:
    def __init__(self) -> None:
        self.dropped = 1
        self.turns_taken = 3
        self.heard_of_answer = False
        self.segment_open = False
        self.answer_open = True
        self.said_again = 0

    def reply_again(self) -> object:
        self.said_again += 1
        return object()


def _decide(speech: _Speech | None, wind_down_s: float | None) -> _Interviewer:
    session, interviewer = _Session(speech), _Interviewer()
    guard = DroppedReplyGuard(session, interviewer, settle_s=0.05, wait_s=1.0)  # type: ignore[arg-type]

    async def go() -> None:
        if speech is not None and wind_down_s is not None:

            def ends() -> None:
                speech.over.set()
                session.current_speech = None

            asyncio.get_running_loop().call_later(wind_down_s, ends)
        await guard._after_drop(interviewer.turns_taken)

    run(go())
    return interviewer


def test_a_dropped_reply_winding_down_is_waited_for_then_said_again() -> None:
    assert _decide(_Speech(interrupted=True), wind_down_s=0.4).said_again == 1


def test_a_reply_paused_or_playing_is_not_said_again() -> None:
    # Not interrupted: playing, queued or paused (livekit-agents resumes it if no words come).
    assert _decide(_Speech(interrupted=False), wind_down_s=None).said_again == 0


def test_with_no_speech_left_the_reply_is_said_again_at_once() -> None:
    assert _decide(None, wind_down_s=None).said_again == 1
