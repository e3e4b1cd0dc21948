"""``DroppedReplyGuard`` when the dropped reply is still winding down as it decides.

A reply dropped for a sound with no words ends a little after the cut: its task closes its
pipeline first. Before, the guard took that handle, still the session's current speech, for a
reply on its way and gave up, and the candidate waited for ever. The guard's decision is driven
here through its event, with stand-ins for the two things it reads (the session's speech and
state, the interviewer's answer); ``tests/integration/test_dropped_reply.py`` runs it in a real
session.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from livekit.agents.voice.events import UserStateChangedEvent

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
        self.handlers: dict[str, list[Callable[[Any], None]]] = {}

    def on(self, event: str, handler: Callable[[Any], None]) -> None:
        self.handlers.setdefault(event, []).append(handler)

    def emit(self, event: str, data: Any) -> None:
        for handler in self.handlers.get(event, []):
            handler(data)


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
    """The candidate made a sound (the reply was dropped for it, ``dropped`` counted) and went
    quiet; ``speech`` ends ``wind_down_s`` later (None: not within the test)."""
    session, interviewer = _Session(speech), _Interviewer()
    guard = DroppedReplyGuard(session, interviewer, settle_s=0.05, wait_s=0.5)  # type: ignore[arg-type]
    guard.attach()
    interviewer.dropped += 1  # (the interviewer's handler of the same event)

    async def go() -> None:
        if speech is not None and wind_down_s is not None:

            def ends() -> None:
                speech.over.set()
                session.current_speech = None

            asyncio.get_running_loop().call_later(wind_down_s, ends)
        session.emit("user_state_changed", UserStateChangedEvent(old_state="listening",
                                                                 new_state="speaking"))  # fmt: skip
        await asyncio.sleep(2.0)  # settled, waited, decided

    run(go())
    return interviewer


def test_a_dropped_reply_winding_down_is_waited_for_then_said_again() -> None:
    assert _decide(_Speech(interrupted=True), wind_down_s=0.3).said_again == 1


def test_a_dropped_reply_winding_down_for_longer_is_no_reply_on_its_way() -> None:
    assert _decide(_Speech(interrupted=True), wind_down_s=None).said_again == 1


def test_a_reply_paused_or_playing_is_not_said_again() -> None:
    # Not interrupted: playing, queued or paused (livekit-agents resumes it if no words come).
    assert _decide(_Speech(interrupted=False), wind_down_s=None).said_again == 0


def test_with_no_speech_left_the_reply_is_said_again_at_once() -> None:
    assert _decide(None, wind_down_s=None).said_again == 1
