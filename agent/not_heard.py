"""An answer the recogniser could not transcribe: the recruiter asks for it again.

``WhisperSTT`` reports speech that no attempt could transcribe as a recoverable error event
(``TranscriptionLostError``) and goes on listening. Without a transcript no candidate turn is
committed, so nothing would answer the candidate: this guard says so and asks again, and the
recruiter turn carries a ``not-heard`` event on the question, so the record shows the loss.
"""

from __future__ import annotations

import logging

from livekit.agents import AgentSession, stt
from livekit.agents.voice.events import ErrorEvent

from agent.interviewer import Interviewer
from agent.reply import RecruiterUtterance
from agent.stt_whisper import TranscriptionLostError

__all__ = ["NOT_HEARD", "NotHeardGuard"]

logger = logging.getLogger("recruiter.agent")

NOT_HEARD = "Sorry, I didn't catch that. Could you say it again?"


class NotHeardGuard:
    """Asks the candidate to repeat an answer whose speech was lost in transcription."""

    def __init__(self, session: AgentSession[None], interviewer: Interviewer) -> None:
        self._session = session
        self._interviewer = interviewer

    def attach(self) -> None:
        """Start following the session's error events."""
        self._session.on("error", self._on_error)

    def _on_error(self, event: ErrorEvent) -> None:
        error = event.error
        if not (
            isinstance(error, stt.STTError) and isinstance(error.error, TranscriptionLostError)
        ):
            return
        question = self._interviewer.awaiting_answer_to
        if question is None:
            logger.warning("speech lost in transcription while no question awaited an answer")
            return
        if self._interviewer.heard_of_answer:
            # Part of the answer was heard: its turn is committed and answered as usual.
            logger.warning("speech lost in transcription; part of the answer was heard")
            return
        if self._session.agent_state == "speaking":
            logger.warning("speech lost in transcription while the recruiter was speaking")
            return
        self._interviewer.utterance = RecruiterUtterance(
            question_id=question, events=[{"type": "not-heard", "question_id": question}]
        )
        self._session.say(NOT_HEARD)
