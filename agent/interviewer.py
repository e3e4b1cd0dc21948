"""The livekit ``Agent`` that runs the dialogue flow: framework hooks in, spoken actions out.

Each finished candidate turn becomes a ``CandidateAnswered`` event for ``dialogue.step``; the
actions that come back are spoken in order, each as soon as it is known: the flow's scripted
acknowledgement, lead-in or next question never waits on the LLM. The LLM is reached only
through the ``ChatClient`` seam, to phrase follow-ups: asked when the reply starts being
prepared (or, with ``ReplyPolicy.ask_early``, while the candidate is still answering, on each
transcribed segment, for the gap the answer so far leaves), used when it is ready within
``ReplyPolicy.follow_up_wait_s`` and passes validation, else replaced by the script's follow-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable
from typing import Any

from livekit import rtc
from livekit.agents import Agent, llm, stt
from livekit.agents.voice import SpeechHandle
from livekit.agents.voice.agent import ModelSettings
from livekit.agents.voice.events import (
    AgentStateChangedEvent,
    UserInputTranscribedEvent,
    UserStateChangedEvent,
)

from agent.answer_words import AnswerWords
from agent.closing import close_after_last_words
from agent.perceiver import Perceiver
from agent.reply import (
    EarlyFollowUps,
    RecruiterUtterance,
    ReplyPolicy,
    follow_up_result,
    warm_llm,
)
from agent.stt_stream import wall_clock_words
from agent.stt_whisper import WhisperSTT
from agent.tts_piper import PiperTTS, speak_pieces
from dialogue import (
    Acknowledge,
    Action,
    AskFollowUp,
    AskQuestion,
    CandidateAnswered,
    Coach,
    EndInterview,
    Event,
    GiveHint,
    InterviewPlan,
    InterviewState,
    Note,
    Phase,
    RequestFollowUp,
    Say,
    Silence,
    lines_to_prepare,
    silence_wait_s,
    start,
    step,
    too_short_for,
    writing_code,
)
from recruiter_llm.client import ChatClient

__all__ = ["Interviewer", "RecruiterUtterance", "ReplyPolicy"]

logger = logging.getLogger("recruiter.agent")


class Interviewer(Agent):
    """Speaks the flow's actions; each candidate turn is one event for the flow."""

    def __init__(
        self, *, plan: InterviewPlan, chat: ChatClient, policy: ReplyPolicy,
        perceiver: Perceiver | None = None,
    ) -> None:  # fmt: skip
        super().__init__(instructions=f"You are {plan.persona}, a recruiter in a mock interview.")
        self._plan = plan
        self._chat = chat
        self._policy = policy
        self.perceiver = perceiver or Perceiver()
        self._state = InterviewState(plan=plan)
        # While a reply has not started playing, the flow's step can be taken back: if the
        # candidate goes on speaking, the answer was not finished and both parts are one answer.
        self._before_reply: InterviewState | None = None
        self._answer_parts: list[str] = []
        self._handled: set[str] = set()
        self.words = AnswerWords(self.perceiver)  # the open answer's word timings
        self._heard: list[str] = []  # final transcripts of the turn in progress
        self._pending_events: list[dict[str, Any]] = []
        self._t0 = time.time()
        self._silence_task: asyncio.Task[None] | None = None
        self._warm_task: asyncio.Task[None] | None = None
        self._waiting: list[Event] = []  # taken once the open answer is final
        self._took: asyncio.Task[None] | None = None
        self._closing_task: asyncio.Task[None] | None = None
        self._reply: SpeechHandle | None = None  # the speech playing or last played
        self._window: asyncio.TimerHandle | None = None  # end of the reply's barge-in window
        self._went_on: SpeechHandle | None = None  # the reply the candidate went on over
        self.cut_offs = 0  # replies to the open answer the candidate went on over
        self.dropped = 0  # times the candidate spoke before a reply to the open answer was heard
        self._over: SpeechHandle | None = None  # the last reply known to be over
        self.segment_open = False  # speech has begun that the STT has not had in full
        self.away = False  # the candidate's page is out of the room: no silence prompts
        self._early = EarlyFollowUps(chat, policy, plan.persona)  # asked before the turn ended
        # What speaking the reply changed, restored if the reply is dropped before it plays.
        self._before_speaking: tuple[str | None, str | None] = (None, None)
        self.ended = asyncio.Event()  # set once the closing line has been heard in full
        self.end_reason: str | None = None
        # The candidate asked to stop (only the closing is said), with an answer open then.
        self.stopped = self.open_at_stop = False
        # The question being spoken, and the one whose asking the candidate has heard in full.
        self._asking: str | None = None
        self.awaiting_answer_to: str | None = None
        self.utterance = RecruiterUtterance()
        self.on_coaching: Callable[[str, str], None] | None = None  # told of each tip spoken

    @property
    def state(self) -> InterviewState:
        """The flow's current state."""
        return self._state

    @property
    def answer_open(self) -> bool:
        """The candidate's answer was taken as finished but no reply has been heard yet (none
        has played for ``ReplyPolicy.barge_in_window_s`` without the candidate going on): a
        candidate turn that arrives now continues the same answer (one stored turn)."""
        return self._before_reply is not None

    def answer_too_short(self, heard: str) -> bool:
        """The words heard so far in this turn are too few to answer the current question."""
        base = self._before_reply or self._state
        record = base.record()
        if record is None or base.current is None or base.phase is not Phase.QUESTIONS:
            return False
        # What was said before a follow-up counts: a short addition then is a whole reply.
        answer = " ".join([record.answer, *self._answer_parts, heard])
        return too_short_for(base.plan.question(base.current).kind, answer)

    def stop_early(self, reason: str, closing: str) -> None:
        """End the interview now (the candidate asked to stop): say ``closing``, then end."""
        if self.end_reason is not None:
            return
        self.end_reason, self.stopped, self._asking = reason, True, None
        self.open_at_stop = self.answer_open
        self.hold_silence()
        self.utterance = RecruiterUtterance(events=[{"type": "end", "reason": reason}])
        with contextlib.suppress(RuntimeError):
            self.session.interrupt()
        # Said uninterrupted once the words already said are a turn (``agent.closing``).
        closed = close_after_last_words(
            self.session, closing, segment_open=lambda: self.segment_open,
            wait_s=self._policy.closing_wait_s, ended=self.ended,
            unstored=lambda before: any(w.start_s < before for w in self.words.turn),
        )  # fmt: skip
        self._closing_task = asyncio.create_task(closed, name="closing")

    @property
    def turns_taken(self) -> int:
        """Candidate turns replied to (or joined to an answer) so far."""
        return len(self._handled)

    @property
    def heard_of_answer(self) -> bool:
        """Whether any part of the answer in progress has been transcribed."""
        return bool(self._heard)

    # -- framework hooks -------------------------------------------------------------------

    async def on_enter(self) -> None:
        """Open the interview with the scripted introduction and first question."""
        self._t0 = time.time()
        self.session.on("agent_state_changed", self._on_agent_state)
        self.session.on("user_state_changed", self._on_user_state)
        self.session.on("user_input_transcribed", self._on_transcript)
        if isinstance(self.session.tts, PiperTTS):
            self.session.tts.prepare(lines_to_prepare(self._plan))
        self._warm_task = warm_llm(self._chat, self._policy, self._plan)
        opening = await self.opening()  # (a closing said again on a resume: not cut off)
        self.session.say(opening, allow_interruptions=self._state.phase is not Phase.ENDED)

    async def opening(self) -> str:
        """Start the flow: the introduction and the first question, as one text to speak."""
        self._state, actions = start(self._plan)
        return " ".join([text async for text in self._speak(actions, time.monotonic())])

    async def on_exit(self) -> None:
        """Stop the background tasks this agent owns."""
        self.hold_silence()
        self._early.drop()
        for task in filter(None, (self._warm_task, self._closing_task)):
            task.cancel()

    async def stt_node(
        self, audio: AsyncIterable[rtc.AudioFrame], model_settings: ModelSettings
    ) -> AsyncIterator[stt.SpeechEvent]:
        """Pass transcripts through, keeping each segment's word timings for the turn record;
        the candidate's audio passes through the perceiver on its way to the STT."""
        heard = self.perceiver.tap(audio)
        kinds = stt.SpeechEventType
        async for event in Agent.default.stt_node(self, heard, model_settings):
            if event.type in (kinds.START_OF_SPEECH, kinds.END_OF_SPEECH):
                self.segment_open = event.type == kinds.START_OF_SPEECH
            elif event.type == kinds.FINAL_TRANSCRIPT and event.alternatives:
                self.words.turn += wall_clock_words(event.alternatives[0], event.speech_end_time)
            yield event

    async def llm_node(
        self, chat_ctx: llm.ChatContext, tools: list[llm.Tool], model_settings: ModelSettings
    ) -> AsyncIterator[str]:
        """The reply to the newest candidate turn: the flow's actions, each yielded when known."""
        turn_ended = time.monotonic()
        message = next((m for m in reversed(chat_ctx.messages()) if m.role == "user"), None)
        if message is None or message.id in self._handled:
            return
        self._heard = []  # taken as a turn
        if self.stopped:
            return  # after the candidate asked to stop, nothing more is said
        self._handled.add(message.id)
        text = (message.text_content or "").strip()
        if self._before_reply is None:
            self._before_reply, self._answer_parts = self._state, []
            self._before_speaking = (self._asking, self.end_reason)
        else:
            # The reply to the first part was dropped unheard: undo what preparing it changed.
            self._asking, self.end_reason = self._before_speaking
        self._answer_parts.append(text)
        stt_plugin = None
        with contextlib.suppress(RuntimeError):  # tests may drive llm_node with no session
            stt_plugin = self.session.stt
        if isinstance(stt_plugin, WhisperSTT):
            # Words still being heard come as a turn that drops this unsaid reply and joins in.
            await stt_plugin.heard_out(self._policy.transcript_wait_s)
            if self._heard:  # words heard late: their turn, to come, joins this answer unreplied
                return
        async for piece in self._reply_to_answer(turn_ended):
            yield piece

    def reply_again(self) -> SpeechHandle | None:
        """Say the reply to the open answer again: the one prepared was dropped (or cut off) for
        speech that brought no words (``agent.turn_guard.DroppedReplyGuard``). None: no answer
        is open, or the session has closed."""
        if self._before_reply is None or self.stopped or not self._answer_parts:
            return None
        self._asking, self.end_reason = self._before_speaking
        with contextlib.suppress(RuntimeError):  # the session has closed
            return self.session.say(self._reply_to_answer(time.monotonic()))
        return None

    async def _reply_to_answer(self, turn_ended: float) -> AsyncIterator[str]:
        """Step the flow on the open answer (all its parts); yield the reply as it is known."""
        answer = " ".join(p for p in self._answer_parts if p)
        before = self._before_reply or self._state
        event = CandidateAnswered(
            text=answer, at_s=time.time() - self._t0, duration_s=self.words.span_s(),
            cues=self.words.cues(answer, before.current),  # (a follow-up's: the question's)
        )  # fmt: skip
        self._state, actions = step(before, event)
        first = True
        async for piece in self._speak(actions, turn_ended):
            if self.stopped:  # a reply prepared before the candidate asked to stop
                return
            yield piece if first else f" {piece}"
            first = False
        if first and writing_code(self._state):  # thinking aloud, unanswered: final as it is
            self._answered()
        self._early.drop()

    async def tts_node(
        self, text: AsyncIterable[str], model_settings: ModelSettings
    ) -> AsyncIterator[rtc.AudioFrame]:
        """Speak each piece of text as it comes: prepared sentences start playing at once."""
        voice = self.session.tts
        if not isinstance(voice, PiperTTS):
            async for frame in Agent.default.tts_node(self, text, model_settings):
                yield frame
            return

        def lost(sentence: str) -> None:  # stored with the turn it was left out of
            self.utterance.events.append({"type": "not-spoken", "sentence": sentence})

        async for frame in speak_pieces(voice, text, lost):
            yield frame

    # -- helpers ---------------------------------------------------------------------------

    def _on_agent_state(self, event: AgentStateChangedEvent) -> None:
        if event.new_state == "speaking":
            # Heard for the barge-in window (``_window_from``), the reply makes the answer final.
            speech = self.session.current_speech
            resumed, self._reply = speech is self._reply, speech
            self.hold_silence()
            if resumed:
                if speech is not None and not speech.interrupted:  # resumed after a pause
                    if self._went_on is speech:  # a sound, no words: not gone on over after all
                        self.cut_offs = max(0, self.cut_offs - 1)
                    self._went_on = None  # (a reply dropped stays so, should it play again)
                    if self._before_reply is not None:
                        self._window_from(speech)  # its window starts again
            elif self._before_reply is not None:
                if speech is self._went_on:
                    # Dropped for their speech, its first frames played (CI: 0.06 s): gone on over.
                    self.cut_offs += 1
                self._window_from(speech)
        elif event.old_state == "speaking" and event.new_state == "listening" and self._reply:
            # Played out, cut off, or only paused (livekit-agents pauses a reply the candidate
            # speaks over and resumes it if no words come): decided once the reply is over.
            self._reply.add_done_callback(self._reply_over)

    def _window_from(self, reply: SpeechHandle | None) -> None:
        """``reply`` plays (begun or resumed): the answer is final after its barge-in window."""
        if self._window is not None:
            self._window.cancel()
            self._window = None
        if reply is not None:
            loop, window = asyncio.get_running_loop(), self._policy.barge_in_window_s
            self._window = loop.call_later(window, self._answer_final, reply)

    def _reply_over(self, reply: SpeechHandle) -> None:
        """The reply ``reply`` has ended, played out or cut off (by speech, or by a turn of late
        words when the VAD ran behind on a loaded machine: gone on over all the same)."""
        if reply is not self._reply or reply is self._over:
            return
        self._over = reply
        if reply.interrupted and self._heard and self._before_reply is not None:
            self._went_on = reply if not self.stopped else self._went_on
        if self._went_on is reply and reply.interrupted:
            return  # cut off by the rest of the answer (or End): one answer, stepped or closed
        self._went_on = None
        self._answer_final(reply)
        self.awaiting_answer_to = self._asking
        if self.stopped:
            return  # the closing task ends the interview once its closing has been heard
        if self.end_reason is not None:
            self.ended.set()
        elif self._asking is not None and self.session.agent_state != "speaking":
            self._start_silence_watch()

    def _answer_final(self, reply: SpeechHandle | None) -> None:
        """The reply ``reply`` has been heard: the answer it responds to is final."""
        if reply is self._reply and self._went_on is not reply:
            self._answered()

    def _answered(self) -> None:
        """The open answer is final; events that waited for it (``take``) are taken, in order."""
        self._before_reply, self._answer_parts = None, []
        self._window_from(None)  # (final now: a later end of the window is no news)
        self.words.answer_final()
        self.cut_offs, waiting, self._waiting = 0, self._waiting, []
        if waiting:
            self._took = asyncio.create_task(self._take_all(waiting), name="waited-events")

    async def _take_all(self, events: list[Event]) -> None:
        for event in events:
            await self.take(event)

    def _on_user_state(self, event: UserStateChangedEvent) -> None:
        if event.new_state != "speaking":
            return
        self.hold_silence()
        if self._before_reply is None:
            return
        self.dropped += 1  # the reply is dropped, or cut off or paused (``DroppedReplyGuard``)
        speech, speaking = self.session.current_speech, self.session.agent_state == "speaking"
        if not speaking and speech is self._reply and speech and not speech.interrupted:
            return  # paused for an earlier sound (counted below): resumed if no words come
        if not speaking:
            # The candidate goes on before the reply was heard: the answer was not finished.
            # Drop the reply (not the closing, nor the last heard, its end still to come); should
            # some of it play, it was not heard: the answer stays open (``_reply_over``).
            with contextlib.suppress(RuntimeError):
                self.session.interrupt()
            if speech is not None and speech is not self._reply and speech.interrupted:
                self._went_on = speech
        elif self._window is not None and self._window.when() > asyncio.get_running_loop().time():
            if self._went_on is self._reply and self._reply is not None and self._reply.interrupted:
                return  # a dropped reply's first frames, already counted as they played
            self._went_on = self._reply  # livekit-agents pauses or cuts the reply off
            self.cut_offs += 1  # counted now: this speech's transcript holds the turn longer

    def _on_transcript(self, event: UserInputTranscribedEvent) -> None:
        """A segment of the answer was transcribed: ask early for the follow-up it would get."""
        if not event.is_final or not event.transcript.strip():
            return
        self._heard.append(event.transcript.strip())
        if not self._policy.ask_early or self._state.phase is Phase.ENDED:
            return
        answer = " ".join([*self._answer_parts, *self._heard])
        base = self._before_reply or self._state
        _, actions = step(base, CandidateAnswered(text=answer, at_s=time.time() - self._t0))
        request = next((a for a in actions if isinstance(a, RequestFollowUp)), None)
        if request is not None:
            self._early.ask(request, answer)

    def _start_silence_watch(self) -> None:
        self.hold_silence()
        self._silence_task = asyncio.create_task(self._silence_watch(), name="silence-watch")

    def hold_silence(self) -> None:
        """Stop the silence watch (the page left the room: ``away`` keeps it off until back)."""
        if self._silence_task is not None and self._silence_task is not asyncio.current_task():
            self._silence_task.cancel()
        self._silence_task = None

    async def _silence_watch(self) -> None:
        """After the recruiter stops, a long silence is an event for the flow."""
        waited = silence_wait_s(self._state, self._policy.silence_prompt_s)
        await asyncio.sleep(waited)
        if self.session.user_state == "speaking" or self._before_reply is not None or self.away:
            return  # (away: the candidate's page left the room; ``agent.presence``)
        await self.take(Silence(waited))

    async def take(self, event: Event) -> SpeechHandle | None:
        """Step the flow on ``event`` (a silence, a lost answer, a code run); say what it gives.
        While an answer is being replied to, the event waits for it: it came after the words."""
        if self._before_reply is not None:
            self._waiting.append(event)
            return None
        self._state, actions = step(self._state, event)
        text = " ".join([t async for t in self._speak(actions, time.monotonic())])
        with contextlib.suppress(RuntimeError):  # the session has closed
            return self.session.say(text) if text else None
        return None

    def note(self, event: dict[str, Any]) -> None:
        """Store ``event`` with the recruiter's next turn (what happened while no turn was)."""
        self._pending_events.append(event)

    async def _speak(self, actions: list[Action], turn_ended: float) -> AsyncIterator[str]:
        """Carry out actions in order, yielding each text to speak as soon as it is known.

        Args:
            actions: the flow's actions.
            turn_ended: ``time.monotonic()`` when the candidate's turn ended; an LLM follow-up
                is awaited until ``ReplyPolicy.follow_up_wait_s`` after it.
        """
        utterance = RecruiterUtterance(events=self._pending_events)
        self._pending_events = []
        spoke = False
        queue = list(actions)
        while queue:
            action = queue.pop(0)
            text: str | None = None
            if isinstance(action, Acknowledge):
                text, question = action.text, action.question_id
                utterance.events.append({"type": "acknowledgement", "question_id": question,
                                         "source": "script"})  # fmt: skip
            elif isinstance(action, RequestFollowUp):
                early = self._early.take(action)
                result, ttft = await follow_up_result(self._chat, self._policy, self._plan.persona,
                                                      action, early, turn_ended)  # fmt: skip
                utterance.llm_ttft_s = ttft
                self._state, more = step(self._state, result)
                queue = [*more, *queue]
            elif isinstance(action, AskFollowUp):
                text = action.text
                utterance.question_id = self._asking = action.question_id
                utterance.events.append(
                    {"type": "follow-up", "question_id": action.question_id, "gap": action.gap,
                     "source": action.source, "fallback_reason": action.fallback_reason}
                )  # fmt: skip
            elif isinstance(action, AskQuestion):
                text = action.text
                utterance.question_id = self._asking = action.question_id
                utterance.events.append(
                    {"type": "question", "question_id": action.question_id,
                     "difficulty": action.difficulty, "reason": action.reason}
                )  # fmt: skip
            elif isinstance(action, GiveHint):
                text = action.text
                utterance.events.append({"type": "hint", "question_id": action.question_id})
            elif isinstance(action, Coach):
                text = action.text
                figure = self.words.cue_figures.get(action.reason)
                utterance.events.append({"type": "coaching-cue", "reason": action.reason,
                                         "figure": figure})  # fmt: skip
                if self.on_coaching is not None:
                    self.on_coaching(action.reason, action.text)
            elif isinstance(action, Say):
                text = action.text
                utterance.events.append({"type": "say", "purpose": action.purpose})
            elif isinstance(action, Note):
                utterance.events.append({"type": action.kind, **action.detail})
            elif isinstance(action, EndInterview):
                utterance.events.append({"type": "end", "reason": action.reason})
                self.end_reason = action.reason
                self._asking = None
            if text and text.strip():
                if not spoke:
                    # Stored with the recruiter turn once it has been heard.
                    self.utterance, spoke = utterance, True
                yield text.strip()
        if not spoke:
            # Nothing said (the candidate thinks aloud): the events go with the next thing said.
            self._pending_events = utterance.events
