"""The recruiters' JSON API under ``/api`` (sign-in cookie required; 401 otherwise).

It does what the dashboard pages do, through :mod:`web.actions`; its OpenAPI description is at
``/api/openapi.json``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from recruiter_phone.lines import PhoneLineState
from web import actions, invitation_list, role_editor
from web.actions import DashboardError
from web.auth import api_recruiter
from web.context import WebContext, context

__all__ = ["router"]

Ctx = Annotated[WebContext, Depends(context)]
Me = Annotated[str, Depends(api_recruiter)]


class Problem(BaseModel):
    """Why a request failed: every reason (for a role script, each located at file:line:col)."""

    detail: str
    errors: list[str]


_UNAUTHORISED: dict[int | str, dict[str, Any]] = {401: {"description": "Not signed in"}}
router = APIRouter(prefix="/api", tags=["recruiters"], responses=_UNAUTHORISED)


def _problem(e: DashboardError, detail: str) -> JSONResponse:
    return JSONResponse(Problem(detail=detail, errors=e.errors).model_dump(), e.status)


class SessionSummary(BaseModel):
    """One interview in the list."""

    id: str
    role_id: str
    role_version: str
    candidate_id: str | None
    status: str = Field(description="running, completed or failed")
    started_at: datetime
    ended_at: datetime | None
    turns: int
    mode: str | None = Field(default=None, description="practice or exam")
    state: str = Field(default="", description="started, completed, partial or abandoned")


class RoleRef(BaseModel):
    """Which role version a session ran."""

    id: str
    version: str
    title: str


class CompetencyScore(BaseModel):
    """A competency's scores and the quotes behind them."""

    model_config = ConfigDict(extra="allow")

    id: str
    name: str
    score: float | None
    human_score: float | None
    llm_score: float | None
    needs_review: bool
    evidence: list[dict[str, Any]]


class TranscriptTurn(BaseModel):
    """One turn of the transcript (seconds from the start of the session)."""

    turn: int
    speaker: str
    start_s: float
    end_s: float
    text: str
    # Words the recogniser was unsure of, stretches heard in another language and sentences not
    # made out: the report's transcript notes (``reports.build``), absent from older reports.
    unsure: list[dict[str, Any]] = []
    other_language: list[dict[str, str]] = []
    not_made_out: list[str] = []


class Report(BaseModel):
    """A session's report, as ``recruiter report`` writes ``report.json``."""

    model_config = ConfigDict(extra="allow")

    session_id: str
    role: RoleRef
    candidate_id: str | None
    started_at: str
    status: str
    scale: list[int]
    overall: float | None
    human_overall: float | None
    competencies: list[CompetencyScore]
    questions: list[dict[str, Any]]
    delivery: dict[str, Any]
    summary: dict[str, Any]
    practice_plan: list[dict[str, Any]]
    transcript: list[TranscriptTurn]
    review: dict[str, Any]


class StoredRole(BaseModel):
    """What an upload did: ``created`` is false when the identical version was already stored."""

    role_id: str
    version: str
    title: str
    created: bool
    sha256: str
    warnings: list[str] = []  # located; a warning never stops a script from being stored


class InvitationRequest(BaseModel):
    """Invite an existing candidate (``candidate_id``) or a new one (``candidate_name``)."""

    candidate_id: str | None = None
    candidate_name: str | None = None
    role_id: str = Field(min_length=1)
    role_version: str | None = None
    mode: Literal["practice", "exam"] | None = None


class InvitationLink(BaseModel):
    """The link to send the candidate, and when it stops working."""

    link: str
    expires_at: datetime
    candidate_id: str
    role_id: str
    role_version: str | None
    mode: Literal["practice", "exam"] | None
    room: str
    phone_number: str | None = None  # the phone line: call it and key in ``phone_code``
    phone_code: str | None = None


class ReviewRequest(BaseModel):
    """A recruiter's scores (1-5) by competency id, overall score and note; all optional."""

    scores: dict[str, float] = Field(default_factory=dict)
    overall: float | None = None
    note: str | None = None


class ReviewStored(BaseModel):
    """How many human rows were stored (the automatic ones are untouched)."""

    session_id: str
    recruiter_id: str
    scores: int
    note: bool


@router.get("/sessions", response_model=list[SessionSummary])
def list_sessions(ctx: Ctx, me: Me, limit: int = 200) -> list[SessionSummary]:
    """Sessions, newest first."""
    with ctx.db() as s:
        rows = actions.list_sessions(s, max(1, min(limit, 1000)))
    return [SessionSummary.model_validate(r, from_attributes=True) for r in rows]


@router.get(
    "/sessions/{session_id}/report",
    response_model=Report,
    responses={404: {"model": Problem}, 409: {"model": Problem}},
)
def session_report(ctx: Ctx, me: Me, session_id: str) -> Any:
    """A session's report (scored first if it has no scores yet)."""
    with ctx.db() as s:
        try:
            report = actions.session_report(s, session_id)
        except DashboardError as e:
            return _problem(e, "no report")
        s.commit()
    return report


class RoleText(BaseModel):
    """A role script's text, to check."""

    text: str


class RoleCheckResult(BaseModel):
    """What checking a role script found (nothing is stored)."""

    model_config = ConfigDict(from_attributes=True)

    valid: bool
    role_id: str | None
    version: str | None
    title: str | None
    errors: list[str] = Field(description="every located error: 'editor.yaml:LINE:COL field: ...'")
    warnings: list[str]
    previous_version: str | None = Field(description="the role's newest stored/shipped version")
    diff: str = Field(description="unified diff from that version (empty: new or unchanged)")


@router.post("/roles/check", response_model=RoleCheckResult)
def check_role(ctx: Ctx, me: Me, body: RoleText) -> Any:
    """Check a role script's text as the editor does on every change; nothing is stored."""
    with ctx.db() as s:
        return RoleCheckResult.model_validate(role_editor.check_role_text(s, body.text))


@router.post(
    "/roles",
    status_code=201,
    response_model=StoredRole,
    responses={
        409: {"model": Problem},
        413: {"model": Problem},
        422: {"model": Problem, "description": "Invalid script"},
    },
)
def upload_role(ctx: Ctx, me: Me, file: UploadFile) -> Any:
    """Store a role script (multipart ``file``) as a new version; 422 lists located errors."""
    data = file.file.read(actions.MAX_ROLE_BYTES + 1)
    with ctx.db() as s:
        try:
            result = actions.upload_role(s, file.filename, data)
        except DashboardError as e:
            return _problem(e, "invalid role script" if e.status == 422 else "not stored")
        s.commit()
    status = 201 if result.created else 200
    body = StoredRole.model_validate(result, from_attributes=True)
    return JSONResponse(body.model_dump(), status)


@router.post(
    "/invitations",
    status_code=201,
    response_model=InvitationLink,
    responses={422: {"model": Problem}},
)
def create_invitation(ctx: Ctx, me: Me, body: InvitationRequest) -> Any:
    """An invitation link for a candidate (created when given by name) and a role."""
    with ctx.db() as s:
        try:
            result = actions.invite(s, ctx, **body.model_dump(), invited_by=me)
        except DashboardError as e:
            return _problem(e, "no invitation")
        s.commit()
    return _link(result)


def _link(result: actions.InviteResult) -> InvitationLink:
    return InvitationLink(
        link=result.link, expires_at=result.expires_at, phone_number=result.phone_number,
        phone_code=result.phone_code, **result.invitation.model_dump(),
    )  # fmt: skip


class InvitationEntry(BaseModel):
    """An invitation and what became of it (``state``: sent, opened, started, done, expired
    or revoked); ``link`` is None once it has expired or been withdrawn."""

    model_config = ConfigDict(from_attributes=True)

    room: str
    candidate_id: str
    candidate_name: str
    role_id: str
    role_title: str
    mode: str | None
    state: str
    created_at: datetime
    expires_at: datetime
    opened_at: datetime | None
    sessions: int
    link: str | None


@router.get("/invitations", response_model=list[InvitationEntry])
def list_invitations(ctx: Ctx, me: Me, state: str | None = None) -> Any:
    """Every invitation, newest first; ``state`` keeps those in one state."""
    with ctx.db() as s:
        rows = invitation_list.list_invitations(s, ctx, actions.list_roles(s), state=state)
    return [InvitationEntry.model_validate(r) for r in rows]


@router.post(
    "/invitations/{room}/resend",
    response_model=InvitationLink,
    responses={404: {"model": Problem}, 409: {"model": Problem}},
)
def resend_invitation(ctx: Ctx, me: Me, room: str) -> Any:
    """Send an invitation again: a new link for the same interview, with a new expiry."""
    with ctx.db() as s:
        try:
            result = invitation_list.resend(s, ctx, room)
        except DashboardError as e:
            return _problem(e, "not sent again")
        s.commit()
    return _link(result)


@router.post(
    "/invitations/{room}/revoke", status_code=204, response_model=None,
    responses={404: {"model": Problem}},
)  # fmt: skip
def revoke_invitation(ctx: Ctx, me: Me, room: str) -> Response:
    """Withdraw an invitation: its link and phone code open no interview from now on."""
    with ctx.db() as s:
        try:
            invitation_list.revoke(s, room)
        except DashboardError as e:
            return _problem(e, "not withdrawn")
        s.commit()
    return Response(status_code=204)


@router.post(
    "/reviews/{session_id}",
    status_code=201,
    response_model=ReviewStored,
    responses={404: {"model": Problem}, 422: {"model": Problem}},
)
def create_review(ctx: Ctx, me: Me, session_id: str, body: ReviewRequest) -> Any:
    """Store the signed-in recruiter's review beside the automatic scores."""
    with ctx.db() as s:
        try:
            result = actions.review(
                s, session_id, me, scores=body.scores, overall=body.overall, note=body.note
            )
        except DashboardError as e:
            return _problem(e, "review not stored")
        s.commit()
    return ReviewStored(
        session_id=session_id, recruiter_id=me, scores=result.scores, note=result.note
    )


class PhoneRule(BaseModel):
    """One dispatch rule of the phone line: calls to ``numbers`` get ``agent_name``."""

    rule_id: str
    numbers: list[str]
    line: Literal["interview", "practice"] | None = Field(
        description="interview: a code is asked; practice: the practice role, no code"
    )
    practice_role: str | None
    agent_name: str | None


class PhoneLineView(BaseModel):
    """The phone line on the LiveKit server; ``trunk_id`` null: not set up there."""

    enabled: bool = Field(description="invitations offer the line (RECRUITER_PHONE__ENABLED)")
    trunk_id: str | None
    numbers: list[str]
    allowed_addresses: list[str]
    rules: list[PhoneRule]


def _phone_view(ctx: WebContext, line: PhoneLineState) -> PhoneLineView:
    rules = [
        PhoneRule(
            rule_id=r.rule_id,
            numbers=list(r.numbers),
            line=r.line.phone_line if r.line else None,
            practice_role=r.line.practice_role if r.line else None,
            agent_name=r.agent_name,
        )
        for r in line.rules
    ]
    return PhoneLineView(enabled=ctx.settings.phone.enabled, trunk_id=line.trunk_id,
                         numbers=list(line.numbers),
                         allowed_addresses=list(line.allowed_addresses), rules=rules)  # fmt: skip


_PHONE_FAILED: dict[int | str, dict[str, Any]] = {
    502: {"model": Problem, "description": "LiveKit server unreachable, or no SIP service"}
}


async def _phone_line(
    ctx: WebContext, change: Literal["show", "set up", "remove"], failed: str
) -> Any:
    try:
        return _phone_view(ctx, await actions.phone_line(ctx, change))
    except DashboardError as e:
        return _problem(e, failed)


@router.get("/phone-line", response_model=PhoneLineView, responses=_PHONE_FAILED)
async def get_phone_line(ctx: Ctx, me: Me) -> Any:
    """The phone line's trunk and dispatch rules on the LiveKit server."""
    return await _phone_line(ctx, "show", "phone line not read")


@router.put("/phone-line", response_model=PhoneLineView, responses=_PHONE_FAILED)
async def set_up_phone_line(ctx: Ctx, me: Me) -> Any:
    """Create (or re-create) the trunk and dispatch rules from the phone settings."""
    return await _phone_line(ctx, "set up", "phone line not set up")


@router.delete("/phone-line", response_model=PhoneLineView, responses=_PHONE_FAILED)
async def remove_phone_line(ctx: Ctx, me: Me) -> Any:
    """Delete the trunk and dispatch rules; calls to the numbers are refused after this."""
    return await _phone_line(ctx, "remove", "phone line not removed")
