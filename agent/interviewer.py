"""The livekit ``Agent`` that runs the dialogue flow: framework hooks in, spoken actions out."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from livekit import rtc
from livekit.agents import Agent, llm, stt
from livekit.agents.voice.agent import ModelSettings
from livekit.agents.voice.events import AgentStateChangedEvent

from agent.llm_client import ChatClient, LLMUnavailableError
from dialogue import (
    Acknowledge,
    Action,
    AskQuestion,
    CandidateAnswered,
    EndInterview,
    InterviewPlan,
    InterviewState,
    Say,
    acknowledgement_messages,
    fallback_acknowledgement,
    start,
    step,
    validate_acknowledgement,
)

__all__ = ["AckPolicy", "Interviewer", "RecruiterUtterance"]

logger = logging.getLogger("recruiter.agent")

_SENTENCE_DONE = (".", "!", "?")


@dataclass(frozen=True)
class AckPolicy:
    """How the LLM is asked for acknowledgements, and how long it may take."""

    timeout_s: float = 6.0
    max_tokens: int = 48
    temperature: float = 0.3


@dataclass
class RecruiterUtterance:
    """What the recruiter is about to say and why (stored with the recruiter's turn)."""

    question_id: str | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    llm_ttft_s: float | None = None


class Interviewer(Agent):
    """Speaks the flow's actions; each candidate turn is one event for the flow."""

    def __init__(
        self,
        *,
        plan: InterviewPlan,
        persona: str,
        chat: ChatClient,
        ack: AckPolicy,
    ) -> None:
        super().__init__(instructions=f"You are {persona}, a recruiter holding a mock interview.")
        self._plan = plan
        self._persona = persona
        self._chat = chat
        self._ack = ack
        self._state = InterviewState()
        # While a reply has not started playing, the flow's step can be taken back: if the
        # candidate goes on speaking, the answer was not finished and both parts are one answer.
        self._before_reply: InterviewState | None = None
        self._answer_parts: list[str] = []
        self._pending: list[Action] = []
        self._turn_words: list[dict[str, Any]] = []
        # Set once the closing line has been heard in full.
        self.ended = asyncio.Event()
        self.end_reason: str | None = None
        # The question being spoken, and the one whose asking the candidate has heard in full.
        self._asking: str | None = None
        self.awaiting_answer_to: str | None = None
        # What the recruiter is saying now, handed to the journal when the turn is stored.
        self.utterance = RecruiterUtterance()
        self._warm_task: asyncio.Task[None] | None = None

    # -- framework hooks -------------------------------------------------------------------

    async def on_enter(self) -> None:
        """Open the interview with the scripted introduction and first question."""
        self.session.on("agent_state_changed", self._on_agent_state)
        self._warm_llm()
        self._state, actions = start(self._plan)
        text = await self._render(actions)
        self.session.say(text)

    async def stt_node(  # type: ignore[override]
        self, audio: AsyncIterable[rtc.AudioFrame], model_settings: ModelSettings
    ) -> AsyncIterator[stt.SpeechEvent]:
        """Pass transcripts through, keeping each segment's word timings for the turn record."""
        async for event in Agent.default.stt_node(self, audio, model_settings):
            if event.type == stt.SpeechEventType.FINAL_TRANSCRIPT and event.alternatives:
                self._collect_words(event.alternatives[0], event.speech_end_time)
            yield event

    async def on_user_turn_completed(
        self, turn_ctx: llm.ChatContext, new_message: llm.ChatMessage
    ) -> None:
        """Feed the finished candidate turn to the flow; its actions become the reply."""
        text = (new_message.text_content or "").strip()
        if self._before_reply is None:
            self._before_reply, self._answer_parts = self._state, []
        self._answer_parts.append(text)
        answer = " ".join(p for p in self._answer_parts if p)
        self._state, self._pending = step(self._plan, self._before_reply, CandidateAnswered(answer))

    async def llm_node(  # type: ignore[override]
        self, chat_ctx: llm.ChatContext, tools: list[llm.Tool], model_settings: ModelSettings
    ) -> AsyncIterator[str]:
        """The reply: the pending actions, the acknowledgement phrased by the LLM."""
        actions, self._pending = self._pending, []
        yield await self._render(actions)

    # -- helpers ---------------------------------------------------------------------------

    def _on_agent_state(self, event: AgentStateChangedEvent) -> None:
        if event.new_state == "speaking":
            # The reply is being heard: the answer it responds to is final.
            self._before_reply, self._answer_parts = None, []
        elif event.old_state == "speaking" and event.new_state == "listening":
            self.awaiting_answer_to = self._asking
            if self.end_reason is not None:
                self.ended.set()

    def _warm_llm(self) -> None:
        """Send the acknowledgement prompt's fixed prefix once, so the server caches it."""
        messages = acknowledgement_messages(self._persona, "", "")

        async def warm() -> None:
            with contextlib.suppress(LLMUnavailableError, TimeoutError):
                async with asyncio.timeout(self._ack.timeout_s * 3):
                    async for _ in self._chat.stream(messages, max_tokens=1, temperature=0.0):
                        pass

        self._warm_task = asyncio.create_task(warm(), name="warm-llm")

    def take_turn_words(self) -> list[dict[str, Any]]:
        """Word timings (wall clock) collected since the last call."""
        words, self._turn_words = self._turn_words, []
        return words

    def _collect_words(self, data: stt.SpeechData, speech_end_time: float | None) -> None:
        if not data.words:
            return
        # Whisper times words from the start of the VAD segment; anchor the segment's last word
        # on the moment the VAD saw speech end to put the words on the wall clock.
        last_end = float(data.words[-1].end_time or 0.0)
        anchor = (speech_end_time or time.time()) - last_end
        for w in data.words:
            self._turn_words.append(
                {
                    "word": str(w),
                    "start": anchor + float(w.start_time or 0.0),
                    "end": anchor + float(w.end_time or 0.0),
                    "p": round(float(w.confidence or 0.0), 3),
                }
            )

    async def _render(self, actions: list[Action]) -> str:
        """Turn actions into the text to speak, recording what produced it."""
        utterance = RecruiterUtterance()
        parts: list[str] = []
        for action in actions:
            if isinstance(action, Acknowledge):
                text, event, ttft = await self._acknowledge(action)
                utterance.events.append(event)
                utterance.llm_ttft_s = ttft
                parts.append(text)
            elif isinstance(action, AskQuestion):
                parts.append(action.text)
                utterance.question_id = action.question_id
                utterance.events.append({"type": "question", "question_id": action.question_id})
                self._asking = action.question_id
            elif isinstance(action, Say):
                parts.append(action.text)
            elif isinstance(action, EndInterview):
                utterance.events.append({"type": "end", "reason": action.reason})
                self.end_reason = action.reason
                self._asking = None
        self.utterance = utterance
        return " ".join(p.strip() for p in parts if p.strip())

    async def _acknowledge(self, action: Acknowledge) -> tuple[str, dict[str, Any], float | None]:
        """Ask the LLM for a short acknowledgement; fall back to a scripted one on any problem."""
        messages = acknowledgement_messages(self._persona, action.question, action.answer)
        started = time.perf_counter()
        ttft: float | None = None
        pieces: list[str] = []
        problem: str | None = None
        try:
            async with asyncio.timeout(self._ack.timeout_s):
                stream = self._chat.stream(
                    messages,
                    max_tokens=self._ack.max_tokens,
                    temperature=self._ack.temperature,
                    stop=("\n",),
                )
                async with contextlib.aclosing(stream):  # type: ignore[type-var]
                    async for piece in stream:
                        if ttft is None:
                            ttft = time.perf_counter() - started
                        pieces.append(piece)
                        if "".join(pieces).rstrip().endswith(_SENTENCE_DONE):
                            break
        except TimeoutError:
            problem = "timeout"
        except LLMUnavailableError:
            problem = "llm-unavailable"
        reply = "".join(pieces)
        text = None if problem else validate_acknowledgement(reply, action.answer)
        if text is None:
            problem = problem or "rejected"
            logger.info("acknowledgement fell back to the script (%s)", problem)
            text = fallback_acknowledgement(action.ordinal)
        event = {
            "type": "acknowledgement",
            "question_id": action.question_id,
            "source": "fallback" if problem else "llm",
            "fallback_reason": problem,
        }
        return text, event, ttft
