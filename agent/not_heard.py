"""An answer the recogniser could not transcribe: the recruiter asks for it again.

``WhisperSTT`` reports speech that no attempt could transcribe as a recoverable error event
(``TranscriptionLostError``) and goes on listening. Without a transcript no candidate turn is
committed, so nothing would answer the candidate: this guard hands the loss to the flow as one
``AnswerNotHeard`` event per answer (the segments lost are added up until the candidate has been
quiet for a moment), and the flow asks for the answer again twice, then moves on (a recogniser
that keeps failing must not hold the interview on one question).

A loss the flow must not act on is stored as a ``speech-lost`` event with the recruiter's next
turn, so the record shows every loss: no question awaited an answer, part of the answer was
heard (its turn is answered as usual), the recruiter was speaking or preparing a reply, it was
already asking for the answer again, or the interview was ending.
"""

from __future__ import annotations

import asyncio
import logging

from livekit.agents import AgentSession
from livekit.agents.voice import SpeechHandle
from livekit.agents.voice.events import ErrorEvent

from agent.interviewer import Interviewer
from agent.stt_whisper import speech_lost
from dialogue import AnswerNotHeard
from dialogue.lines import LINES

__all__ = ["NOT_HEARD", "NotHeardGuard", "until_quiet"]

logger = logging.getLogger("recruiter.agent")

NOT_HEARD = LINES["not-heard"]


async def until_quiet(session: AgentSession[None], settle_s: float) -> None:
    """Return once the user has not been speaking for ``settle_s`` seconds (more of a lost
    utterance may follow it, lost or heard)."""
    while True:
        await asyncio.sleep(settle_s)
        if session.user_state != "speaking":
            return


class NotHeardGuard:
    """Asks the candidate to repeat an answer whose speech was lost in transcription.

    ``settle_s``: seconds of quiet after the last lost segment before the answer counts as
    lost (more of it may follow, lost or heard).
    """

    def __init__(
        self, session: AgentSession[None], interviewer: Interviewer, *, settle_s: float = 1.0
    ) -> None:
        self._session = session
        self._interviewer = interviewer
        self._settle_s = settle_s
        self._lost_s = 0.0  # seconds of the answer in progress lost so far
        self._waiting: asyncio.Task[None] | None = None
        self._asked: SpeechHandle | None = None  # the last "say it again"

    def attach(self) -> None:
        """Start following the session's error events."""
        self._session.on("error", self._on_error)

    def _on_error(self, event: ErrorEvent) -> None:
        lost = speech_lost(event)
        if lost is None:
            return
        why = self._not_to_ask()
        if why is not None:
            self._note(why, lost.seconds)
            return
        self._lost_s += lost.seconds
        if self._waiting is None or self._waiting.done():
            self._waiting = asyncio.create_task(self._after_answer(), name="not-heard")

    async def _after_answer(self) -> None:
        """Once the candidate has been quiet for ``settle_s``, hand the loss to the flow."""
        await until_quiet(self._session, self._settle_s)
        seconds, self._lost_s = self._lost_s, 0.0
        why = self._not_to_ask()
        if why is not None:
            self._note(why, seconds)
            return
        self._asked = await self._interviewer.take(AnswerNotHeard(seconds))

    def _not_to_ask(self) -> str | None:
        """Why the flow must not ask for the answer again now (None: it may)."""
        interviewer = self._interviewer
        if interviewer.end_reason is not None:
            return "the interview was ending"
        if interviewer.awaiting_answer_to is None:
            return "no question awaited an answer"
        if interviewer.heard_of_answer or interviewer.answer_open:
            return "part of the answer was heard"
        if self._session.agent_state in ("speaking", "thinking"):
            return "the recruiter was speaking"
        if self._asked is not None and not self._asked.done():
            return "the recruiter was asking for it again"
        return None

    def _note(self, why: str, seconds: float) -> None:
        logger.warning("speech lost in transcription while %s", why)
        self._interviewer.note({"type": "speech-lost", "question_id":
                                self._interviewer.awaiting_answer_to, "while": why,
                                "seconds": round(seconds, 1)})  # fmt: skip
