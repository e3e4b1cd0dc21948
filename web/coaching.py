"""The recruiter's coaching pages: trends across their sessions, practice interviewing a
simulated candidate by microphone (or typed), a recorded interview uploaded for a report, and
each coaching report (deletable).

A practice session in progress lives in this process's memory (``PracticeDesk``); only the
finished report is stored. A practice belongs to the recruiter who started it.
"""

from __future__ import annotations

import base64
import io
import logging
import re
import secrets
import tempfile
import time
import wave
from collections import OrderedDict
from pathlib import Path
from threading import Lock
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError
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
from recruiter_coaching.session import NO_ROLE_NOTE, CoachedSession, RoleTopics, remove_files
from recruiter_coaching.spoken import SpokenPractice
from recruiter_coaching.trends import points, trend_chart_png, trend_lines
from recruiter_config.assets import AssetError
from reports.charts import png_data_uri
from rubrics import RoleError, load_role, resolve_role, shipped_role_ids
from storage import CoachingRepository, RoleRepository
from web.context import WebContext
from web.pages import Ctx, Me
from web.pages import page as _page

__all__ = ["PracticeDesk", "router"]

router = APIRouter(include_in_schema=False)
log = logging.getLogger("web.coaching")
# Raw HTML in a report is shown as text: a recorded interview's words are not markup.
_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")
# A recording uploaded for coaching: up to this many bytes (an hour of 16-bit stereo 44.1 kHz
# WAV is about 635 MB; compressed exports are far smaller).
_UPLOAD_LIMIT = 700 * 1024 * 1024
_QUESTION_LIMIT = 20 * 1024 * 1024  # one spoken question


class PracticeDesk:
    """Practice sessions in progress, by id. Each recruiter holds at most ``per_recruiter``
    (starting another ends their oldest), and a practice untouched for ``idle_s`` seconds ends,
    so that nobody's practice is pushed out by someone else's and none lingers in memory."""

    def __init__(self, per_recruiter: int = 3, idle_s: float = 2 * 3600) -> None:
        self._sessions: OrderedDict[str, tuple[SpokenPractice, float]] = OrderedDict()
        self._per_recruiter = per_recruiter
        self._idle_s = idle_s
        self._lock = Lock()

    def _expire(self, now: float) -> None:
        for key in [k for k, (_, seen) in self._sessions.items() if now - seen > self._idle_s]:
            del self._sessions[key]

    def add(self, practice: SpokenPractice) -> str:
        """Keep ``practice``; its id."""
        key = secrets.token_urlsafe(12)
        now = time.monotonic()
        with self._lock:
            self._expire(now)
            mine = [k for k, (p, _) in self._sessions.items()
                    if p.interviewer == practice.interviewer]  # fmt: skip
            for old in mine[: max(0, len(mine) - self._per_recruiter + 1)]:
                del self._sessions[old]
            self._sessions[key] = (practice, now)
        return key

    def get(self, key: str, me: str) -> SpokenPractice:
        """``me``'s practice ``key`` (it counts as used now).

        Raises:
            HTTPException: 404 when there is none (ended, expired, or someone else's).
        """
        now = time.monotonic()
        with self._lock:
            self._expire(now)
            held = self._sessions.get(key)
            if held is None or held[0].interviewer != me:
                raise HTTPException(404, "no such practice interview (it may have ended)")
            self._sessions[key] = (held[0], now)
        return held[0]

    def end(self, key: str) -> None:
        """Forget ``key``."""
        with self._lock:
            self._sessions.pop(key, None)


def _desk(request: Request) -> PracticeDesk:
    desk: PracticeDesk = request.app.state.practice_desk  # made by web.app.create_app
    return desk


Desk = Annotated[PracticeDesk, Depends(_desk)]


def _coaching_page(
    request: Request, ctx: WebContext, me: str, status: int = 200, **values: Any
) -> HTMLResponse:
    with ctx.db() as s:
        rows = CoachingRepository(s).recent(me, 20)
    series = points(rows)
    chart = Markup(png_data_uri(trend_chart_png(series))) if rows else None
    personas: dict[str, list[str]] = {}
    # The short demo screen first: the default choice.
    for r in sorted(practice_roles(), key=lambda r: (r != "demo", r)):
        try:
            personas[r] = practice_personas(r)
        except PracticeError as e:  # one broken file does not take the page down
            values.setdefault("warnings", []).append(str(e))
    return _page(request, "dashboard_coaching.html", status, recruiter=me, nav="coaching",
                 sessions=list(reversed(rows)), chart=chart, lines=trend_lines(series),
                 personas=personas, names=sorted({n for ns in personas.values() for n in ns}),
                 roles=_role_ids(ctx), **values)  # fmt: skip


def _role_ids(ctx: WebContext) -> list[str]:
    """Every role a recording may be read against: shipped, and stored by recruiters."""
    try:
        with ctx.db() as s:
            stored = [r.role_id for r in RoleRepository(s).all_latest()]
    except SQLAlchemyError as e:  # the page still offers the shipped roles
        log.warning("stored roles could not be read for the coaching page: %s", type(e).__name__)
        stored = []
    return sorted(set(shipped_role_ids()) | set(stored))


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
        topics = RoleTopics.of(script, role_asks(script.id))
    except (RoleError, PracticeError) as e:
        return _coaching_page(request, ctx, me, 400, errors=[str(e)])
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
    problem = "Ask at least one question before ending." if not practice.utterances else None
    calib = None
    try:
        calib = calibration(given, practice.candidate.persona.scores) if given else None
    except PracticeError as e:
        problem = str(e)
    if problem:
        return _page(request, "dashboard_practice.html", 400, recruiter=me, nav="coaching",
                     key=key, practice=practice, competencies=practice.role.competencies,
                     errors=[problem])  # fmt: skip
    session = await run_in_threadpool(practice.finish, calib)
    desk.end(key)
    return await run_in_threadpool(_kept, request, ctx, me, session)


def _kept(request: Request, ctx: WebContext, me: str, session: CoachedSession) -> Response:
    """Store ``session`` and show its report; a database that cannot take it still shows the
    report (to save from the page), saying it was not kept."""
    try:
        session_id = _keep(ctx, session)
    except SQLAlchemyError as e:
        log.warning("a coaching report could not be stored: %s", type(e).__name__)
        html = Markup(_markdown.render(session.markdown()))  # markdown-it escapes raw HTML
        return _page(request, "dashboard_coaching_report.html", 503, recruiter=me,
                     nav="coaching", row=None, html=html,
                     errors=["The report could not be stored (the database did not answer); "
                             "it is shown here only: save or print this page."])  # fmt: skip
    return RedirectResponse(f"/dashboard/coaching/report/{session_id}", status_code=303)


# -- recorded interviews ---------------------------------------------------------------------


def _suffix(filename: str | None) -> str:
    """The uploaded file's extension, if it is a plain one (".wav", ".m4a"); else none. The
    client's name is never a path here."""
    suffix = Path(filename or "").suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,5}", suffix) else ""


def _read_recording(
    ctx: WebContext, me: str, upload: UploadFile, role: str, channel: int
) -> CoachedSession:
    """Copy the upload to a temporary file (refusing it past ``_UPLOAD_LIMIT``), transcribe it
    and read it into a coached session; blocking, for a worker thread.

    Raises:
        PerceptionInputError, RoleError, PracticeError, AssetError: as the message says, with
            the file named as the recruiter named it.
    """
    name = Path(upload.filename or "").name[:120]
    name = name if name.strip(". ") else "recording"
    script = None
    if role:  # an id only (never a path): stored by a recruiter, else shipped
        try:
            with ctx.db() as s:
                script = resolve_role(s, role).role
        except SQLAlchemyError as e:
            raise RoleError(f"the roles could not be read from the database "
                            f"({type(e).__name__}); try again in a moment") from e  # fmt: skip
    topics = RoleTopics.of(script, role_asks(script.id)) if script else None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"recording{_suffix(upload.filename)}"
        copied = 0
        with path.open("wb") as out:
            while chunk := upload.file.read(1 << 20):
                copied += len(chunk)
                if copied > _UPLOAD_LIMIT:
                    raise PerceptionInputError(f"{name}: over {_UPLOAD_LIMIT // 2**20} MB")
                out.write(chunk)
        try:
            utterances = recording_utterances(ctx.settings, path, interviewer_channel=channel)
        except PerceptionInputError as e:
            raise PerceptionInputError(str(e).replace(str(path), name)) from e
    report = topics.coach(utterances) if topics else coach_utterances(utterances)
    return CoachedSession(
        me, "recording", f"Recorded interview: {name}", report,
        role_id=script.id if script else None,
        competency_names=topics.competency_names if topics else None,
        note=topics.note if topics else NO_ROLE_NOTE,
    )  # fmt: skip


@router.post("/dashboard/coaching/upload")
async def upload_recording(
    request: Request, ctx: Ctx, me: Me, file: UploadFile | None = None,
    role: Annotated[str, Form()] = "", channel: Annotated[int, Form()] = 0,
) -> Response:  # fmt: skip
    """Read an uploaded two-channel recording of an interview into a coaching report."""
    declared = request.headers.get("content-length", "")
    try:
        if file is None or not file.filename:
            raise PerceptionInputError("choose a recording to upload")
        if declared.isdigit() and int(declared) > _UPLOAD_LIMIT + 1024 * 1024:
            raise PerceptionInputError(f"the upload is over {_UPLOAD_LIMIT // 2**20} MB")
        session = await run_in_threadpool(_read_recording, ctx, me, file, role, channel)
    except (PerceptionInputError, RoleError, PracticeError, AssetError) as e:
        return await run_in_threadpool(_coaching_page, request, ctx, me, 400, errors=[str(e)])
    return await run_in_threadpool(_kept, request, ctx, me, session)


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
