"""The livekit-agents worker: each job holds one stored interview with the room's candidate.

The job's metadata (:class:`agent.rooms.InterviewJob`) names the role version, the candidate
and the mode; with none (console mode) the default role runs. Job processes are started by
livekit-agents (forkserver), so the entry points are module-level functions that read the
settings from the environment.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Sequence
from typing import Any

from livekit import rtc
from livekit.agents import AgentServer, AgentStateChangedEvent, JobContext, JobProcess
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from agent.abandoned import ended_in_room, judge_with
from agent.bootstrap import VoiceModels, load_voice_models, room_options
from agent.coding_round import coding_brief, start_coding_round
from agent.errors import AgentError
from agent.interview import (
    Interview,
    UnknownCandidateError,
    build_reports,
    close_interrupted,
    finish_interview,
    open_interview,
)
from agent.page_events import EVENTS_TOPIC, send_event, send_last_event
from agent.phone_desk import RECORDING_NOTICE, read_interview_code, say_to_caller
from agent.presence import CandidatePresence
from agent.recording import keep_recording, recording_options
from agent.resume import END_CLOSING, ResumeError, room_resumption
from agent.room_video import LiveFrames, follow_camera
from agent.rooms import InterviewJob, read_job
from recruiter_config.assets import AssetError
from recruiter_config.settings import Settings
from recruiter_devstack.llm_server import resolve_endpoint
from recruiter_llm.client import LLMUnavailableError, OpenAIChatClient
from recruiter_phone.lines import CallLine, read_call_line
from reports.assessment import judge_if_trusted
from reports.build import build_report
from reports.data_rights import expire_audio
from reports.session_view import ReportError
from reports.spoken import spoken_highlights
from rubrics import RoleError, RoleSource, resolve_local_role, resolve_role
from storage import (
    FailedAttempts,
    InterviewCodeRepository,
    SessionRepository,
    create_database,
    session_factory,
)

__all__ = ["CONTROL_TOPIC", "EVENTS_TOPIC", "build_server", "role_for_job"]

logger = logging.getLogger("recruiter.worker")

# Messages to the candidate's page (cues, the end and the report: EVENTS_TOPIC, from
# agent.page_events) and from it (end now).
CONTROL_TOPIC = "recruiter.control"
_TAKEN = "This assessed interview has already been taken; its report is on your invitation page."
_NOT_STARTED = (
    "I am sorry, the interview could not start. Please tell the recruiter who invited you. Goodbye."
)


def role_for_job(
    db: sessionmaker[Session], job: InterviewJob, *, local: bool = False
) -> RoleSource:
    """The role script a job names (``rubrics.resolve_role``), in the job's mode.

    ``local``: the job was made on this machine from its own settings (console mode), so its
    role may also be a script file's path; a dispatched job's role is an id only.

    Raises:
        RoleError: the role or version is neither stored nor shipped, or its text is invalid.
    """
    with db() as s:
        if local:
            source = resolve_local_role(s, job.role_id)
        else:
            source = resolve_role(s, job.role_id, job.role_version)
    return source.in_mode(job.mode)


def _prewarm(proc: JobProcess) -> None:
    # A job process is a child of its own: its settings are read here, once, from the
    # environment the worker passed down, and every job it runs reuses them.
    settings = Settings()
    proc.userdata["settings"] = settings
    proc.userdata["models"] = load_voice_models(settings)


async def _interview(ctx: JobContext) -> None:
    settings: Settings = ctx.proc.userdata.get("settings") or Settings()
    try:
        line = read_call_line(ctx.job.metadata)
        dispatched = None if line is not None else read_job(ctx.job.metadata)
    except (ValidationError, ValueError):
        logger.error("job metadata is not an interview; the job is dropped")
        return
    if line is not None:
        await _phone_call(ctx, settings, line)
        return
    job = dispatched or InterviewJob(role_id=settings.default_role)
    # Console mode (a fake job) has no room to join and no one in it: the terminal is the mic.
    candidate = None
    if not ctx.is_fake_job():
        await ctx.connect()
        candidate = await ctx.wait_for_participant()
    db = session_factory(create_database(settings.resolved_database_url))
    await _run(ctx, settings, db, job, candidate, local=dispatched is None)
    if not ctx.is_fake_job():
        # Over, reported and told: the job ends now, not when the page leaves the room, so the
        # worker's capacity is free for the next interview at once.
        ctx.shutdown("the interview is over")


async def _phone_call(ctx: JobContext, settings: Settings, line: CallLine) -> None:
    """A call from the phone line: the interview code first (interview line), then the same
    interview as in a browser, with no webcam; the caller hears the report's highlights."""
    await ctx.connect()
    caller = await ctx.wait_for_participant(kind=rtc.ParticipantKind.PARTICIPANT_KIND_SIP)
    db = session_factory(create_database(settings.resolved_database_url))
    models: VoiceModels = ctx.proc.userdata.get("models") or load_voice_models(settings)
    if line.phone_line == "practice":
        await say_to_caller(ctx.room, caller, models, f"Welcome. {RECORDING_NOTICE}")
        job = InterviewJob(role_id=line.practice_role or settings.phone.practice_role,
                           mode="practice")  # fmt: skip
    else:
        try:
            phone, key = settings.phone, caller.identity  # a hash of the number, not the number
            found = await read_interview_code(
                ctx.room, caller, models, lambda codes: _job_for_code(db, codes, key),
                digits=phone.code_digits, tries=phone.code_tries,
                locked=lambda: _codes_refused(db, key, settings),
            )  # fmt: skip
        except Exception:
            # Never a silent line: whatever failed, the call is ended (the caller heard the
            # desk's prompts); logged without the digits.
            logger.exception("reading a caller's interview code failed; the call is ended")
            found = None
        if found is None:
            logger.info("a caller gave no interview code that opens an interview; hung up")
            await ctx.delete_room()
            return
        job = found
    await _run(ctx, settings, db, job, caller, local=False, phone=True)
    ctx.shutdown("the call is over")


def _expire_audio(db: sessionmaker[Session], settings: Settings) -> None:
    """Retention, kept after every interview: recordings older than the retention period go."""
    if settings.audio_retention_days is None:
        return
    try:
        with db() as s:
            removed = expire_audio(s, settings.audio_retention_days)
            s.commit()
    except Exception as e:  # retention is retried after the next interview
        logger.error("expiring old recordings failed: %s", type(e).__name__)
        return
    if removed:
        logger.info("%d recording(s) past retention deleted", len(removed))


class ExamTakenError(AgentError):
    """The invitation is for an assessed interview its candidate has already taken."""


def _exam_taken(db: sessionmaker[Session], job: InterviewJob, channel: str) -> bool:
    assert job.candidate_id is not None
    with db() as s:
        return SessionRepository(s).exam_taken(job.candidate_id, channel)


PHONE_CODE = "phone-code"  # the kind of failure a wrong code is (storage.attempts)


def _codes_refused(db: sessionmaker[Session], caller_key: str, settings: Settings) -> bool:
    """Whether the phone line refuses codes to ``caller_key`` for now (``PhoneSettings``)."""
    phone = settings.phone
    with db() as s:
        return FailedAttempts(s, PHONE_CODE).locked_out(
            caller_key, per_key=phone.code_failures_per_caller,
            overall=phone.code_failures_per_line, window_s=phone.code_failure_window_s,
        )  # fmt: skip


def _job_for_code(
    db: sessionmaker[Session], codes: Sequence[str], caller_key: str
) -> InterviewJob | None:
    """The interview the first unexpired one of ``codes`` opens (its first use is recorded),
    or None (one wrong code from ``caller_key``)."""
    with db() as s:
        found = (InterviewCodeRepository(s).find(code) for code in codes)
        row = next((r for r in found if r is not None), None)
        if row is None:
            FailedAttempts(s, PHONE_CODE).record(caller_key)
            s.commit()
            logger.info("a caller keyed a code that opens no interview")
            return None
        InterviewCodeRepository(s).mark_used(row)
        s.commit()
        # The stored mode was an invitation's (practice, exam or none): validated as one.
        return InterviewJob.model_validate({"role_id": row.role_id, "mode": row.mode,
                                            "role_version": row.role_version,
                                            "candidate_id": row.candidate_id,
                                            "invitation_room": row.room})  # fmt: skip


async def _run(
    ctx: JobContext,
    settings: Settings,
    db: sessionmaker[Session],
    job: InterviewJob,
    candidate: rtc.RemoteParticipant | None,
    *,
    local: bool,
    phone: bool = False,
) -> None:
    endpoint = resolve_endpoint(settings)
    chat = OpenAIChatClient(endpoint) if endpoint is not None else None
    frames = LiveFrames()
    try:
        if chat is None:
            raise LLMUnavailableError("the worker has no LLM endpoint (RECRUITER_LLM__BASE_URL)")
        models: VoiceModels = ctx.proc.userdata.get("models") or load_voice_models(settings)
        channel = job.invitation_room or ctx.room.name or "room"
        # An invitation's room interview whose job died goes on here (the page asked for a new
        # job); never a call's, a console's or an anonymous room's.
        invited = not phone and job.candidate_id is not None and not local
        resumed, stale = room_resumption(db, channel, job.candidate_id) if invited else (None, [])
        for old in stale:  # left too long ago: closed and scored as it stands
            await asyncio.to_thread(close_interrupted, db, old, settings)
        # Sent back to an interview that has ended (its job died before telling the page, or
        # before writing the report, written now): the page is told; no new one starts.
        recalled = job.candidate_id if invited and job.recalled and resumed is None else None
        if recalled and (ended := await asyncio.to_thread(
            ended_in_room, db, channel, recalled, settings, judge_with(endpoint))):  # fmt: skip
            await send_last_event(ctx.room, ended, candidate.identity if candidate else None)
            return await chat.aclose()
        source, resumption = resumed or (role_for_job(db, job, local=local), None)
        exam = source.role.mode == "exam" and job.candidate_id and resumption is None
        if exam and _exam_taken(db, job, channel):
            raise ExamTakenError(channel)
        # A participant (a candidate in a room, a caller) is heard over the network; console
        # mode has none: the terminal's microphone is on this machine.
        turn = settings.turn.over_network() if candidate is not None else settings.turn
        live = open_interview(
            settings.model_copy(update={"turn": turn}), source, db=db, chat=chat,
            models=models, channel=channel,
            webcam=frames if candidate is not None and not phone else None,
            candidate_id=job.candidate_id, resumption=resumption,
            editor=not phone and candidate is not None,
        )  # fmt: skip
    except (RoleError, UnknownCandidateError, LLMUnavailableError, AssetError,
            ExamTakenError, ResumeError) as e:  # fmt: skip
        # Nothing was stored; the page says why instead of waiting for a recruiter (unless
        # another job resumed the interview first: that one talks to the page).
        logger.error("the interview could not start: %s", type(e).__name__)
        if isinstance(e, ResumeError):
            return await chat.aclose() if chat is not None else None
        taken = isinstance(e, ExamTakenError)
        message = _TAKEN if taken else ("The interview could not start. "
                                        "Please tell the recruiter who invited you.")  # fmt: skip
        await send_event(ctx.room, {"type": "error", "message": message})
        if chat is not None:
            await chat.aclose()
        if phone and candidate is not None:
            models = ctx.proc.userdata.get("models") or load_voice_models(settings)
            try:
                await say_to_caller(ctx.room, candidate, models,
                                    f"{_TAKEN} Goodbye." if taken else _NOT_STARTED)  # fmt: skip
            finally:
                await ctx.delete_room()
        return
    logger.info("interview %s started", live.session_id)
    try:
        await _hold(ctx, live, candidate, frames, db, settings, chat, phone=phone,
                    invited=job.invitation_room is not None)  # fmt: skip
    finally:
        await chat.aclose()


async def _hold(
    ctx: JobContext,
    live: Interview,
    candidate: rtc.RemoteParticipant | None,
    frames: LiveFrames,
    db: sessionmaker[Session],
    settings: Settings,
    chat: OpenAIChatClient,
    *,
    phone: bool = False,
    invited: bool = False,
) -> None:
    """Run the interview until it ends, store how it ended, build the report, tell the page.

    The LLM's second opinion is asked before the report when its model is trusted as a judge
    (:func:`reports.assessment.judge_if_trusted`). On the ``phone`` a hang-up ends the
    interview (what was answered is scored), and a caller still on the line hears the report's
    highlights before the call is ended.
    """
    room, interviewer = ctx.room, live.interviewer
    identity = candidate.identity if candidate is not None else None
    tasks: set[asyncio.Task[None]] = set()
    shown = [-1]  # the question last shown to the candidate (shown again after a rejoin)
    presence = CandidatePresence(live.session, interviewer, identity,
                                 0.0 if phone else settings.web.rejoin_s,
                                 on_back=lambda: shown.__setitem__(0, -1))  # fmt: skip

    def on_track(track: rtc.Track, _pub: object, participant: rtc.RemoteParticipant) -> None:
        if participant.identity == identity and track.kind == rtc.TrackKind.KIND_VIDEO:
            task = asyncio.create_task(follow_camera(track, frames), name="camera")
            tasks.add(task)
            task.add_done_callback(tasks.discard)

    def on_data(packet: rtc.DataPacket) -> None:
        if packet.topic != CONTROL_TOPIC or packet.participant is None:
            return
        if packet.participant.identity != identity:
            return
        with contextlib.suppress(ValueError):
            # (not an End pressed again, nor one at the interview's own end)
            if json.loads(packet.data).get("type") == "end" and interviewer.end_reason is None:
                reason = "the candidate ended the interview"
                interviewer.stop_early(reason, END_CLOSING)
                live.journal.end_requested(reason)  # kept if this process dies now

    def on_coaching(reason: str, text: str) -> None:
        on_message({"type": "cue", "kind": reason, "text": text})

    def on_agent_state(event: AgentStateChangedEvent) -> None:
        # Question n of N and the time left, whenever a new question is being asked.
        progress = interviewer.state.progress()
        if event.new_state != "speaking" or progress.question == shown[0]:
            return
        shown[0] = progress.question
        left = None if progress.time_left_s is None else round(progress.time_left_s)
        on_message({"type": "progress", "question": progress.question, "of": progress.of,
                    "time_left_s": left, "coding": coding_brief(live)})  # fmt: skip

    def on_message(message: dict[str, object]) -> None:
        task = asyncio.create_task(send_event(room, message), name="page-message")
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    room.on("track_subscribed", on_track)
    room.on("data_received", on_data)
    live.session.on("agent_state_changed", on_agent_state)
    interviewer.on_coaching = on_coaching
    rate = live.session.tts.sample_rate if live.session.tts else 24000  # livekit's default
    options = room_options(rate)
    if candidate is not None:
        for publication in candidate.track_publications.values():
            if publication.track is not None:
                on_track(publication.track, publication, candidate)
        options = room_options(rate, candidate.identity)
    presence.attach(room)  # a caller who hung up at once is gone before the interview listened
    closed = asyncio.Event()
    live.session.on("close", lambda _event: closed.set())
    # A call is not recorded: livekit-agents records a job's first voice session only, and a
    # call's first is the desk that reads the code (or says the notice).
    wanted = recording_options(settings.livekit.url)
    recorded = not phone and wanted["audio"]
    await live.session.start(interviewer, room=room, room_options=options,
                             record=False if phone else wanted)  # fmt: skip
    if not phone:  # the page's code editor, for a role with coding questions
        tasks |= start_coding_round(room, live, db, settings.coding, identity)
    ended = asyncio.create_task(interviewer.ended.wait())
    gone = asyncio.create_task(presence.gone.wait())
    await asyncio.wait({ended, gone}, return_when=asyncio.FIRST_COMPLETED)
    if interviewer.ended.is_set():
        status, reason = "completed", interviewer.end_reason
        await asyncio.sleep(0.5)
    elif phone:
        status, reason = "completed", "the caller hung up"
    else:
        status, reason = "failed", "the candidate left before the end"
    for task in (ended, gone, *tasks):
        task.cancel()
    presence.close()
    frames.close()
    # Nothing is left to say (the closing was heard, or no one is listening): close now, so
    # the job is free for the next call at once.
    live.session.shutdown(drain=False)
    audio = None
    if recorded:
        with contextlib.suppress(TimeoutError):  # closed: the recording is complete
            await asyncio.wait_for(closed.wait(), 10)
        if closed.is_set():
            audio = keep_recording(ctx.session_directory, settings.sessions_dir / live.session_id)
        else:  # a file still being written is not kept half-done
            logger.error("the session did not close within 10 s; its recording is not kept")
    await live.aclose()  # the last answer's measurements are stored before the report
    finish_interview(db, live.session_id, status=status, reason=reason,
                     audio_path=str(audio) if audio else None)  # fmt: skip
    logger.info("interview %s %s", live.session_id, status)
    await asyncio.to_thread(_expire_audio, db, settings)
    if phone:
        await _end_call(ctx, live, candidate, db, settings, chat, heard=not presence.gone.is_set(),
                        invited=invited)  # fmt: skip
        return
    await judge_if_trusted(db, live.session_id, chat)
    built = await asyncio.to_thread(build_reports, db, live.session_id, settings)
    await send_last_event(room, {"type": "ended", "session_id": live.session_id, "status": status,
                                  "report": built}, identity)  # fmt: skip


async def _end_call(
    ctx: JobContext,
    live: Interview,
    candidate: rtc.RemoteParticipant | None,
    db: sessionmaker[Session],
    settings: Settings,
    chat: OpenAIChatClient,
    *,
    heard: bool,
    invited: bool,
) -> None:
    """After a phone interview: the report first (ending the call ends the job soon after),
    then the highlights for a caller still on the line, the call's end, and the judge."""
    await asyncio.to_thread(build_reports, db, live.session_id, settings)
    if heard and candidate is not None:
        models: VoiceModels = ctx.proc.userdata.get("models") or load_voice_models(settings)
        text = await asyncio.to_thread(_highlights, db, live.session_id, invited=invited)
        try:
            await say_to_caller(ctx.room, candidate, models, text)
        finally:
            await ctx.delete_room()  # the SIP service ends the call
    if await judge_if_trusted(db, live.session_id, chat):
        await asyncio.to_thread(build_reports, db, live.session_id, settings)  # with the judge


def _highlights(db: sessionmaker[Session], session_id: str, *, invited: bool) -> str:
    """The stored report's highlights to say on the phone, and where the report is."""
    where = (
        "Your full report is on your invitation page. Thank you for calling, goodbye."
        if invited
        else "Thank you for practising with us, goodbye."
    )
    try:
        with db() as s:
            return spoken_highlights(build_report(s, session_id), where=where)
    except ReportError as e:
        logger.error("could not read the call's report for its highlights: %s", type(e).__name__)
        return where


def build_server(
    settings: Settings,
    agent_name: str = "",
    *,
    idle_processes: int | None = None,
    http_port: int = 8081,
    load_threshold: float = 0.95,
) -> AgentServer:
    """The worker: with ``agent_name`` it takes only jobs explicitly dispatched to that name.

    Each job runs in its own process from livekit-agents' pool (``idle_processes`` kept warm
    with the voice models loaded), so interviews held at once are isolated from each other.

    The load reported to the LiveKit server is the share of ``settings.interviews_per_worker``
    in use (at most 0.9), not the CPU: the server gives a job only to a worker whose load is
    under 1 and does not ask again, and a CPU busy with the last interview's report (100% on
    2 cores) left a caller unanswered. Jobs go to the least loaded workers first; a worker at
    capacity still takes one when no other can. Above ``load_threshold`` (0-1) the worker
    takes no new jobs; at ``inf`` it always does.
    """
    capacity = settings.interviews_per_worker

    def load(server: AgentServer) -> float:
        # At most 0.9: the LiveKit server gives no job to a worker at load 1 and never asks
        # again, so a candidate would wait in silence; a worker at capacity is the last choice.
        return min(0.9, len(server.active_jobs) / capacity)

    kwargs: dict[str, Any] = {}
    if idle_processes is not None:
        kwargs["num_idle_processes"] = idle_processes
    server = AgentServer(
        ws_url=settings.livekit.url, api_key=settings.livekit.api_key,
        api_secret=settings.livekit.api_secret, port=http_port,
        # Loading the voice models takes several seconds on a busy 2-core machine.
        initialize_process_timeout=90.0, load_threshold=load_threshold, setup_fnc=_prewarm,
        load_fnc=load,
        **kwargs,
    )  # fmt: skip
    server.rtc_session(_interview, agent_name=agent_name)
    return server
