"""End an interview early without losing the candidate's last words.

The closing line is spoken with no interruption allowed (a late part of the last answer must
not cut it off), and livekit-agents neither hears audio nor takes a turn while such speech
plays. So before it starts, whatever the candidate has already said is made a turn: a segment
still being transcribed is waited for, and transcripts not yet taken as a turn are committed
(with no reply) so that the journal stores them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from livekit.agents import AgentSession

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
    uncommitted: Callable[[], bool],
    wait_s: float,
) -> None:
    """Keep the words the candidate has said, then say ``closing`` (not interruptible).

    ``uncommitted()`` says whether transcripts have arrived that no turn has taken yet.
    ``wait_s`` (seconds) bounds the wait for a candidate still speaking to pause and for the
    STT to finish; past it the closing is said anyway and a later transcript is lost (logged).
    """
    deadline = time.monotonic() + wait_s
    while session.user_state == "speaking" and time.monotonic() < deadline:
        await asyncio.sleep(0.05)  # the voice activity detector ends the segment
    stt = session.stt
    if isinstance(stt, WhisperSTT):
        left = max(0.0, deadline - time.monotonic())
        if not await stt.wait_idle(left):
            logger.warning("the closing starts before the last words were transcribed")
        await asyncio.sleep(_SETTLE_S)
    if uncommitted():
        with contextlib.suppress(RuntimeError):  # the session already closed: nothing to keep
            await session.commit_user_turn(transcript_timeout=_SETTLE_S, skip_reply=True)
    with contextlib.suppress(RuntimeError):
        session.say(closing, allow_interruptions=False)
