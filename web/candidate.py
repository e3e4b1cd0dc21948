"""The candidate's side: the interview page, the room token, and their own reports.

Everything here is reached through an invitation token, which names one candidate and one
room; a candidate can see only sessions that are theirs and held in that room. Each attempt
at the interview is kept with its report. A practice invitation may be taken again; an
assessed (exam) one once: after an attempt in which the candidate answered, the link gives no
room token, only the reports.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import aiohttp
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from livekit.api import TwirpError
from pydantic import BaseModel
from sqlalchemy import func, select

from agent.rooms import InterviewJob, candidate_token, recall_interviewer
from reports.build import build_report
from reports.progress import progress, progress_chart_png
from reports.session_view import ReportError
from rubrics import RoleError, resolve_role
from storage import Candidate, InterviewSession, InvitationRepository, SessionRepository, Turn
from storage.invitations import aware
from web.actions import charts
from web.context import WebContext, context
from web.invites import Invitation, InvitationError
from web.pdf import pdf_response

__all__ = ["invitation_for", "router", "withdrawn"]

router = APIRouter(tags=["candidate"])
_REPLACED_S = 120.0  # an older link ends this much before the newest expiry, or more
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
Ctx = Annotated[WebContext, Depends(context)]


class RoomAccess(BaseModel):
    """How the candidate's browser joins their interview room."""

    url: str
    token: str
    room: str
    identity: str
    expires_in_s: int


class InterviewStatus(BaseModel):
    """Where the candidate's newest attempt stands."""

    session_id: str | None
    status: str  # "waiting" before the recruiter has joined, then running/completed/failed
    report_ready: bool
    attempts: list[Attempt] = []  # every attempt, newest first


def invitation_for(ctx: WebContext, token: str) -> Invitation:
    """The invitation ``token`` carries, its candidate still stored.

    Raises:
        HTTPException: 403 for a link that is invalid, expired or whose candidate was deleted.
    """
    try:
        invitation = ctx.invitations.read(token)
    except InvitationError as e:
        raise HTTPException(status_code=403, detail=str(e)) from e
    with ctx.db() as s:
        if s.get(Candidate, invitation.candidate_id) is None:
            raise HTTPException(status_code=403, detail="this invitation is no longer valid")
        record = InvitationRepository(s).get(invitation.room)
    # Sent again: a link made before expires before the invitation's newest expiry (links
    # made for it since are signed to end with it, to the second).
    newest = aware(record.expires_at).timestamp() if record is not None else None
    if newest is not None and (invitation.link_expires or newest) < newest - _REPLACED_S:
        raise HTTPException(status_code=403, detail="this link was replaced by a newer one; "
                            "use the latest link the recruiter sent you")  # fmt: skip
    return invitation


class Attempt(BaseModel):
    """One attempt at the invited interview."""

    session_id: str
    started_at: datetime
    status: str
    mode: str | None
    answers: int  # how many answers the candidate gave
    report_ready: bool
    role_title: str = ""
    here: bool = True  # held in this invitation's room (else under another invitation)


def _attempts(
    ctx: WebContext, invitation: Invitation, *, everywhere: bool = False
) -> list[Attempt]:
    """The candidate's attempts in the invitation's room (``everywhere``: in every room, this
    one's and other invitations' alike), newest first."""
    answers = (
        select(Turn.session_id, func.count(Turn.id).label("n"))
        .where(Turn.speaker == "candidate")
        .group_by(Turn.session_id)
        .subquery()
    )
    query = select(InterviewSession, func.coalesce(answers.c.n, 0))
    if not everywhere:
        query = query.where(InterviewSession.channel == invitation.room)
    with ctx.db() as s:
        rows = s.execute(
            query.outerjoin(answers, answers.c.session_id == InterviewSession.id)
            .where(InterviewSession.candidate_id == invitation.candidate_id)
            .order_by(InterviewSession.started_at.desc())
        ).all()
    titles: dict[str, str] = {}
    for r, _ in rows:  # read from the scripts only for the page (not the second's status poll)
        if r.role_id not in titles:
            titles[r.role_id] = _role_title(ctx, r.role_id) if everywhere else r.role_id
    return [
        Attempt(
            session_id=r.id,
            started_at=r.started_at,
            status=r.status,
            mode=r.mode,
            answers=int(n),
            report_ready=_report_file(ctx, r.id).is_file(),
            role_title=titles[r.role_id],
            here=r.channel == invitation.room,
        )
        for r, n in rows
    ]


def _asks_coding(ctx: WebContext, invitation: Invitation) -> bool:
    """The invitation's role has coding questions (the page then says what coding records)."""
    with ctx.db() as s:
        try:
            role = resolve_role(s, invitation.role_id, invitation.role_version).role
        except RoleError:
            return False
    return any(q.kind == "coding" for q in role.questions)


def _role_title(ctx: WebContext, role_id: str) -> str:
    with ctx.db() as s:
        try:
            return resolve_role(s, role_id, None).role.title
        except RoleError:
            return role_id


def withdrawn(ctx: WebContext, invitation: Invitation) -> bool:
    """The recruiter has withdrawn the invitation."""
    with ctx.db() as s:
        record = InvitationRepository(s).get(invitation.room)
        return record is not None and record.revoked_at is not None


def _taken(ctx: WebContext, invitation: Invitation) -> bool:
    """Whether the invitation's assessed interview has been taken (the worker's rule too)."""
    with ctx.db() as s:
        return SessionRepository(s).exam_taken(invitation.candidate_id, invitation.room)


def _report_file(ctx: WebContext, session_id: str) -> Path:
    return ctx.settings.sessions_dir / session_id / "report.html"


@router.get("/join/{token}", response_class=HTMLResponse, include_in_schema=False)
def interview_page(token: str, request: Request, ctx: Ctx) -> HTMLResponse:
    """The interview page: camera and microphone, who is speaking, captions, cues, the report."""
    try:
        invitation = invitation_for(ctx, token)
    except HTTPException as e:
        return templates.TemplateResponse(
            request, "invalid_invite.html", {"reason": e.detail}, status_code=e.status_code
        )
    gone = withdrawn(ctx, invitation)
    every = _attempts(ctx, invitation, everywhere=True)
    attempts, elsewhere = [a for a in every if a.here], [a for a in every if not a.here]
    return templates.TemplateResponse(
        request, "candidate.html",
        {"token": token, "mode": invitation.mode or "the role's", "attempts": attempts,
         "taken": _taken(ctx, invitation), "withdrawn": gone,
         # A withdrawn link shows only its own interviews' reports.
         "elsewhere": [] if gone else elsewhere,
         "progress": not gone and sum(1 for a in every if a.report_ready) >= 2,
         "retention_days": ctx.settings.audio_retention_days,
         "coding": _asks_coding(ctx, invitation),
         "paste_chars": ctx.settings.coding.paste_chars},
    )  # fmt: skip


@router.post("/api/join/{token}/opened", status_code=204, response_model=None)
def opened(token: str, ctx: Ctx) -> Response:
    """The candidate's page has opened in a browser (its script says so): recorded once, for
    the recruiter's list of invitations."""
    invitation = invitation_for(ctx, token)
    with ctx.db() as s:
        repo = InvitationRepository(s)
        record = repo.get(invitation.room)
        if record is not None:  # None: a link made before invitations were recorded
            repo.opened(record)
            s.commit()
    return Response(status_code=204)


class JoinRequest(BaseModel):
    """The candidate's agreement to what is recorded and kept (shown on the page first)."""

    consent: bool = False


@router.post("/api/join/{token}/token", response_model=RoomAccess)
def room_token(token: str, ctx: Ctx, body: JoinRequest | None = None) -> RoomAccess:
    """A short-lived token that joins this invitation's room, and only it, as this candidate;
    428 without the candidate's consent, 409 when the invitation is for an assessed interview
    already taken, 410 when the recruiter has withdrawn the invitation."""
    invitation = invitation_for(ctx, token)
    if withdrawn(ctx, invitation):
        raise HTTPException(status_code=410, detail="this invitation has been withdrawn")
    if body is None or not body.consent:
        raise HTTPException(status_code=428, detail="agree to what is recorded and kept first")
    if _taken(ctx, invitation):
        raise HTTPException(status_code=409, detail="this assessed interview has been taken; "
                            "its report stays on this page")  # fmt: skip
    with ctx.db() as s:  # the agreement is kept with the invitation, server-side
        repo = InvitationRepository(s)
        if (record := repo.get(invitation.room)) is not None:
            repo.consented(record)
            s.commit()
    ttl = ctx.settings.web.token_ttl_s
    jwt = candidate_token(
        ctx.settings.livekit, room=invitation.room, identity=invitation.identity,
        job=_job(invitation), agent_name=ctx.settings.web.agent_name, ttl_s=ttl,
        departure_s=int(ctx.settings.web.rejoin_s) + 30,
    )  # fmt: skip
    return RoomAccess(
        url=ctx.settings.livekit.browser_url, token=jwt, room=invitation.room,
        identity=invitation.identity, expires_in_s=ttl,
    )  # fmt: skip


# When each room last had a recruiter sent back (this process's memory), and how long (s) the
# next ask for it is refused: a job loads its models in about 12 s on 2 cores.
_recalled: dict[str, float] = {}
RECALL_EVERY_S = 30.0


def _job(invitation: Invitation) -> InterviewJob:
    return InterviewJob(
        role_id=invitation.role_id, role_version=invitation.role_version,
        candidate_id=invitation.candidate_id, mode=invitation.mode,
    )  # fmt: skip


@router.post("/api/join/{token}/reconnect", status_code=202, response_model=None)
async def reconnect(token: str, ctx: Ctx) -> Response:
    """Bring the recruiter back into this invitation's room after its job stopped mid-interview:
    a new job goes on with the stored interview where the candidate last heard it (202); or,
    where the job stopped after the interview ended but before its report was written, writes
    the report and tells the page.

    409 when no interview of this invitation is running or waiting for its report (nothing to
    go on with) or a recruiter is in the room already; 410 when the invitation is withdrawn;
    503 when the LiveKit server cannot be reached.
    """
    invitation = invitation_for(ctx, token)
    if withdrawn(ctx, invitation):
        raise HTTPException(status_code=410, detail="this invitation has been withdrawn")
    with ctx.db() as s:
        running = s.scalar(
            select(InterviewSession.id)
            .where(
                InterviewSession.channel == invitation.room,
                InterviewSession.candidate_id == invitation.candidate_id,
                InterviewSession.status == "running",
            )
            .limit(1)
        )
        # Or the last one ended and its job died before writing the report: the new job
        # writes it and tells the page.
        latest = SessionRepository(s).latest(channel=invitation.room,
                                             candidate_id=invitation.candidate_id)  # fmt: skip
        unreported = running is None and latest is not None and latest.status != "running" and (
            not SessionRepository(s).reported(latest.id))  # fmt: skip
    if running is None and not unreported:
        raise HTTPException(status_code=409, detail="no interview of this invitation is running")
    # One new recruiter per room at a time: a second ask (another tab, a retry) while the first
    # is still loading its models would start a second job on the same interview.
    last = _recalled.get(invitation.room)
    if last is not None and time.monotonic() - last < RECALL_EVERY_S:
        raise HTTPException(status_code=409, detail="a recruiter is on the way")
    try:
        sent = await recall_interviewer(ctx.settings.livekit, room=invitation.room,
                                        agent_name=ctx.settings.web.agent_name,
                                        job=_job(invitation).model_copy(
                                            update={"recalled": True}))  # fmt: skip
    except (TwirpError, aiohttp.ClientError, OSError) as e:
        raise HTTPException(status_code=503, detail="the interview service cannot be reached; "
                            "try again in a moment") from e  # fmt: skip
    if not sent:
        raise HTTPException(status_code=409, detail="the recruiter is in the room already")
    now = time.monotonic()
    for room in [r for r, at in _recalled.items() if now - at >= RECALL_EVERY_S]:
        del _recalled[room]  # kept no longer than it refuses
    _recalled[invitation.room] = now
    return Response(status_code=202)


@router.get("/api/join/{token}/status", response_model=InterviewStatus)
def interview_status(token: str, ctx: Ctx) -> InterviewStatus:
    """The candidate's interview in this room: its id, status and whether the report is ready."""
    attempts = _attempts(ctx, invitation_for(ctx, token))
    if not attempts:
        return InterviewStatus(session_id=None, status="waiting", report_ready=False)
    newest = attempts[0]
    return InterviewStatus(session_id=newest.session_id, status=newest.status,
                           report_ready=newest.report_ready, attempts=attempts)  # fmt: skip


@router.get("/join/{token}/report", response_class=FileResponse, include_in_schema=False)
def own_report(token: str, ctx: Ctx, session: str | None = None) -> FileResponse:
    """The report of one attempt in this room (``session``), by default the newest one that
    has a report (a self-contained page). A report held under another invitation opens from
    that invitation's own link only: a link passed on shows no more than its own interview."""
    ready = [a for a in _attempts(ctx, invitation_for(ctx, token)) if a.report_ready]
    chosen = next((a for a in ready if a.session_id == session), None) if session else None
    if chosen is None and not session and ready:
        chosen = ready[0]
    if chosen is None:
        raise HTTPException(status_code=404, detail="the report is not ready yet")
    return FileResponse(_report_file(ctx, chosen.session_id), media_type="text/html")


@router.get("/join/{token}/report.pdf", include_in_schema=False)
def own_report_pdf(token: str, request: Request, ctx: Ctx, session: str) -> Response:
    """The report of one attempt in this room as a PDF on the reader's paper (A4, or US Letter
    where the browser's language names a region that uses it)."""
    ready = [a for a in _attempts(ctx, invitation_for(ctx, token)) if a.report_ready]
    if not any(a.session_id == session for a in ready):
        raise HTTPException(status_code=404, detail="the report is not ready yet")
    return pdf_response(ctx, session, request.headers.get("accept-language"))


@router.get("/join/{token}/progress.png", include_in_schema=False)
def own_progress_png(token: str, ctx: Ctx) -> Response:
    """The candidate's own progress across all their interviews (scores and delivery, no
    words), as a PNG: the chart their recruiter sees."""
    invitation = invitation_for(ctx, token)
    if withdrawn(ctx, invitation):
        raise HTTPException(status_code=410, detail="this invitation has been withdrawn")
    with ctx.db() as s:
        data = progress(s, invitation.candidate_id)
    with charts:
        png = progress_chart_png(data)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


@router.get("/api/join/{token}/sessions/{session_id}/report")
def session_report(token: str, session_id: str, ctx: Ctx) -> dict[str, Any]:
    """The report JSON of one of the candidate's own sessions held under this invitation,
    without the recruiters' own review; any other session is not found."""
    invitation = invitation_for(ctx, token)
    with ctx.db() as s:
        session = s.get(InterviewSession, session_id)
        if (session is None or session.candidate_id != invitation.candidate_id
                or session.channel != invitation.room):  # fmt: skip
            raise HTTPException(status_code=404, detail="no such session for this invitation")
        try:
            report = build_report(s, session_id)
        except ReportError as e:
            raise HTTPException(status_code=409, detail=str(e)) from e
    competencies = [{**c, "human_score": None} for c in report["competencies"]]
    return {**report, "review": {"notes": [], "human_scores": []}, "human_overall": None,
            "competencies": competencies}  # fmt: skip
