"""A complete interview with no microphone and no LiveKit server: the headless rehearsal.

A simulated candidate speaks through ``CandidateMic``: it waits for the recruiter to finish, pauses
like a person, and answers. The recruiter is the real pipeline (VAD, Whisper, the LLM seam, piper)
heard through ``PacedSpeaker``. Turns are stored as they complete; at the end the conversation WAV
and a short report are written.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from livekit.agents import AgentSession, llm
from livekit.agents.voice.events import AgentStateChangedEvent
from sqlalchemy.orm import Session, sessionmaker

from agent.bootstrap import VoiceModels
from agent.headless_io import CandidateMic, ConversationRecorder, PacedSpeaker
from agent.interview import finish_interview, open_interview
from agent.interviewer import Interviewer
from agent.journal import StoredTurn
from agent.resume import Resumption, resumption_for
from perception.frames import Frame, frames_from_file
from recruiter_config.assets import require_asset
from recruiter_config.settings import Settings
from recruiter_llm.client import ChatClient
from recruiter_rehearsal.candidates import (
    DEFAULT_PERSONA,
    VOICED_LEVEL,
    Answer,
    AnswerSource,
    CandidateVoice,
    Utterances,
    WavAnswers,
    answering_persona,
    load_persona,
    persona_for,
)
from recruiter_rehearsal.errors import RehearsalError
from recruiter_rehearsal.result import LatencySample, RehearsalResult
from recruiter_rehearsal.summary import write_summary
from reports.assessment import judge_if_trusted
from reports.files import timed_reports
from reports.session_view import ReportError
from rubrics import RoleScript, RoleSource, resolve_local_role
from storage import SessionRepository, Turn, create_database, session_factory

__all__ = [
    "MORE_ASKS",
    "LatencySample",
    "RehearsalError",
    "RehearsalOptions",
    "RehearsalResult",
    "rehearsal_role",
    "run_rehearsal",
]

logger = logging.getLogger("recruiter.rehearsal")


@dataclass(frozen=True)
class RehearsalOptions:
    """What to rehearse and how the simulated candidate behaves."""

    role: str = "demo"
    persona: str = DEFAULT_PERSONA
    answers_dir: Path | None = None
    answers: dict[str, str | list[str]] | None = None
    webcam: Path | None = None  # a video (or image) played as the candidate's camera
    candidate_id: str | None = None  # whose session this is (for progress and data rights)
    human_pause_s: float = 0.8
    reply_timeout_s: float = 90.0
    max_minutes: float = 30.0
    resume: str | None = None  # a stored session whose process died, to go on with


def rehearsal_role(db: sessionmaker[Session], role: str) -> RoleSource:
    """The role a rehearsal runs (``rubrics.resolve_local_role``: a file path, else the id).

    Raises:
        RoleError: no such file or role, or the script is invalid (with the line and field).
    """
    with db() as s:
        return resolve_local_role(s, role)


def _answer_source(
    role: RoleScript, options: RehearsalOptions, models: VoiceModels
) -> AnswerSource:
    voice = CandidateVoice(models.tts.voice)
    if options.answers_dir is not None:
        return WavAnswers(options.answers_dir, voice, [q.id for q in role.questions])
    if options.answers is not None:
        return load_persona(role.id, options.persona, voice, answers=options.answers)
    return persona_for(role, options.persona, voice)


# Times the recruiter may ask for an answer to one question after the candidate's prepared
# utterances for it are used up (follow-ups, silence prompts, a lost answer asked again): past
# that, the interview is going round in circles and the rehearsal stops with what it stored.
MORE_ASKS = 6


class _CandidateDriver:
    """Speaks after each recruiter turn: the next utterance for the question being discussed."""

    def __init__(
        self, mic: CandidateMic, answers: _Answers, filler: Answer, options: RehearsalOptions,
        answered: Mapping[str, int] | None = None,
    ) -> None:  # fmt: skip
        self._answered = dict(answered or {})  # utterances already said, per question id
        self._mic = mic
        self._answers = answers
        self._filler = filler
        self._options = options
        self._changed = asyncio.Event()
        self._turns_over = 0
        self._session: AgentSession[None] | None = None
        self.speech_starts: list[float] = []  # wall clock of each answer's first voiced sample
        self.speech_ends: list[float] = []

    def listen(self, session: AgentSession[None]) -> None:
        """Count the recruiter's finished turns and wake up on every state change."""
        self._session = session

        def on_state(event: AgentStateChangedEvent) -> None:
            if event.old_state == "speaking" and event.new_state == "listening":
                self._turns_over += 1
            self._changed.set()

        session.on("agent_state_changed", on_state)

    def progress(self) -> str:
        """Where the interview stands, for an error that ends it (no words: personal data)."""
        session = self._session
        state = session.agent_state if session is not None else "not started"
        return (f"{self._turns_over} recruiter turns heard, {len(self.speech_ends)} answers "
                f"spoken, the recruiter {state}")  # fmt: skip

    def speech_end_before(self, wall: float) -> float | None:
        """The end of the last answer heard before ``wall`` (``CandidateMic.speech_end_before``:
        None while an answer was still being said then)."""
        return self._mic.speech_end_before(wall)

    async def _next_turn_over(self, interviewer: Interviewer, seen: int) -> int:
        """Wait for a recruiter turn after the ``seen``-th to end; return the new count."""
        assert self._session is not None, "listen() first"
        while not (self._turns_over > seen and self._session.agent_state == "listening"):
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), self._options.reply_timeout_s)
            except TimeoutError as e:
                raise RehearsalError(
                    f"the recruiter did nothing for {self._options.reply_timeout_s:.0f} s"
                ) from e
        return self._turns_over

    async def run(self, interviewer: Interviewer) -> None:
        """Respond to every recruiter turn until the interviewer has said its closing line."""
        spoken_to = dict(self._answered)
        seen = 0
        while True:
            seen = await self._next_turn_over(interviewer, seen)
            if interviewer.ended.is_set():
                return
            question = interviewer.awaiting_answer_to
            if question is None:
                continue
            index = spoken_to.get(question, 0)
            spoken_to[question] = index + 1
            utterances = self._answers.to(question)
            if index >= len(utterances) + MORE_ASKS:
                raise RehearsalError(f"the recruiter asked about question '{question}' "
                                     f"{index + 1} times: {self.progress()}")  # fmt: skip
            answer = utterances[index] if index < len(utterances) else self._filler
            if answer is None:
                continue  # the persona stays silent this time
            await asyncio.sleep(self._options.human_pause_s)
            seconds = answer.samples.size / self._mic.sample_rate
            try:
                spoken = await asyncio.wait_for(
                    self._mic.speak(answer.samples, voiced_end=answer.voiced_end),
                    timeout=seconds + self._options.reply_timeout_s,
                )
            except TimeoutError as e:
                raise RehearsalError("the voice pipeline stopped listening to the candidate") from e
            voiced = np.flatnonzero(np.abs(answer.samples) > VOICED_LEVEL)
            onset = voiced[0] / self._mic.sample_rate if voiced.size else 0.0
            self.speech_starts.append(spoken.started_at + onset)
            self.speech_ends.append(spoken.speech_ended_at)
            # A recruiter turn begun in a pause of the answer and stopped when it went on is no
            # turn to answer: the candidate waits for the reply to the whole answer (answering
            # it played the next utterance 0.8 s after a recorded lecture's end, over the hold).
            seen = self._turns_over


def _looped_frames(path: Path) -> Iterator[Frame]:
    """The video's frames, played again from the start until the interview ends.

    Raises:
        PerceptionInputError: the file cannot be read (checked now, before the interview).
    """
    first = frames_from_file(path)

    def frames() -> Iterator[Frame]:
        offset, source = 0.0, first
        while True:
            last = 0.0
            for frame in source:
                last = frame.t_s
                yield replace(frame, t_s=offset + frame.t_s)
            offset, source = offset + last + 0.2, frames_from_file(path)

    return frames()


class _Answers:
    """What the candidate says to each question: personas' answers rendered before the
    interview, recordings taken one per question in the order the questions are asked."""

    def __init__(self, role: RoleScript, source: AnswerSource) -> None:
        self._source = source
        self._by_question: dict[str, Utterances] = {}
        if not isinstance(source, WavAnswers):
            for i, q in enumerate(role.questions, start=1):
                self._by_question[q.id] = source.utterances(q.id, i)

    def to(self, question_id: str) -> Utterances:
        """The utterances for ``question_id`` (a recording is assigned on first asking)."""
        if question_id not in self._by_question:
            ordinal = len(self._by_question) + 1
            self._by_question[question_id] = self._source.utterances(question_id, ordinal)
        return self._by_question[question_id]


def _latency(turns: list[Turn]) -> list[LatencySample]:
    """One sample per recruiter reply to an answer, labelled with the question answered."""
    samples: list[LatencySample] = []
    question: str | None = None
    for turn in turns:
        if turn.speaker == "candidate":
            question = turn.question_id
        elif turn.latency_s is not None:
            samples.append(
                LatencySample(
                    question_id=question or "?",
                    end_of_speech_to_first_audio_s=turn.latency_s,
                    endpointing_s=turn.endpointing_s,
                    stt_s=turn.stt_s,
                    llm_ttft_s=turn.llm_ttft_s,
                    tts_ttfa_s=turn.tts_ttfa_s,
                )
            )
    return samples


async def run_rehearsal(
    settings: Settings,
    options: RehearsalOptions,
    *,
    chat: ChatClient,
    models: VoiceModels,
    on_event: Callable[[str], None] | None = None,
) -> RehearsalResult:
    """Run one headless interview end to end and store it.

    Everything that can be checked is checked before the session is stored: the role, the
    candidate's answers and the LLM endpoint. A failure after that marks the stored session
    ``failed`` and keeps its turns.

    Raises:
        RoleError, CandidateError, LLMUnavailableError, RoleVersionConflictError,
            PerceptionInputError: bad input, nothing stored.
        RehearsalError: the interview started but could not finish.
    """
    say = on_event or (lambda _m: None)
    engine = create_database(settings.resolved_database_url)
    db = session_factory(engine)
    resumption: Resumption | None = None
    if options.resume is not None:
        with db() as s:
            source, resumption = resumption_for(s, options.resume, channel="headless")
    else:
        source = rehearsal_role(db, options.role)
    role = source.role
    source_of_answers = _answer_source(role, options, models)
    answers = _Answers(role, source_of_answers)
    for question_id in resumption.answered_in_order if resumption else ():
        answers.to(question_id)  # recordings go on with the next one, not the first again
    filler = source_of_answers.filler()
    webcam = None
    if options.webcam is not None:
        require_asset(settings.models_dir, "face-landmarker")
        webcam = _looped_frames(options.webcam)
    await chat.ping(timeout_s=10.0)

    # The persona stored is the one answering (generic for a role without the one asked for).
    persona = None
    if not options.answers_dir:
        persona = (
            options.persona if options.answers else answering_persona(role.id, options.persona)
        )
    # A resumed session's clock goes on a second after its last stored turn.
    t0 = time.time() - (resumption.clock_s + 1.0 if resumption else 0.0)
    recorder = ConversationRecorder(t0)
    mic, speaker = CandidateMic(recorder), PacedSpeaker(recorder)
    driver = _CandidateDriver(mic, answers, filler, options,
                              answered=resumption.answered if resumption else None)  # fmt: skip
    interview = open_interview(
        settings, source, db=db, chat=chat, models=models, channel="headless",
        persona=persona, speech_end_probe=driver.speech_end_before, t0=t0,
        webcam=webcam, candidate_id=options.candidate_id, resumption=resumption,
    )  # fmt: skip
    session_id, session = interview.session_id, interview.session
    files = settings.sessions_dir / session_id
    audio_path = _audio_path(files)
    asked = min(role.flow.max_questions or len(role.questions), len(role.questions))
    say(
        f"session {session_id}{' resumed' if resumption else ''}: role '{role.id}' "
        f"v{role.version}, up to {asked} of its {len(role.questions)} questions"
    )
    driver.listen(session)
    session.on(
        "conversation_item_added",
        lambda ev: (
            say(f"{ev.item.role} turn stored") if isinstance(ev.item, llm.ChatMessage) else None
        ),
    )
    session.input.audio = mic
    session.output.audio = speaker

    status, reason = "failed", None
    try:
        await session.start(interview.interviewer, record=False)
        await asyncio.wait_for(driver.run(interview.interviewer), timeout=options.max_minutes * 60)
        status, reason = "completed", interview.interviewer.end_reason
    except TimeoutError as e:
        reason = f"the interview exceeded {options.max_minutes:.0f} minutes ({driver.progress()})"
        raise RehearsalError(reason) from e
    except RehearsalError as e:
        reason = str(e)
        raise
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(session.aclose(), timeout=15)
        await interview.aclose()
        mic.close()
        if mic.lost_s:  # the machine was too busy to take the candidate's audio in time
            logger.warning("the candidate's microphone lost %.1f s of audio", mic.lost_s)
        await speaker.aclose()
        duration = recorder.write(audio_path)
        finish_interview(db, session_id, status=status, reason=reason, audio_path=str(audio_path))

    with db() as s:
        stored = SessionRepository(s).turns(session_id)
    # Resumed, the journal has only this process's turns; the stored ones are all of them.
    turns = [_stored(t) for t in stored] if resumption else interview.journal.turns
    result = RehearsalResult(
        session_id=session_id, role=role, persona=persona,
        audio_path=audio_path, report_path=files / "report.md", turns=turns,
        latency=_latency(stored), duration_s=duration,
        measurements=dict(interview.journal.measurements),
        speech_starts=[round(t - t0, 3) for t in driver.speech_starts],
        speech_ends=[round(t - t0, 3) for t in driver.speech_ends],
    )  # fmt: skip
    write_summary(result)
    await judge_if_trusted(db, session_id, chat)  # only for a model the validity set trusts
    _scored_reports(db, result, files)
    finish_interview(
        db, session_id, status=status, reason=reason,
        report_path=str(result.reports.get("html", result.report_path)),
    )  # fmt: skip
    engine.dispose()
    return result


def _audio_path(files: Path) -> Path:
    """``conversation.wav``, or (a resumed session's part after a first part was written)
    ``conversation-2.wav`` and on: a recording already written is never overwritten."""
    path, n = files / "conversation.wav", 1
    while path.exists():
        n += 1
        path = files / f"conversation-{n}.wav"
    return path


def _stored(turn: Turn) -> StoredTurn:
    return StoredTurn(turn.index, turn.speaker, turn.text, turn.start_s, turn.end_s,
                      turn.latency_s, list(turn.events or []), turn.interrupted)  # fmt: skip


def _scored_reports(db: sessionmaker[Session], result: RehearsalResult, files: Path) -> None:
    """Score the interview and write its report in every format, recording where it is with
    the report (a process killed after finds it recorded); a failure is kept, not raised."""
    try:
        with db() as s:
            result.reports, result.report_build_s = timed_reports(s, result.session_id, files)
            record = SessionRepository(s).get(result.session_id)
            if record is not None:
                record.report_path = str(result.reports.get("html", result.report_path))
            s.commit()
    except (ReportError, OSError) as e:
        logger.error("could not build the report: %s", type(e).__name__)
        result.report_error = str(e)
