"""An answer the recogniser could not transcribe: the recruiter asks for it again.

``WhisperSTT`` reports speech that no attempt could transcribe as a recoverable error event
(``TranscriptionLostError``) and goes on listening. Without a transcript no candidate turn is
committed, so nothing would answer the candidate: this guard hands the loss to the flow as an
``AnswerNotHeard`` event, which asks for the answer again twice and then moves on (a recogniser
that keeps failing must not hold the interview on one question). A loss the flow cannot act on
(part of the answer was heard, or the recruiter was speaking) is stored as a ``speech-lost``
event with the recruiter's next turn, so the record shows every loss.
"""

from __future__ import annotations

import asyncio
import logging

from livekit.agents import AgentSession
from livekit.agents.voice.events import ErrorEvent

from agent.interviewer import Interviewer
from agent.stt_whisper import speech_lost
from dialogue import AnswerNotHeard
from dialogue.lines import LINES

__all__ = ["NOT_HEARD", "NotHeardGuard"]

logger = logging.getLogger("recruiter.agent")

NOT_HEARD = LINES["not-heard"]


class NotHeardGuard:
    """Asks the candidate to repeat an answer whose speech was lost in transcription."""

    def __init__(self, session: AgentSession[None], interviewer: Interviewer) -> None:
        self._session = session
        self._interviewer = interviewer
        self._tasks: set[asyncio.Task[None]] = set()

    def attach(self) -> None:
        """Start following the session's error events."""
        self._session.on("error", self._on_error)

    def _on_error(self, event: ErrorEvent) -> None:
        lost = speech_lost(event)
        if lost is None:
            return
        question = self._interviewer.awaiting_answer_to
        if question is None:
            why = "no question awaited an answer"
        elif self._interviewer.heard_of_answer:
            # Part of the answer was heard: its turn is committed and answered as usual.
            why = "part of the answer was heard"
        elif self._session.agent_state == "speaking":
            why = "the recruiter was speaking"
        else:
            task = asyncio.create_task(
                self._interviewer.take(AnswerNotHeard(lost.seconds)), name="not-heard"
            )
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return
        logger.warning("speech lost in transcription while %s", why)
        self._interviewer.note({"type": "speech-lost", "question_id": question, "while": why,
                                "seconds": round(lost.seconds, 1)})  # fmt: skip
