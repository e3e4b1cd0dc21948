"""The livekit ``Agent`` that runs the dialogue flow: framework hooks in, spoken actions out.

Each finished candidate turn becomes a ``CandidateAnswered`` event for ``dialogue.step``; the
actions that come back are spoken in order. The LLM is reached only through the ``ChatClient``
seam, for acknowledgements and follow-ups, each within a time budget and validated, with a
scripted line whenever it fails, is late, or says something it must not.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from livekit import rtc
from livekit.agents import Agent, llm, stt
from livekit.agents.voice.agent import ModelSettings
from livekit.agents.voice.events import AgentStateChangedEvent, UserStateChangedEvent

from agent.llm_client import ChatClient, LLMUnavailableError
from agent.perceiver import Perceiver
from dialogue import (
    Acknowledge,
    Action,
    AskFollowUp,
    AskQuestion,
    CandidateAnswered,
    Coach,
    EndInterview,
    Event,
    FollowUpFailed,
    FollowUpReady,
    GiveHint,
    InterviewPlan,
    InterviewState,
    Note,
    RequestFollowUp,
    Say,
    Silence,
    acknowledgement_messages,
    fallback_acknowledgement,
    follow_up_messages,
    start,
    step,
    validate_acknowledgement,
)

__all__ = ["AckPolicy", "Interviewer", "RecruiterUtterance"]

logger = logging.getLogger("recruiter.agent")

_SENTENCE_DONE = (".", "!", "?")


@dataclass(frozen=True)
class AckPolicy:
    """How the LLM is asked for short texts, and how long it may take before the script speaks."""

    timeout_s: float = 4.0
    max_tokens: int = 48
    temperature: float = 0.3
    silence_prompt_s: float = 8.0


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
        chat: ChatClient,
        ack: AckPolicy,
        perceiver: Perceiver | None = None,
    ) -> None:
        super().__init__(instructions=f"You are {plan.persona}, a recruiter in a mock interview.")
        self._plan = plan
        self._chat = chat
        self._ack = ack
        self.perceiver = perceiver or Perceiver()
        self._state = InterviewState(plan=plan)
        # While a reply has not started playing, the flow's step can be taken back: if the
        # candidate goes on speaking, the answer was not finished and both parts are one answer.
        self._before_reply: InterviewState | None = None
        self._answer_parts: list[str] = []
        self._answer_words: list[dict[str, Any]] = []
        self._handled: set[str] = set()
        self._turn_words: list[dict[str, Any]] = []
        self._pending_events: list[dict[str, Any]] = []
        self._t0 = time.time()
        self._silence_task: asyncio.Task[None] | None = None
        self._warm_task: asyncio.Task[None] | None = None
        # Set once the closing line has been heard in full.
        self.ended = asyncio.Event()
        self.end_reason: str | None = None
        # The question being spoken, and the one whose asking the candidate has heard in full.
        self._asking: str | None = None
        self.awaiting_answer_to: str | None = None
        self.utterance = RecruiterUtterance()
        # Told of each practice tip as it is spoken (the room worker shows it on the page).
        self.on_coaching: Callable[[str, str], None] | None = None

    @property
    def state(self) -> InterviewState:
        """The flow's current state."""
        return self._state

    def stop_early(self, reason: str, closing: str) -> None:
        """End the interview now (the candidate asked to stop): say ``closing``, then end."""
        if self.end_reason is not None:
            return
        self.end_reason = reason
        self._asking = None
        self._cancel_silence_watch()
        self.utterance = RecruiterUtterance(events=[{"type": "end", "reason": reason}])
        with contextlib.suppress(RuntimeError):
            self.session.interrupt()
        self.session.say(closing)

    # -- framework hooks -------------------------------------------------------------------

    async def on_enter(self) -> None:
        """Open the interview with the scripted introduction and first question."""
        self._t0 = time.time()
        self.session.on("agent_state_changed", self._on_agent_state)
        self.session.on("user_state_changed", self._on_user_state)
        self._warm_llm()
        self._state, actions = start(self._plan)
        text = await self._perform(actions)
        self.session.say(text)

    async def on_exit(self) -> None:
        """Stop the background tasks this agent owns."""
        for task in (self._silence_task, self._warm_task):
            if task is not None:
                task.cancel()

    async def stt_node(  # type: ignore[override]
        self, audio: AsyncIterable[rtc.AudioFrame], model_settings: ModelSettings
    ) -> AsyncIterator[stt.SpeechEvent]:
        """Pass transcripts through, keeping each segment's word timings for the turn record.

        The candidate's audio passes through the perceiver on its way to the STT.
        """
        heard = self.perceiver.tap(audio)
        async for event in Agent.default.stt_node(self, heard, model_settings):
            if event.type == stt.SpeechEventType.FINAL_TRANSCRIPT and event.alternatives:
                self._collect_words(event.alternatives[0], event.speech_end_time)
            yield event

    async def llm_node(  # type: ignore[override]
        self, chat_ctx: llm.ChatContext, tools: list[llm.Tool], model_settings: ModelSettings
    ) -> AsyncIterator[str]:
        """The reply to the newest candidate turn: the flow's actions, spoken in order."""
        message = next((m for m in reversed(chat_ctx.messages()) if m.role == "user"), None)
        if message is None or message.id in self._handled:
            return
        self._handled.add(message.id)
        text = (message.text_content or "").strip()
        if self._before_reply is None:
            self._before_reply, self._answer_parts, self._answer_words = self._state, [], []
        self._answer_parts.append(text)
        self._answer_words += self._turn_words
        answer = " ".join(p for p in self._answer_parts if p)
        event = CandidateAnswered(
            text=answer,
            at_s=time.time() - self._t0,
            duration_s=self._answer_span(),
            cues=self._cues(answer),
        )
        self._state, actions = step(self._before_reply, event)
        reply = await self._perform(actions)
        if reply:
            yield reply

    # -- helpers ---------------------------------------------------------------------------

    def take_turn_words(self) -> list[dict[str, Any]]:
        """Word timings (wall clock) collected since the last call."""
        words, self._turn_words = self._turn_words, []
        return words

    def _answer_span(self) -> float | None:
        words = self._answer_words or self._turn_words
        return float(words[-1]["end"] - words[0]["start"]) if words else None

    def _cues(self, answer: str) -> tuple[str, ...]:
        """Perception's coaching cues for the whole answer (all its parts), from the cheap pass."""
        words = self._answer_words or self._turn_words
        if not words:
            return ()
        return tuple(c.kind for c in self.perceiver.quick(words, answer).cues)

    def _on_agent_state(self, event: AgentStateChangedEvent) -> None:
        if event.new_state == "speaking":
            # The reply is being heard: the answer it responds to is final.
            self._before_reply, self._answer_parts, self._answer_words = None, [], []
            self._cancel_silence_watch()
        elif event.old_state == "speaking" and event.new_state == "listening":
            self.awaiting_answer_to = self._asking
            if self.end_reason is not None:
                self.ended.set()
            elif self._asking is not None:
                self._start_silence_watch()

    def _on_user_state(self, event: UserStateChangedEvent) -> None:
        if event.new_state != "speaking":
            return
        self._cancel_silence_watch()
        if self._before_reply is not None and self.session.agent_state != "speaking":
            # The candidate goes on before the reply was heard: the answer was not finished.
            # Drop the reply; the next turn is stepped together with this one.
            with contextlib.suppress(RuntimeError):
                self.session.interrupt()

    def _start_silence_watch(self) -> None:
        self._cancel_silence_watch()
        self._silence_task = asyncio.create_task(self._silence_watch(), name="silence-watch")

    def _cancel_silence_watch(self) -> None:
        if self._silence_task is not None and self._silence_task is not asyncio.current_task():
            self._silence_task.cancel()
        self._silence_task = None

    async def _silence_watch(self) -> None:
        """After the recruiter stops, a long silence is an event for the flow."""
        await asyncio.sleep(self._ack.silence_prompt_s)
        if self.session.user_state == "speaking" or self._before_reply is not None:
            return
        self._state, actions = step(self._state, Silence(self._ack.silence_prompt_s))
        text = await self._perform(actions)
        if text:
            self.session.say(text)

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

    def _warm_llm(self) -> None:
        """Send the acknowledgement prompt's fixed prefix once, so the server caches it."""
        messages = acknowledgement_messages(self._plan.persona, "", "")[:-1]
        messages.append({"role": "user", "content": "Hello."})

        async def warm() -> None:
            with contextlib.suppress(LLMUnavailableError, TimeoutError):
                async with asyncio.timeout(self._ack.timeout_s * 3):
                    async for _ in self._chat.stream(messages, max_tokens=1, temperature=0.0):
                        pass

        self._warm_task = asyncio.create_task(warm(), name="warm-llm")

    async def _perform(self, actions: list[Action]) -> str:
        """Carry out actions in order; return the text to speak, recording what produced it."""
        utterance = RecruiterUtterance(events=self._pending_events)
        self._pending_events = []
        parts: list[str] = []
        queue = list(actions)
        while queue:
            action = queue.pop(0)
            if isinstance(action, Acknowledge):
                text, event, ttft = await self._acknowledge(action)
                utterance.events.append(event)
                utterance.llm_ttft_s = ttft
                parts.append(text)
            elif isinstance(action, RequestFollowUp):
                result, ttft = await self._request_follow_up(action)
                utterance.llm_ttft_s = ttft
                self._state, more = step(self._state, result)
                queue = [*more, *queue]
            elif isinstance(action, AskFollowUp):
                parts.append(action.text)
                utterance.question_id = action.question_id
                self._asking = action.question_id
                utterance.events.append(
                    {"type": "follow-up", "question_id": action.question_id, "gap": action.gap,
                     "source": action.source, "fallback_reason": action.fallback_reason}
                )  # fmt: skip
            elif isinstance(action, AskQuestion):
                parts.append(action.text)
                utterance.question_id = action.question_id
                self._asking = action.question_id
                utterance.events.append(
                    {"type": "question", "question_id": action.question_id,
                     "difficulty": action.difficulty, "reason": action.reason}
                )  # fmt: skip
            elif isinstance(action, GiveHint):
                parts.append(action.text)
                utterance.events.append({"type": "hint", "question_id": action.question_id})
            elif isinstance(action, Coach):
                parts.append(action.text)
                utterance.events.append({"type": "coaching-cue", "reason": action.reason})
                if self.on_coaching is not None:
                    self.on_coaching(action.reason, action.text)
            elif isinstance(action, Say):
                parts.append(action.text)
                utterance.events.append({"type": "say", "purpose": action.purpose})
            elif isinstance(action, Note):
                utterance.events.append({"type": action.kind, **action.detail})
            elif isinstance(action, EndInterview):
                utterance.events.append({"type": "end", "reason": action.reason})
                self.end_reason = action.reason
                self._asking = None
        text = " ".join(p.strip() for p in parts if p.strip())
        if text:
            self.utterance = utterance
        else:
            # Nothing said (e.g. the candidate is thinking aloud): keep the events for the next
            # thing the recruiter says.
            self._pending_events = utterance.events
        return text

    async def _llm_text(
        self, messages: list[dict[str, str]], *, stop_at_sentence: bool
    ) -> tuple[str, float | None, str | None]:
        """The LLM's reply within the time budget: (text, time to first token, problem)."""
        started = time.perf_counter()
        ttft: float | None = None
        pieces: list[str] = []
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
                        if stop_at_sentence and "".join(pieces).rstrip().endswith(_SENTENCE_DONE):
                            break
        except TimeoutError:
            return "".join(pieces), ttft, "timeout"
        except LLMUnavailableError:
            return "", ttft, "llm-unavailable"
        return "".join(pieces), ttft, None

    async def _acknowledge(self, action: Acknowledge) -> tuple[str, dict[str, Any], float | None]:
        """Ask the LLM for a short acknowledgement; fall back to a scripted one on any problem."""
        messages = acknowledgement_messages(self._plan.persona, action.question, action.answer)
        reply, ttft, problem = await self._llm_text(messages, stop_at_sentence=True)
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

    async def _request_follow_up(self, action: RequestFollowUp) -> tuple[Event, float | None]:
        """Ask the LLM to phrase a follow-up; the flow validates it or falls back."""
        persona = self._plan.persona
        messages = follow_up_messages(persona, action.gap, action.question, action.answer)
        reply, ttft, problem = await self._llm_text(messages, stop_at_sentence=False)
        if problem:
            logger.info("follow-up fell back to the script (%s)", problem)
            return FollowUpFailed(action.request_id, problem), ttft
        return FollowUpReady(action.request_id, reply), ttft
