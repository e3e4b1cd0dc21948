"""Turn-taking guards: a longer hold while the candidate thinks, and no answer left uncommitted.

The turn detector already tells most thinking pauses from real ends; ``ThinkingPauseGuard``
covers the rest. When the transcript so far ends in "let me think", "um" or a dangling word, or
is too short to answer the question being asked (a story question answered in a few words), the
minimum endpointing delay is raised for this turn only, and restored once the turn completes;
so it is for the rest of an answer over which the candidate has gone on past two replies.

``OpenTurnGuard`` commits an answer livekit-agents' end-of-turn detection never committed: words
were transcribed, the candidate went quiet, and no turn followed. ``DroppedReplyGuard`` says a
reply again that was dropped for a sound that brought no words (so no turn followed either).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from livekit.agents import AgentSession, llm
from livekit.agents.voice.events import (
    AgentStateChangedEvent,
    ConversationItemAddedEvent,
    UserInputTranscribedEvent,
    UserStateChangedEvent,
)

from agent.interviewer import Interviewer
from agent.not_heard import until_quiet
from agent.stt_whisper import WhisperSTT
from dialogue import sounds_unfinished
from recruiter_config.settings import TurnSettings

__all__ = ["TALKED_OVER", "DroppedReplyGuard", "OpenTurnGuard", "ThinkingPauseGuard"]

# Replies to one answer cut off by the candidate going on, from which the turn is held longer.
TALKED_OVER = 2

logger = logging.getLogger("recruiter.turns")


class ThinkingPauseGuard:
    """Switches the session's endpointing between its normal and its thinking delay."""

    def __init__(
        self,
        session: AgentSession[None],
        turn: TurnSettings,
        too_short: Callable[[str], bool] | None = None,
        talked_over: Callable[[], bool] | None = None,
        stopped: Callable[[], bool] | None = None,
    ) -> None:
        """``too_short(answer so far)`` says the words cannot yet answer the current question;
        ``talked_over()`` that the candidate has gone on over replies to this answer (cut off
        ``TALKED_OVER`` times: they pause briefly and go on, so a short hold keeps replying
        into their answer; seen with a rambling candidate on a loaded machine, a reply begun
        and cut off every 2-3 s for 20 s). ``stopped()`` says the candidate has pressed End:
        the delay is then left as ``agent.closing`` sets it (none, for its own commits)."""
        self._session = session
        self._turn = turn
        self._too_short = too_short
        self._talked_over = talked_over
        self._stopped = stopped
        self._heard: list[str] = []
        self._extended = False
        self.extensions = 0

    def attach(self) -> None:
        """Start following the session's transcripts."""
        self._session.on("user_input_transcribed", self._on_transcript)
        self._session.on("user_state_changed", self._on_state)
        # (A reply dropped for the candidate's speech may play its first frames into it all the
        # same: the interviewer counts that cut-off as the agent starts speaking.)
        self._session.on("agent_state_changed", self._on_state)
        self._session.on("conversation_item_added", self._on_item)

    def _set(self, extended: bool, why: str) -> None:
        if extended == self._extended or (self._stopped is not None and self._stopped()):
            return
        self._extended = extended
        self.extensions += extended
        delay = self._turn.thinking_delay_s if extended else self._turn.min_delay_s
        logger.info("endpointing min delay %.1f s (%s)", delay, why)  # no words: personal data
        self._session.update_options(
            endpointing_opts={"min_delay": delay, "max_delay": max(delay, self._turn.max_delay_s)}
        )

    def _on_transcript(self, event: UserInputTranscribedEvent) -> None:
        if not event.is_final:
            return
        self._heard.append(event.transcript)
        heard = " ".join(self._heard)
        if sounds_unfinished(heard):
            self._set(True, "the words so far sound unfinished")
        elif self._too_short is not None and self._too_short(heard):
            self._set(True, "the words so far are too short an answer")
        elif self._held_over():
            self._set(True, "the candidate went on over replies")
        else:
            self._set(False, "the words so far could end the answer")

    def _held_over(self) -> bool:
        return self._talked_over is not None and self._talked_over()

    def _on_state(self, event: UserStateChangedEvent | AgentStateChangedEvent) -> None:
        # The candidate speaks over a reply: once that makes TALKED_OVER cut-offs, this speech
        # is held at once, not from its transcript (on a loaded machine that came after the
        # short hold had already ended the turn, and a third reply was cut off). Checked after
        # the other handlers of this event, the interviewer's count among them.
        if event.new_state == "speaking" and self._talked_over is not None:
            asyncio.get_running_loop().call_soon(self._hold_if_talked_over)

    def _hold_if_talked_over(self) -> None:
        if self._held_over():
            self._set(True, "the candidate went on over replies")

    def _on_item(self, event: ConversationItemAddedEvent) -> None:
        if isinstance(event.item, llm.ChatMessage) and event.item.role == "user":
            self._heard.clear()
            # An answer gone on over replies stays held.
            held = self._held_over()
            self._set(held, "the candidate went on over replies" if held else "a turn ended")


class OpenTurnGuard:
    """Commits a transcribed answer that no end of turn followed (``session.commit_user_turn``).

    livekit-agents commits a turn once its VAD has seen the speech end and its endpointing delay
    (at most ``thinking_delay_s``) has passed. Should that never happen (seen only on a slow CI
    machine, cause unknown), the candidate's words would wait unstored and unanswered for ever.
    Once a final transcript with words is in, no speech is going on (as the STT's VAD, which cut
    the transcribed segments, hears it), the recruiter is listening and ``wait_s`` seconds have
    passed (``thinking_delay_s`` or ``max_delay_s`` + 4 s: past any endpointing delay) with no
    candidate turn, the turn is committed and a warning logged (durations only: no words).
    """

    def __init__(
        self, session: AgentSession[None], turn: TurnSettings, hearing: Callable[[], bool]
    ) -> None:
        """``hearing()``: speech the STT has begun to take is still going on (its own VAD)."""
        self._session = session
        self._hearing = hearing
        self.wait_s = max(turn.thinking_delay_s, turn.max_delay_s) + 4.0
        self._waiting: asyncio.Task[None] | None = None
        self.commits = 0

    def attach(self) -> None:
        """Start following the session's transcripts and turns."""
        self._session.on("user_input_transcribed", self._on_transcript)
        self._session.on("conversation_item_added", self._on_item)
        self._session.on("close", lambda _event: self._cancel())

    def _on_transcript(self, event: UserInputTranscribedEvent) -> None:
        if event.is_final and event.transcript.strip():
            self._cancel()
            self._waiting = asyncio.create_task(self._wait(), name="open-turn-guard")

    def _on_item(self, event: ConversationItemAddedEvent) -> None:
        if isinstance(event.item, llm.ChatMessage) and event.item.role == "user":
            self._cancel()

    def _cancel(self) -> None:
        if self._waiting is not None and self._waiting is not asyncio.current_task():
            self._waiting.cancel()
        self._waiting = None

    async def _wait(self) -> None:
        loop = asyncio.get_running_loop()
        quiet_since = loop.time()
        while True:
            await asyncio.sleep(0.5)
            session = self._session
            # The STT's VAD decides whether the candidate still speaks: the session's own VAD
            # may be what never saw the speech end.
            if self._hearing() or session.agent_state != "listening":
                quiet_since = loop.time()  # the turn is not over, or a reply is on its way
            elif loop.time() - quiet_since >= self.wait_s:
                break
        logger.warning("no end of turn %.1f s after the candidate's transcribed speech; "
                       "committing the turn", self.wait_s)  # fmt: skip
        self.commits += 1
        with contextlib.suppress(RuntimeError):  # the session has closed
            committed = session.commit_user_turn()
            committed.add_done_callback(_retrieved)


class DroppedReplyGuard:
    """Says again a reply the interviewer dropped or cut off for speech that brought no words.

    When the candidate speaks before the reply to their answer has been heard, the reply being
    prepared is dropped, or the one playing cut off (paused, where the audio output can pause:
    livekit-agents then resumes it if no words come): the answer goes on, and its next turn
    joins it (``Interviewer.dropped`` counts these). A cough, a chair or a door also makes the
    VAD hear speech, and then no words come, so no turn comes and nothing replies: the silence
    watch and ``NotHeardGuard`` hold back while an answer is open, and the candidate waited for
    ever. Once the candidate has been quiet ``settle_s`` seconds, the STT has given out what it
    heard (each wait at most ``wait_s``; past ``limit_s`` seconds of waits on a loaded machine
    it is given up on, and a transcript still to come is a turn of its own), no turn has been
    taken since and no words wait for one, and no speech is playing, queued or paused (a dropped
    reply still winding down is given ``wait_s`` to end, and is no reply), the reply is said again
    (``Interviewer.reply_again``); ``replies`` counts these.
    """

    def __init__(
        self, session: AgentSession[None], interviewer: Interviewer, *,
        settle_s: float = 0.3, wait_s: float = 2.0, limit_s: float = 10.0,
    ) -> None:  # fmt: skip
        self._session = session
        self._interviewer = interviewer
        self._settle_s = settle_s
        self._wait_s = wait_s
        self._limit_s = limit_s
        self._seen = interviewer.dropped
        self._waiting: asyncio.Task[None] | None = None
        self.replies = 0

    def attach(self) -> None:
        """Start following the candidate's speech."""
        self._session.on("user_state_changed", self._on_user_state)
        self._session.on("close", lambda _event: self._cancel())

    def _on_user_state(self, event: UserStateChangedEvent) -> None:
        # Checked after the other handlers of this event, the interviewer's drop among them.
        if event.new_state == "speaking":
            asyncio.get_running_loop().call_soon(self._check)

    def _check(self) -> None:
        if self._interviewer.dropped == self._seen:
            return
        self._seen = self._interviewer.dropped
        self._cancel()
        taken = self._interviewer.turns_taken
        self._waiting = asyncio.create_task(self._after_drop(taken), name="dropped-reply-guard")

    def _cancel(self) -> None:
        if self._waiting is not None and self._waiting is not asyncio.current_task():
            self._waiting.cancel()
        self._waiting = None

    async def _after_drop(self, taken: int) -> None:
        session, interviewer = self._session, self._interviewer
        give_up = time.monotonic() + self._limit_s
        while True:
            await until_quiet(session, self._settle_s)
            stt = session.stt
            out = not isinstance(stt, WhisperSTT) or await stt.heard_out(self._wait_s)
            await asyncio.sleep(0.1)  # its last transcript reaches the session (queue hops)
            if interviewer.turns_taken != taken or interviewer.heard_of_answer:
                return  # words came: their turn joins the answer and is replied to
            if (out and not interviewer.segment_open) or time.monotonic() > give_up:
                break
        winding_down = session.current_speech
        if winding_down is not None and winding_down.interrupted:
            # The dropped reply is still closing its pipeline (its task ends after the cut): no
            # reply on its way. It is given ``wait_s`` to end, so the reply said again follows it.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(winding_down.wait_for_playout(), self._wait_s)
            await asyncio.sleep(0.1)  # the session moves on to its next speech, if any
            if interviewer.turns_taken != taken or interviewer.heard_of_answer:
                return
        speech = session.current_speech  # a dropped one still winding down is no reply
        busy = session.agent_state != "listening" or (speech is not None and not speech.interrupted)
        if busy or not interviewer.answer_open:
            return  # replied to, or a reply on its way, queued or paused (to be resumed)
        if interviewer.reply_again() is not None:
            logger.info("the reply dropped for speech with no words is said again")
            self.replies += 1


def _retrieved(future: asyncio.Future[str]) -> None:
    if not future.cancelled():
        future.exception()  # a failed commit is livekit-agents' to log; never left unretrieved
