"""The recruiter's people pages: invitations (with their states, sent again or withdrawn),
candidates by name, and a role's candidates compared side by side with shortlist marks."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from reports.progress import progress, progress_chart_png
from storage import CandidateRepository, ShortlistRepository
from web import actions, comparison, invitation_list
from web.actions import DashboardError
from web.context import WebContext
from web.pages import Ctx, Me
from web.pages import failed as _failed
from web.pages import page as _page

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


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


@router.get("/dashboard/invitations")
def invitations_page(
    request: Request,
    ctx: Ctx,
    me: Me,
    state: str | None = None,
    made: str | None = None,
    withdrawn: str | None = None,
    candidate: str | None = None,
    sent: str | None = None,
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
    elif sent == "again":
        values["notice"] = ("Sent again: a new link, working for the full time from now; the "
                            "links sent before it no longer open the interview.")  # fmt: skip
    return _invitations_page(request, ctx, me, state=state or "", **values)


@router.post("/dashboard/invitations")
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


@router.post("/dashboard/invitations/{room}/resend")
def resend_form(request: Request, ctx: Ctx, me: Me, room: str) -> Response:
    """Send an invitation again: a new link for the same interview, with a new expiry."""
    with ctx.db() as s:
        try:
            invitation_list.resend(s, ctx, room)
        except DashboardError as e:
            return _invitations_page(request, ctx, me, e.status, errors=e.errors)
        s.commit()
    return RedirectResponse(f"/dashboard/invitations?made={room}&sent=again", 303)


@router.post("/dashboard/invitations/{room}/revoke")
def revoke_form(request: Request, ctx: Ctx, me: Me, room: str) -> Response:
    """Withdraw an invitation: its link and phone code open no interview from now on."""
    with ctx.db() as s:
        try:
            invitation_list.revoke(s, room)
        except DashboardError as e:
            return _invitations_page(request, ctx, me, e.status, errors=e.errors)
        s.commit()
    return RedirectResponse(f"/dashboard/invitations?withdrawn={room}", 303)


# -- comparing a role's candidates -----------------------------------------------------------


def _comparison(ctx: WebContext, role_id: str) -> comparison.Comparison:
    with ctx.db() as s:
        return comparison.compare_role(s, role_id, actions.list_roles(s))


@router.get("/dashboard/roles/{role_id}/compare")
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


@router.get("/dashboard/roles/{role_id}/compare.csv")
def compare_csv(request: Request, ctx: Ctx, me: Me, role_id: str) -> Response:
    """The comparison as a CSV file (one row per candidate)."""
    try:
        found = _comparison(ctx, role_id)
    except DashboardError as e:
        return _failed(request, me, e)
    return Response(comparison.comparison_csv(found), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition":
                             f'attachment; filename="{role_id}-candidates.csv"'})  # fmt: skip


@router.post("/dashboard/roles/{role_id}/shortlist/{candidate_id}")
def shortlist_form(
    ctx: Ctx, me: Me, role_id: str, candidate_id: str, on: Annotated[bool, Form()]
) -> Response:
    """Put the candidate on the role's shortlist (``on``) or take them off it."""
    with ctx.db() as s:
        known = role_id in {r.id for r in actions.list_roles(s)}
        if known and CandidateRepository(s).get(candidate_id) is not None:
            marks = ShortlistRepository(s)
            if on:
                marks.mark(role_id, candidate_id, me)
            else:
                marks.clear(role_id, candidate_id)
            s.commit()
    return RedirectResponse(f"/dashboard/roles/{role_id}/compare#row-{candidate_id}", 303)


# -- candidates ------------------------------------------------------------------------------


@router.get("/dashboard/candidates")
def candidates_page(request: Request, ctx: Ctx, me: Me, q: str | None = None) -> HTMLResponse:
    """Candidates by name (a name search ``q``), with their sessions and invitations."""
    with ctx.db() as s:
        rows = actions.candidate_rows(s, q)
    return _page(request, "dashboard_candidates.html", recruiter=me, nav="candidates",
                 candidates=rows, q=(q or "").strip())  # fmt: skip


@router.get("/dashboard/candidates/{candidate_id}")
def candidate_page(request: Request, ctx: Ctx, me: Me, candidate_id: str) -> HTMLResponse:
    """A candidate's sessions, progress charts and invitations."""
    with ctx.db() as s:
        candidate = CandidateRepository(s).get(candidate_id)
        if candidate is None:
            return _failed(request, me, DashboardError(404, [f"no candidate {candidate_id!r}"]))
        sessions = CandidateRepository(s).sessions(candidate_id)
        data = progress(s, candidate_id)
        roles = actions.list_roles(s)
    with ctx.db() as s:
        invitations = [i for i in invitation_list.list_invitations(s, ctx, roles)
                       if i.candidate_id == candidate_id]  # fmt: skip
    return _page(
        request,
        "dashboard_candidate.html",
        recruiter=me,
        candidate=candidate,
        sessions=sessions,
        progress=data,
        statuses={x.id: x.status for x in sessions},
        invitations=invitations,
    )


@router.get("/dashboard/candidates/{candidate_id}/progress.png")
def candidate_progress_png(ctx: Ctx, me: Me, candidate_id: str) -> Response:
    """The candidate's progress charts (scores and delivery across sessions) as a PNG."""
    with ctx.db() as s:
        if CandidateRepository(s).get(candidate_id) is None:
            return Response(status_code=404)
        data = progress(s, candidate_id)
    with actions.charts:
        png = progress_chart_png(data)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})
