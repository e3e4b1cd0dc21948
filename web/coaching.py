"""The recruiter's coaching pages: trends across their sessions, practice interviewing a
simulated candidate by microphone (or typed), a recorded interview uploaded for a report, and
each coaching report (deletable).

A practice session in progress lives in this process's memory (``PracticeDesk``); only the
finished report is stored. A practice belongs to the recruiter who started it.
"""

from __future__ import annotations

import base64
import io
import secrets
import tempfile
import wave
from collections import OrderedDict
from pathlib import Path
from threading import Lock
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markdown_it import MarkdownIt
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from agent.audio import to_int16
from agent.stt_whisper import SAMPLE_RATE
from perception.readings import PerceptionInputError
from recruiter_coaching.practice import (
    PracticeError,
    calibration,
    load_practice_persona,
    practice_personas,
    practice_roles,
    role_asks,
)
from recruiter_coaching.recording import recording_utterances
from recruiter_coaching.report import coach_interview as coach_utterances
from recruiter_coaching.session import CoachedSession, RoleTopics, remove_files
from recruiter_coaching.spoken import SpokenPractice
from recruiter_coaching.trends import points, trend_chart_png, trend_lines
from recruiter_config.assets import AssetError
from reports.charts import png_data_uri
from rubrics import RoleError, load_role, shipped_role_ids
from storage import CoachingRepository
from web.context import WebContext
from web.pages import Ctx, Me
from web.pages import page as _page

__all__ = ["PracticeDesk", "router"]

router = APIRouter(include_in_schema=False)
# Raw HTML in a report is shown as text: a recorded interview's words are not markup.
_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")
# A recording uploaded for coaching: up to this many bytes (an hour of 16-bit stereo 44.1 kHz
# WAV is about 635 MB; compressed exports are far smaller).
_UPLOAD_LIMIT = 700 * 1024 * 1024
_QUESTION_LIMIT = 20 * 1024 * 1024  # one spoken question


class PracticeDesk:
    """Practice sessions in progress, by id; the oldest is dropped past ``limit``."""

    def __init__(self, limit: int = 50) -> None:
        self._sessions: OrderedDict[str, SpokenPractice] = OrderedDict()
        self._limit = limit
        self._lock = Lock()

    def add(self, practice: SpokenPractice) -> str:
        """Keep ``practice``; its id."""
        key = secrets.token_urlsafe(12)
        with self._lock:
            self._sessions[key] = practice
            while len(self._sessions) > self._limit:
                self._sessions.popitem(last=False)
        return key

    def get(self, key: str, me: str) -> SpokenPractice:
        """``me``'s practice ``key``.

        Raises:
            HTTPException: 404 when there is none (or it is someone else's).
        """
        with self._lock:
            practice = self._sessions.get(key)
        if practice is None or practice.interviewer != me:
            raise HTTPException(404, "no such practice interview (it may have ended)")
        return practice

    def end(self, key: str) -> None:
        """Forget ``key``."""
        with self._lock:
            self._sessions.pop(key, None)


def _desk(request: Request) -> PracticeDesk:
    desk: PracticeDesk | None = getattr(request.app.state, "practice_desk", None)
    if desk is None:
        desk = request.app.state.practice_desk = PracticeDesk()
    return desk


Desk = Annotated[PracticeDesk, Depends(_desk)]


def _coaching_page(
    request: Request, ctx: WebContext, me: str, status: int = 200, **values: Any
) -> HTMLResponse:
    with ctx.db() as s:
        rows = CoachingRepository(s).recent(me, 20)
    series = points(rows)
    chart = Markup(png_data_uri(trend_chart_png(series))) if rows else None
    personas = {r: practice_personas(r) for r in practice_roles()}
    return _page(request, "dashboard_coaching.html", status, recruiter=me, nav="coaching",
                 sessions=list(reversed(rows)), chart=chart, lines=trend_lines(series),
                 personas=personas, roles=shipped_role_ids(), **values)  # fmt: skip


@router.get("/dashboard/coaching")
def coaching_page(request: Request, ctx: Ctx, me: Me) -> HTMLResponse:
    """Your coaching: trends over your last sessions, practice, and uploading a recording."""
    return _coaching_page(request, ctx, me)


def _keep(ctx: WebContext, session: CoachedSession) -> str:
    with ctx.db.begin() as s:
        return CoachingRepository(s).add(session.row()).id


# -- practice --------------------------------------------------------------------------------


@router.post("/dashboard/coaching/practice")
def start_practice(
    request: Request, ctx: Ctx, me: Me, desk: Desk,
    role: Annotated[str, Form()], persona: Annotated[str, Form()],
) -> Response:  # fmt: skip
    """Start a practice interview with ``persona`` on ``role``."""
    try:
        if role not in practice_roles():
            raise PracticeError(f"no practice personas for role '{role}'; "
                                f"they are for: {', '.join(practice_roles())}")  # fmt: skip
        script = load_role(role)
        candidate = load_practice_persona(role, persona, {q.id: q.text for q in script.questions},
                                          [c.id for c in script.competencies])  # fmt: skip
    except (RoleError, PracticeError) as e:
        return _coaching_page(request, ctx, me, 400, errors=[str(e)])
    topics = RoleTopics.of(script, role_asks(script.id))
    key = desk.add(SpokenPractice(me, script, persona, candidate, topics))
    return RedirectResponse(f"/dashboard/coaching/practice/{key}", status_code=303)


@router.get("/dashboard/coaching/practice/{key}")
def practice_page(request: Request, me: Me, desk: Desk, key: str) -> HTMLResponse:
    """The practice room: ask by microphone or typing; score at the end."""
    practice = desk.get(key, me)
    return _page(request, "dashboard_practice.html", recruiter=me, nav="coaching", key=key,
                 practice=practice, competencies=practice.role.competencies)  # fmt: skip


def _wav_uri(samples: Any) -> str:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(to_int16(samples).tobytes())
    return "data:audio/wav;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@router.post("/dashboard/coaching/practice/{key}/ask")
async def practice_ask(
    ctx: Ctx, me: Me, desk: Desk, key: str,
    audio: UploadFile | None = None, text: Annotated[str | None, Form()] = None,
) -> JSONResponse:  # fmt: skip
    """Answer one question, recorded (``audio``) or typed (``text``): the question as heard,
    the reply's words and its audio (WAV data URI)."""
    practice = desk.get(key, me)
    try:
        if audio is not None and audio.filename:
            data = await audio.read(_QUESTION_LIMIT + 1)
            if len(data) > _QUESTION_LIMIT:
                raise PerceptionInputError("the recording is too long for one question")
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "question.webm"
                path.write_bytes(data)
                turn = await run_in_threadpool(practice.ask_audio, ctx.settings, path)
        else:
            turn = await run_in_threadpool(practice.ask_text, ctx.settings, text or "")
    except (PerceptionInputError, AssetError) as e:
        return JSONResponse({"error": str(e)}, status_code=400)
    return JSONResponse({"question": turn.question, "reply": turn.reply.text,
                         "topic": turn.reply.topic, "audio": _wav_uri(turn.audio)})  # fmt: skip


@router.post("/dashboard/coaching/practice/{key}/finish")
async def practice_finish(request: Request, ctx: Ctx, me: Me, desk: Desk, key: str) -> Response:
    """End the practice: score the candidate (optional), keep the report, show it."""
    practice = desk.get(key, me)
    form = await request.form()
    given: dict[str, int] = {}
    for c in practice.role.competencies:
        value = form.get(c.id)
        if isinstance(value, str) and value.isdigit():
            given[c.id] = int(value)
    if not practice.utterances:
        return _page(request, "dashboard_practice.html", 400, recruiter=me, nav="coaching",
                     key=key, practice=practice, competencies=practice.role.competencies,
                     errors=["Ask at least one question before ending."])  # fmt: skip
    try:
        calib = calibration(given, practice.candidate.persona.scores) if given else None
    except PracticeError as e:
        return _page(request, "dashboard_practice.html", 400, recruiter=me, nav="coaching",
                     key=key, practice=practice, competencies=practice.role.competencies,
                     errors=[str(e)])  # fmt: skip
    session_id = _keep(ctx, practice.finish(calib))
    desk.end(key)
    return RedirectResponse(f"/dashboard/coaching/report/{session_id}", status_code=303)


# -- recorded interviews ---------------------------------------------------------------------


@router.post("/dashboard/coaching/upload")
async def upload_recording(
    request: Request, ctx: Ctx, me: Me, file: UploadFile,
    role: Annotated[str, Form()] = "", channel: Annotated[int, Form()] = 0,
) -> Response:  # fmt: skip
    """Read an uploaded two-channel recording of an interview into a coaching report."""
    data = await file.read(_UPLOAD_LIMIT + 1)
    name = Path(file.filename or "recording").name
    try:
        if len(data) > _UPLOAD_LIMIT:
            raise PerceptionInputError(f"{name}: over {_UPLOAD_LIMIT // 2**20} MB")
        if role and role not in shipped_role_ids():
            raise RoleError(f"no shipped role '{role}'")
        script = load_role(role) if role else None
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / name
            path.write_bytes(data)
            utterances = await run_in_threadpool(
                recording_utterances, ctx.settings, path, interviewer_channel=channel
            )
    except (PerceptionInputError, RoleError, AssetError) as e:
        return _coaching_page(request, ctx, me, 400, errors=[str(e)])
    topics = RoleTopics.of(script, role_asks(script.id)) if script else None
    report = topics.coach(utterances) if topics else coach_utterances(utterances)
    session = CoachedSession(
        me, "recording", f"Recorded interview: {name}", report,
        role_id=script.id if script else None,
        competency_names=topics.competency_names if topics else None,
        note="" if script else "No role was given, so topics and rubric coverage are not read.",
    )  # fmt: skip
    return RedirectResponse(f"/dashboard/coaching/report/{_keep(ctx, session)}", status_code=303)


# -- reports ---------------------------------------------------------------------------------


@router.get("/dashboard/coaching/report/{session_id}")
def coaching_report(request: Request, ctx: Ctx, me: Me, session_id: str) -> HTMLResponse:
    """One coaching report."""
    with ctx.db() as s:
        row = CoachingRepository(s).get(session_id)
    if row is None or row.interviewer != me:
        raise HTTPException(404, "no such coaching report")
    html = Markup(_markdown.render(row.report_markdown))
    return _page(request, "dashboard_coaching_report.html", recruiter=me, nav="coaching",
                 row=row, html=html)  # fmt: skip


@router.post("/dashboard/coaching/report/{session_id}/delete")
def delete_report(ctx: Ctx, me: Me, session_id: str) -> Response:
    """Delete one of your coaching reports."""
    with ctx.db.begin() as s:
        repo = CoachingRepository(s)
        row = repo.get(session_id)
        if row is None or row.interviewer != me:
            raise HTTPException(404, "no such coaching report")
        repo.delete(session_id)
    remove_files(row)
    return RedirectResponse("/dashboard/coaching", status_code=303)
