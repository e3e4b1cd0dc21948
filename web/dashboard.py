"""The recruiter dashboard: sign-in, sessions, roles, the phone line, one session's report,
recording and review. The people pages (invitations, candidates, comparing a role's
candidates) are :mod:`web.dashboard_people`; both are included here, with the JSON API
(:mod:`web.api`), which does the same work through :mod:`web.actions`.

Pages are server-rendered Jinja2 templates (``web/templates``, :mod:`web.pages`) with one
stylesheet; nothing is loaded from elsewhere.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from reports.html import render_html, report_sections_html
from storage import CandidateRepository, FailedAttempts, RecruiterRepository
from web import actions, api, dashboard_people, role_editor
from web.actions import DashboardError
from web.auth import safe_next, sign_in, sign_out, signed_in
from web.context import WebContext
from web.pages import Ctx, Me, templates
from web.pages import failed as _failed
from web.pages import page as _page
from web.pdf import pdf_response

__all__ = ["router", "templates"]

log = logging.getLogger("web.dashboard")
_pages = APIRouter(include_in_schema=False)


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
    """Check the password; set the sign-in cookie and go on, or show the form again (401).

    Refused sign-ins are counted per recruiter id and address, per address, and per recruiter
    id from everywhere (``WebSettings``): past any bound the form says to wait, with 429 and
    ``Retry-After``, and no password is checked until the window has passed.
    """
    web = ctx.settings.web
    account, address = f"id:{recruiter_id.strip().lower()}", f"ip:{_address(request)}"
    bounds = (  # (key, failures allowed within the window)
        (f"{account} {address}", web.sign_in_failures_per_account),
        (address, web.sign_in_failures_per_address),
        (account, web.sign_in_failures_per_account_anywhere),
    )
    with ctx.db() as s:
        attempts = FailedAttempts(s, "sign-in")
        window = web.sign_in_window_s
        locked = any(attempts.locked_out(key, per_key=limit, overall=None, window_s=window)
                     for key, limit in bounds)  # fmt: skip
        record = None if locked else RecruiterRepository(s).verify(recruiter_id, password)
        if record is None and not locked:
            attempts.record(*(key for key, _ in bounds))
            s.commit()
    if locked:
        log.info("sign-in refused: too many refused sign-ins")
        minutes = max(1, round(web.sign_in_window_s / 60))
        wait = _page(
            request,
            "dashboard_login.html",
            429,
            next=safe_next(next),
            recruiter_id=recruiter_id,
            errors=[f"Too many refused sign-ins. Please wait {minutes} minutes and try again."],
        )
        wait.headers["Retry-After"] = str(round(web.sign_in_window_s))
        return wait
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


def _address(request: Request) -> str:
    """The client's address as the server saw it (behind a proxy, the proxy's: configure the
    proxy to pass it on, e.g. uvicorn's ``--proxy-headers``)."""
    return request.client.host if request.client else "unknown"


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
def upload_role_form(request: Request, ctx: Ctx, me: Me, file: UploadFile) -> Response:
    """Check an uploaded script; store it, or show every located problem (422)."""
    data = file.file.read(actions.MAX_ROLE_BYTES + 1)
    with ctx.db() as s:
        try:
            result = actions.upload_role(s, file.filename, data)
        except DashboardError as e:
            return _roles_page(request, ctx, me, e.status, errors=e.errors,
                               error_title=_not_stored(e))  # fmt: skip
        s.commit()
    return _stored(request, ctx, me, result)


def _not_stored(e: DashboardError) -> str | None:
    return "The role script is invalid; nothing was stored." if e.status == 422 else None


def _stored(request: Request, ctx: WebContext, me: str, result: actions.UploadResult) -> Response:
    """The roles page saying what storing a script did."""
    if result.created:
        notice = f"Stored {result.role_id} version {result.version} ({result.title})."
    else:
        notice = f"{result.role_id} version {result.version} is already stored; no change."
    return _roles_page(request, ctx, me, notice=notice, warnings=result.warnings)


def _editor(request: Request, me: str, text: str, status: int = 200, **values: Any) -> HTMLResponse:
    return _page(request, "dashboard_role_editor.html", status, recruiter=me, nav="roles",
                 text=text, **values)  # fmt: skip


@_pages.get("/dashboard/roles/editor")
def role_editor_page(request: Request, ctx: Ctx, me: Me, role: str | None = None) -> HTMLResponse:
    """The role editor: the role's newest version (``role``), or an example for a new one;
    checked as it is typed, compared with the newest version, stored as a new version."""
    with ctx.db() as s:
        try:
            text = role_editor.editor_text(s, role)
        except DashboardError as e:
            return _failed(request, me, e)
    return _editor(request, me, text)


@_pages.post("/dashboard/roles/editor")
def role_editor_store(
    request: Request, ctx: Ctx, me: Me, text: Annotated[str, Form()] = ""
) -> Response:
    """Store the editor's text as a new version, or show it again with every problem."""
    with ctx.db() as s:
        try:
            text = role_editor.editor_lines(text)
            result = actions.upload_role(s, role_editor.ORIGIN, text.encode("utf-8", "replace"))
        except DashboardError as e:
            return _editor(request, me, text, e.status, errors=e.errors,
                           error_title=_not_stored(e))  # fmt: skip
        s.commit()
    return _stored(request, ctx, me, result)


@_pages.post("/dashboard/roles/draft")
async def role_draft(
    request: Request, ctx: Ctx, me: Me, job_description: Annotated[str, Form()]
) -> HTMLResponse:
    """Draft a role script from a job description with the LLM; the draft opens in the editor
    for review (nothing is stored until it is)."""
    try:
        draft = await role_editor.draft_from_job(ctx, job_description)
    except DashboardError as e:
        with ctx.db() as s:
            text = role_editor.editor_text(s, None)
        return _editor(
            request, me, text, e.status, errors=e.errors, job_description=job_description
        )
    made = {"llm": "by the LLM", "llm-repaired": "by the LLM, after repair",
            "template": "from the plain template (the LLM's outlines were unusable)"}  # fmt: skip
    role = draft.role
    notice = (f"Drafted {made[draft.source]}: {len(role.competencies)} competencies, "
              f"{len(role.questions)} questions. Review every line, then store it.")  # fmt: skip
    return _editor(request, me, draft.text, notice=notice, warnings=[*draft.notes],
                   job_description=job_description)  # fmt: skip


# -- the phone line --------------------------------------------------------------------------


async def _phone_page(
    request: Request, ctx: WebContext, me: str, change: Literal["show", "set up", "remove"]
) -> HTMLResponse:
    values: dict[str, Any] = {"recruiter": me, "nav": "phone", "phone": ctx.settings.phone,
                              "livekit_url": ctx.settings.livekit.url}  # fmt: skip
    try:
        line = await actions.phone_line(ctx, change)
    except DashboardError as e:
        if change == "show" and not ctx.settings.phone.enabled:
            # Not offered here, and the server has no SIP service: that is no failure.
            off = ("The phone line is off. `recruiter up --phone` starts it (the SIP "
                   "service and its Redis beside the LiveKit server) and offers it on "
                   "invitations.")  # fmt: skip
            return _page(request, "dashboard_phone.html", notice=off, **values)
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
        return HTMLResponse(render_html(report, for_candidate=True))


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


router = APIRouter()
router.include_router(_pages)
router.include_router(dashboard_people.router)
router.include_router(api.router)
