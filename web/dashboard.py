"""The recruiter dashboard: sign-in, sessions, invitations, roles, reports, reviews, progress.

Pages are server-rendered Jinja2 templates (``web/templates``) with one stylesheet; nothing is
loaded from elsewhere. The JSON API (:mod:`web.api`) is included here and does the same work
through :mod:`web.actions`.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from reports.build import clock
from reports.html import marked_html, render_html, report_sections_html
from reports.progress import progress, progress_chart_png
from storage import CandidateRepository, RecruiterRepository, ShortlistRepository
from web import actions, api, comparison, invitation_list
from web.actions import DashboardError
from web.auth import page_recruiter, safe_next, sign_in, sign_out, signed_in
from web.context import WebContext, context
from web.pdf import pdf_response

__all__ = ["router", "templates"]

log = logging.getLogger("web.dashboard")
_pages = APIRouter(include_in_schema=False)

Ctx = Annotated[WebContext, Depends(context)]
Me = Annotated[str, Depends(page_recruiter)]


def _when(value: datetime | str | None) -> str:
    if value is None:
        return "—"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.strftime("%Y-%m-%d %H:%M UTC")  # stored in UTC (SQLite drops the zone)


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def _marked(turn: dict[str, Any]) -> Markup:
    # marked_html escapes the text itself.
    return Markup(marked_html(turn["text"], turn.get("unsure", [])))


templates.env.filters.update(when=_when, score=_score, clock=clock, marked=_marked)


def _page(request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, values, status_code=status)


def _failed(
    request: Request,
    me: str | None,
    e: DashboardError,
    name: str = "dashboard_error.html",
    **values: Any,
) -> HTMLResponse:
    return _page(request, name, e.status, recruiter=me, errors=e.errors, code=e.status, **values)


# -- sign-in ---------------------------------------------------------------------------------


@_pages.get("/login")
def login_page(request: Request, ctx: Ctx, next: str | None = None) -> Response:
    """The sign-in form (straight on to ``next`` when already signed in)."""
    if signed_in(request, ctx):
        return RedirectResponse(safe_next(next), status_code=303)
    return _page(request, "dashboard_login.html", next=safe_next(next))


@_pages.post("/login")
def login(
    request: Request,
    ctx: Ctx,
    recruiter_id: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str | None, Form()] = None,
) -> Response:
    """Check the password; set the sign-in cookie and go on, or show the form again (401)."""
    with ctx.db() as s:
        record = RecruiterRepository(s).verify(recruiter_id, password)
    if record is None:
        log.info("sign-in refused")
        return _page(
            request,
            "dashboard_login.html",
            401,
            next=safe_next(next),
            recruiter_id=recruiter_id,
            errors=["Wrong recruiter id or password."],
        )
    response = RedirectResponse(safe_next(next), status_code=303)
    sign_in(response, ctx, record.id)
    return response


@_pages.post("/logout")
def logout() -> Response:
    """Clear the sign-in cookie."""
    response = RedirectResponse("/login", status_code=303)
    sign_out(response)
    return response


# -- sessions and invitations ----------------------------------------------------------------


def _sessions_page(
    request: Request,
    ctx: WebContext,
    me: str,
    status: int = 200,
    shown: dict[str, str] | None = None,
    **values: Any,
) -> HTMLResponse:
    shown = {k: v for k, v in (shown or {}).items() if v}
    with ctx.db() as s:
        roles, candidates = actions.list_roles(s), actions.list_candidates(s)
        rows = actions.list_sessions(s, role_id=shown.get("role"), status=shown.get("status"),
                                     candidate=shown.get("q"), roles=roles)  # fmt: skip
    return _page(
        request,
        "dashboard_sessions.html",
        status,
        recruiter=me,
        nav="sessions",
        sessions=rows,
        roles=roles,
        candidates=candidates,
        statuses=actions.SESSION_STATES,
        shown=shown,
        **values,
    )


@_pages.get("/dashboard")
def sessions_page(
    request: Request,
    ctx: Ctx,
    me: Me,
    role: str | None = None,
    status: str | None = None,
    q: str | None = None,
) -> HTMLResponse:
    """Sessions, newest first (filtered by ``role``, ``status`` and a candidate name search
    ``q``), and the invitation form."""
    return _sessions_page(request, ctx, me, shown={"role": role or "", "status": status or "",
                                                   "q": (q or "").strip()})  # fmt: skip


def _invitations_page(
    request: Request,
    ctx: WebContext,
    me: str,
    status: int = 200,
    state: str = "",
    **values: Any,
) -> HTMLResponse:
    with ctx.db() as s:
        roles, candidates = actions.list_roles(s), actions.list_candidates(s)
        rows = invitation_list.list_invitations(s, ctx, roles, state=state or None)
    return _page(request, "dashboard_invitations.html", status, recruiter=me, nav="invitations",
                 invitations=rows, roles=roles, candidates=candidates, shown_state=state,
                 states=invitation_list.STATES, ttl_hours=ctx.settings.web.invite_ttl_hours,
                 **values)  # fmt: skip


@_pages.get("/dashboard/invitations")
def invitations_page(
    request: Request,
    ctx: Ctx,
    me: Me,
    state: str | None = None,
    made: str | None = None,
    withdrawn: str | None = None,
    candidate: str | None = None,
) -> HTMLResponse:
    """Every invitation with its state, copy link, send again and withdraw; the invitation
    form (for ``candidate`` when given). ``made``: the invitation just made or sent again,
    shown with its link."""
    values: dict[str, Any] = {"chosen_candidate": candidate}
    if made:
        with ctx.db() as s:
            shown = invitation_list.shown(s, ctx, made)
        if shown is not None:
            values.update(invite=shown, chosen_role=shown.invitation.role_id)
    if withdrawn:
        values["notice"] = "The invitation is withdrawn: its link and phone code open nothing now."
    return _invitations_page(request, ctx, me, state=state or "", **values)


@_pages.post("/dashboard/invitations")
def invite_form(
    request: Request,
    ctx: Ctx,
    me: Me,
    role_id: Annotated[str, Form()],
    candidate_id: Annotated[str | None, Form()] = None,
    candidate_name: Annotated[str | None, Form()] = None,
    role_version: Annotated[str | None, Form()] = None,
    mode: Annotated[Literal["practice", "exam"] | None, Form()] = None,
) -> Response:
    """Create an invitation (and the candidate, when new), then show it with its link (a
    redirect, so that reloading the page does not invite again)."""
    with ctx.db() as s:
        try:
            result = actions.invite(
                s, ctx, role_id=role_id, candidate_id=candidate_id,
                candidate_name=candidate_name, role_version=role_version, mode=mode,
                invited_by=me,
            )  # fmt: skip
        except DashboardError as e:
            return _invitations_page(request, ctx, me, e.status, errors=e.errors,
                                     chosen_role=role_id)  # fmt: skip
        s.commit()
    return RedirectResponse(f"/dashboard/invitations?made={result.invitation.room}", 303)


@_pages.post("/dashboard/invitations/{room}/resend")
def resend_form(request: Request, ctx: Ctx, me: Me, room: str) -> Response:
    """Send an invitation again: a new link for the same interview, with a new expiry."""
    with ctx.db() as s:
        try:
            invitation_list.resend(s, ctx, room)
        except DashboardError as e:
            return _invitations_page(request, ctx, me, e.status, errors=e.errors)
        s.commit()
    return RedirectResponse(f"/dashboard/invitations?made={room}", 303)


@_pages.post("/dashboard/invitations/{room}/revoke")
def revoke_form(request: Request, ctx: Ctx, me: Me, room: str) -> Response:
    """Withdraw an invitation: its link and phone code open no interview from now on."""
    with ctx.db() as s:
        try:
            invitation_list.revoke(s, room)
        except DashboardError as e:
            return _invitations_page(request, ctx, me, e.status, errors=e.errors)
        s.commit()
    return RedirectResponse(f"/dashboard/invitations?withdrawn={room}", 303)


# -- roles -----------------------------------------------------------------------------------


def _roles_page(
    request: Request, ctx: WebContext, me: str, status: int = 200, **values: Any
) -> HTMLResponse:
    with ctx.db() as s:
        roles = actions.list_roles(s)
    return _page(
        request, "dashboard_roles.html", status, recruiter=me, nav="roles", roles=roles, **values
    )


@_pages.get("/dashboard/roles")
def roles_page(request: Request, ctx: Ctx, me: Me) -> HTMLResponse:
    """Shipped and stored roles with their versions, and the upload form."""
    return _roles_page(request, ctx, me)


@_pages.post("/dashboard/roles")
def upload_role_form(request: Request, ctx: Ctx, me: Me, file: UploadFile) -> HTMLResponse:
    """Check an uploaded script; store it, or show every located problem (422)."""
    data = file.file.read(actions.MAX_ROLE_BYTES + 1)
    with ctx.db() as s:
        try:
            result = actions.upload_role(s, file.filename, data)
        except DashboardError as e:
            title = "The role script is invalid; nothing was stored." if e.status == 422 else None
            return _roles_page(request, ctx, me, e.status, errors=e.errors, error_title=title)
        s.commit()
    if result.created:
        notice = f"Stored {result.role_id} version {result.version} ({result.title})."
    else:
        notice = f"{result.role_id} version {result.version} is already stored; no change."
    return _roles_page(request, ctx, me, notice=notice, warnings=result.warnings)


# -- the phone line --------------------------------------------------------------------------


async def _phone_page(
    request: Request, ctx: WebContext, me: str, change: Literal["show", "set up", "remove"]
) -> HTMLResponse:
    values: dict[str, Any] = {"recruiter": me, "nav": "phone", "phone": ctx.settings.phone,
                              "livekit_url": ctx.settings.livekit.url}  # fmt: skip
    try:
        line = await actions.phone_line(ctx, change)
    except DashboardError as e:
        return _page(request, "dashboard_phone.html", e.status, errors=e.errors, **values)
    wanted = [ctx.settings.phone.interview_number, ctx.settings.phone.practice_number]
    missing = [n for n in wanted if n and n not in line.numbers]
    notice = {"set up": "The phone line is set up.", "remove": "The phone line is removed."}
    return _page(request, "dashboard_phone.html", line=line, missing=missing,
                 notice=notice.get(change), **values)  # fmt: skip


@_pages.get("/dashboard/phone")
async def phone_page(request: Request, ctx: Ctx, me: Me) -> HTMLResponse:
    """The phone line: its settings, and its trunk and dispatch rules on the LiveKit server."""
    return await _phone_page(request, ctx, me, "show")


@_pages.post("/dashboard/phone/setup")
async def phone_setup_form(request: Request, ctx: Ctx, me: Me) -> HTMLResponse:
    """Create (or re-create) the trunk and dispatch rules from the phone settings."""
    log.info("phone line set up by %s", me)
    return await _phone_page(request, ctx, me, "set up")


@_pages.post("/dashboard/phone/remove")
async def phone_remove_form(request: Request, ctx: Ctx, me: Me) -> HTMLResponse:
    """Delete the trunk and dispatch rules; calls to the numbers are refused after this."""
    log.info("phone line removed by %s", me)
    return await _phone_page(request, ctx, me, "remove")


# -- one session -----------------------------------------------------------------------------


def _scored(ctx: WebContext, session_id: str) -> dict[str, Any]:
    """The session's report, scored first when needed (committed)."""
    with ctx.db() as s:
        report = actions.session_report(s, session_id)
        s.commit()
    return report


@_pages.get("/dashboard/sessions/{session_id}")
def session_page(
    request: Request, ctx: Ctx, me: Me, session_id: str, saved: str | None = None
) -> HTMLResponse:
    """A session's scores with their quotes, transcript, reviews and the review form
    (``saved=review``: just saved, say so)."""
    try:
        report = _scored(ctx, session_id)
    except DashboardError as e:
        return _failed(request, me, e)
    notice = "Your review is saved." if saved == "review" else None
    with ctx.db() as s:
        audio = actions.session_audio(s, session_id, ctx.settings.sessions_dir) is not None
        person = CandidateRepository(s).get(report["candidate_id"] or "")
        name = (person.display_name or "(no name)") if person is not None else None
    with actions.charts:
        sections = Markup(report_sections_html(report))  # built from escaped parts
    return _page(request, "dashboard_session.html", recruiter=me, nav="sessions", report=report,
                 notice=notice, sections=sections, audio=audio, candidate_name=name)  # fmt: skip


@_pages.get("/dashboard/sessions/{session_id}/audio")
def session_audio(ctx: Ctx, me: Me, session_id: str) -> Response:
    """The session's recording (both sides on the transcript's clock); 404 when none is kept."""
    with ctx.db() as s:
        found = actions.session_audio(s, session_id, ctx.settings.sessions_dir)
    if found is None:
        return Response("no recording is kept for this session", 404, media_type="text/plain")
    path, kind = found
    return FileResponse(path, media_type=kind, headers={"Cache-Control": "private, no-store"})


@_pages.get("/dashboard/sessions/{session_id}/report.html")
def session_report_html(request: Request, ctx: Ctx, me: Me, session_id: str) -> HTMLResponse:
    """The full self-contained report page, as ``recruiter report`` writes it."""
    try:
        report = _scored(ctx, session_id)
    except DashboardError as e:
        return _failed(request, me, e)
    with actions.charts:
        return HTMLResponse(render_html(report))


@_pages.get("/dashboard/sessions/{session_id}/report.pdf")
def session_report_pdf(request: Request, ctx: Ctx, me: Me, session_id: str) -> Response:
    """The report as the candidate gets it, as a PDF on the reader's paper."""
    try:
        _scored(ctx, session_id)
    except DashboardError as e:
        return _failed(request, me, e)
    return pdf_response(ctx, session_id, request.headers.get("accept-language"))


@_pages.post("/dashboard/sessions/{session_id}/review")
def review_form(
    request: Request,
    ctx: Ctx,
    me: Me,
    session_id: str,
    competency: Annotated[list[str] | None, Form()] = None,
    score: Annotated[list[str] | None, Form()] = None,
    overall: Annotated[str | None, Form()] = None,
    note: Annotated[str | None, Form()] = None,
) -> Response:
    """Store the signed-in recruiter's scores and note; back to the session."""
    try:
        scores = {c: float(v) for c, v in zip(competency or [], score or [], strict=False) if v}
        overall_value = float(overall) if overall else None
    except ValueError:
        e = DashboardError(422, ["scores must be numbers from 1 to 5"])
        return _failed(request, me, e)
    with ctx.db() as s:
        try:
            actions.review(s, session_id, me, scores=scores, overall=overall_value, note=note)
        except DashboardError as e:
            return _failed(request, me, e)
        s.commit()
    return RedirectResponse(f"/dashboard/sessions/{session_id}?saved=review#review", 303)


# -- comparing a role's candidates -----------------------------------------------------------


def _comparison(ctx: WebContext, role_id: str) -> comparison.Comparison:
    with ctx.db() as s:
        return comparison.compare_role(s, role_id, actions.list_roles(s))


@_pages.get("/dashboard/roles/{role_id}/compare")
def compare_page(
    request: Request, ctx: Ctx, me: Me, role_id: str, shortlisted: bool = False
) -> HTMLResponse:
    """The role's candidates side by side: a heatmap of competency scores, each a click from
    its evidence, with shortlist marks (``shortlisted``: only those)."""
    try:
        found = _comparison(ctx, role_id)
    except DashboardError as e:
        return _failed(request, me, e)
    rows = [r for r in found.rows if r.shortlisted] if shortlisted else found.rows
    return _page(request, "dashboard_compare.html", recruiter=me, nav="roles", comparison=found,
                 rows=rows, only_shortlisted=shortlisted)  # fmt: skip


@_pages.get("/dashboard/roles/{role_id}/compare.csv")
def compare_csv(request: Request, ctx: Ctx, me: Me, role_id: str) -> Response:
    """The comparison as a CSV file (one row per candidate)."""
    try:
        found = _comparison(ctx, role_id)
    except DashboardError as e:
        return _failed(request, me, e)
    return Response(comparison.comparison_csv(found), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition":
                             f'attachment; filename="{role_id}-candidates.csv"'})  # fmt: skip


@_pages.post("/dashboard/roles/{role_id}/shortlist/{candidate_id}")
def shortlist_form(
    ctx: Ctx, me: Me, role_id: str, candidate_id: str, on: Annotated[bool, Form()]
) -> Response:
    """Put the candidate on the role's shortlist (``on``) or take them off it."""
    with ctx.db() as s:
        if CandidateRepository(s).get(candidate_id) is not None:
            marks = ShortlistRepository(s)
            if on:
                marks.mark(role_id, candidate_id, me)
            else:
                marks.clear(role_id, candidate_id)
            s.commit()
    return RedirectResponse(f"/dashboard/roles/{role_id}/compare#row-{candidate_id}", 303)


# -- candidates ------------------------------------------------------------------------------


@_pages.get("/dashboard/candidates")
def candidates_page(request: Request, ctx: Ctx, me: Me, q: str | None = None) -> HTMLResponse:
    """Candidates by name (a name search ``q``), with their sessions and invitations."""
    with ctx.db() as s:
        rows = actions.candidate_rows(s, q)
    return _page(request, "dashboard_candidates.html", recruiter=me, nav="candidates",
                 candidates=rows, q=(q or "").strip())  # fmt: skip


@_pages.get("/dashboard/candidates/{candidate_id}")
def candidate_page(request: Request, ctx: Ctx, me: Me, candidate_id: str) -> HTMLResponse:
    """A candidate's sessions and progress charts."""
    with ctx.db() as s:
        candidate = CandidateRepository(s).get(candidate_id)
        if candidate is None:
            return _failed(request, me, DashboardError(404, [f"no candidate {candidate_id!r}"]))
        sessions = CandidateRepository(s).sessions(candidate_id)
        data = progress(s, candidate_id)
    return _page(
        request,
        "dashboard_candidate.html",
        recruiter=me,
        candidate=candidate,
        sessions=sessions,
        progress=data,
        statuses={x.id: x.status for x in sessions},
    )


@_pages.get("/dashboard/candidates/{candidate_id}/progress.png")
def candidate_progress_png(ctx: Ctx, me: Me, candidate_id: str) -> Response:
    """The candidate's progress charts (scores and delivery across sessions) as a PNG."""
    with ctx.db() as s:
        if CandidateRepository(s).get(candidate_id) is None:
            return Response(status_code=404)
        data = progress(s, candidate_id)
    with actions.charts:
        png = progress_chart_png(data)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


router = APIRouter()
router.include_router(_pages)
router.include_router(api.router)
