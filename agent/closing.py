"""End an interview early without losing the candidate's last words.

The closing line is spoken with no interruption allowed (a late part of the last answer must
not cut it off), and livekit-agents neither hears audio nor takes a turn while such speech
plays. So before it starts, whatever the candidate has already said is made a turn and stored:
a segment still open or being transcribed is waited for, and transcripts not yet taken as a
turn are committed with no reply, their stored message awaited.

From End on, only these commits take turns (livekit-agents' manual turn detection). Its own end
of turn, on words transcribed late on a loaded machine, came while the closing played and
dropped the turn with its words ("skipping reply to user input, current speech generation
cannot be interrupted", ``voice/agent_activity.py``): the answer's last sentence was lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from livekit.agents import AgentSession, llm
from livekit.agents.voice.events import ConversationItemAddedEvent

from agent.stt_whisper import WhisperSTT

__all__ = ["close_after_last_words"]

logger = logging.getLogger("recruiter.agent")

# How long a transcript takes to pass from the STT to the session's turn handling (a few
# asyncio queue hops; measured well under 10 ms here, so 0.1 s is ample).
_SETTLE_S = 0.1


async def close_after_last_words(
    session: AgentSession[None],
    closing: str,
    *,
    segment_open: Callable[[], bool],
    wait_s: float,
    unstored: Callable[[float], bool] | None = None,
    ended: asyncio.Event | None = None,
) -> None:
    """Keep the words the candidate has said, then say ``closing`` (not interruptible).

    ``segment_open()`` says a segment of speech has begun that the STT has not yet been given
    in full. ``wait_s`` (seconds) bounds the wait; past it the closing is said anyway.
    ``unstored(t)`` says words said before ``t`` (wall clock) are transcribed and not yet in a
    turn: those that came while the closing played (the wait ran out first) are made a turn
    once it has been heard; words said after it began are not the answer and are left out.
    Returns once the closing has been heard and kept, or at once when the session has closed;
    ``ended`` is set then (or on any failure): the interview is over.
    """
    try:
        try:
            # Transcripts still to come stay in the turn until committed below.
            session.update_options(turn_detection="manual")
            await _keep_last_words(session, segment_open, time.monotonic() + wait_s)
        except Exception:  # the closing is said whatever went wrong
            logger.exception("keeping the last words before the closing failed")
        began = time.time()
        with contextlib.suppress(RuntimeError):  # the session has closed
            await session.say(closing, allow_interruptions=False)
            if unstored is not None:
                stt = session.stt
                if isinstance(stt, WhisperSTT):
                    await stt.wait_idle(wait_s)
                await asyncio.sleep(_SETTLE_S)
                if unstored(began):
                    logger.info("keeping the last words, transcribed while the closing played")
                    await _commit(session, time.monotonic() + wait_s)
    finally:
        if ended is not None:
            ended.set()


async def _keep_last_words(
    session: AgentSession[None],
    segment_open: Callable[[], bool],
    deadline: float,
) -> None:
    stt = session.stt
    if isinstance(stt, WhisperSTT):
        # Words said just before End may still wait for the VAD (behind real time on a loaded
        # machine): once it has judged them, a segment holding them has begun.
        if not await stt.caught_up(deadline - time.monotonic()):
            logger.warning("the closing starts before the last words reached the VAD")
        await asyncio.sleep(_SETTLE_S)  # the segment's start reaches ``segment_open``
    while (session.user_state == "speaking" or segment_open()) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)  # the voice activity detector ends the segment
    if isinstance(stt, WhisperSTT) and not await stt.wait_idle(deadline - time.monotonic()):
        logger.warning("the closing starts before the last words were transcribed")
    await asyncio.sleep(_SETTLE_S)
    await _commit(session, deadline)


async def _commit(session: AgentSession[None], deadline: float) -> None:
    """Commit the transcripts not yet taken as a turn, with no reply; await its stored message
    (until ``deadline``, monotonic seconds). Nothing transcribed: nothing is stored."""
    stored = asyncio.Event()

    def on_item(event: ConversationItemAddedEvent) -> None:
        if isinstance(event.item, llm.ChatMessage) and event.item.role == "user":
            stored.set()

    session.on("conversation_item_added", on_item)
    try:
        # No end-of-turn wait for these words: the candidate has asked to stop.
        session.update_options(endpointing_opts={"min_delay": 0.0, "max_delay": 0.0})
        committed = session.commit_user_turn(transcript_timeout=_SETTLE_S, skip_reply=True)
        await asyncio.wait({committed}, timeout=max(0.5, deadline - time.monotonic()))
        # (cancelled by another commit, or failed: the stored message is still awaited)
        failed = not committed.done() or committed.cancelled() or committed.exception()
        if not failed and not committed.result().strip():
            return  # no words: no turn
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stored.wait(), max(0.5, deadline - time.monotonic()))
        if not stored.is_set():
            logger.warning("the last words were not stored")
    finally:
        session.off("conversation_item_added", on_item)
