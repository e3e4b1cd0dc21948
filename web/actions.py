"""What a signed-in recruiter can do, shared by the dashboard pages and the JSON API.

Each function takes a database session and flushes through the repositories; the route commits.
Failures raise :class:`DashboardError` with the HTTP status and every message to show.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePath
from typing import Any, Literal

from livekit import api
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recruiter_phone.lines import (
    PhoneLineState,
    read_phone_line,
    remove_phone_line,
    set_up_phone_line,
)
from reports.assessment import score_session
from reports.build import build_report
from reports.reviews import ReviewError, ReviewResult, record_review
from reports.session_view import ReportError
from rubrics import (
    RoleError,
    load_role_source,
    resolve_role,
    shipped_role_ids,
    version_conflict,
)
from rubrics.loading import MAX_ROLE_BYTES, parse_role_bytes
from storage import (
    AssessmentRepository,
    Candidate,
    CandidateRepository,
    InterviewCodeRepository,
    InterviewSession,
    InvitationRecord,
    InvitationRepository,
    RoleRepository,
    RoleVersionConflictError,
    Score,
    SessionRepository,
    Turn,
)
from web.context import WebContext
from web.errors import WebError
from web.invites import Invitation

__all__ = [
    "MAX_ROLE_BYTES",
    "SESSION_STATES",
    "CandidateRow",
    "DashboardError",
    "InviteResult",
    "ReviewResult",
    "RoleRow",
    "SessionRow",
    "UploadResult",
    "candidate_rows",
    "charts",
    "invite",
    "list_candidates",
    "list_roles",
    "list_sessions",
    "name_key",
    "phone_line",
    "review",
    "session_audio",
    "session_report",
    "session_state",
    "upload_role",
]

_SEARCHED = 10_000  # the newest sessions a candidate name search looks through
# pyplot keeps global state and routes run on a thread pool: one chart is drawn at a time.
charts = threading.Lock()


class DashboardError(WebError):
    """A recruiter's request cannot be done; ``errors`` says every reason, ``status`` the code."""

    def __init__(self, status: int, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.status = status
        self.errors = errors


@dataclass(frozen=True)
class SessionRow:
    """One interview in the session list."""

    id: str
    role_id: str
    role_version: str
    candidate_id: str | None
    status: str
    started_at: datetime
    ended_at: datetime | None
    turns: int
    mode: str | None = None
    candidate_name: str | None = None
    role_title: str | None = None
    overall: float | None = None  # the automatic overall score; None: not scored or partial
    state: str = ""  # as a recruiter reads it: started, completed, partial or abandoned


SESSION_STATES = ("started", "completed", "partial", "abandoned")


def session_state(status: str, scored: bool, overall: float | None, answers: int = 1) -> str:
    """How a session stands for a recruiter: ``started`` (running), ``abandoned`` (the
    candidate left before the end), ``partial`` (ended with no answer at all, or scored
    without an overall score because some competency's questions went unanswered) or
    ``completed``."""
    if status == "running":
        return "started"
    if status == "failed":
        return "abandoned"
    return "partial" if answers == 0 or (scored and overall is None) else "completed"


@dataclass(frozen=True)
class RoleRow:
    """A role: its shipped version (if it ships) and its stored versions, oldest first."""

    id: str
    title: str
    shipped_version: str | None
    stored_versions: list[str]


@dataclass(frozen=True)
class UploadResult:
    """What storing an uploaded role script did."""

    role_id: str
    version: str
    title: str
    created: bool
    sha256: str
    warnings: tuple[str, ...] = ()  # located, as `recruiter roles validate` prints them


@dataclass(frozen=True)
class InviteResult:
    """An issued invitation: the link to send and when it stops working."""

    link: str
    expires_at: datetime
    invitation: Invitation
    # The same invitation on the phone line (when enabled): call ``phone_number``, key in
    # ``phone_code``.
    phone_code: str | None = None
    phone_number: str | None = None


def list_sessions(
    s: Session,
    limit: int = 200,
    *,
    role_id: str | None = None,
    status: str | None = None,
    candidate: str | None = None,
    roles: list[RoleRow] | None = None,
) -> list[SessionRow]:
    """The newest sessions first, with their turn counts, candidate names, role titles and
    automatic overall scores; only those of ``role_id``, with ``status``, or whose candidate's
    name contains ``candidate`` (any case) when given. ``roles``: :func:`list_roles`, when the
    caller has it already (it reads every shipped script)."""
    turns = (
        select(Turn.session_id, func.count(Turn.id).label("n")).group_by(Turn.session_id).subquery()
    )
    answers = (
        select(Turn.session_id, func.count(Turn.id).label("n"))
        .where(Turn.speaker == "candidate")
        .group_by(Turn.session_id)
        .subquery()
    )
    overall = (
        select(Score.session_id, func.max(Score.value).label("overall"))
        .where(Score.scope == "overall", Score.source == "deterministic")
        .group_by(Score.session_id)
        .subquery()
    )
    scored = (
        select(Score.session_id, func.count(Score.id).label("n"))
        .where(Score.source == "deterministic")
        .group_by(Score.session_id)
        .subquery()
    )
    query = (
        select(
            InterviewSession,
            func.coalesce(turns.c.n, 0),
            Candidate.display_name,
            overall.c.overall,
            func.coalesce(scored.c.n, 0),
            func.coalesce(answers.c.n, 0),
        )
        .outerjoin(turns, turns.c.session_id == InterviewSession.id)
        .outerjoin(answers, answers.c.session_id == InterviewSession.id)
        .outerjoin(overall, overall.c.session_id == InterviewSession.id)
        .outerjoin(scored, scored.c.session_id == InterviewSession.id)
        .outerjoin(Candidate, Candidate.id == InterviewSession.candidate_id)
    )
    if role_id:
        query = query.where(InterviewSession.role_id == role_id)
    # A state (started, completed, partial, abandoned) or a stored status (running, failed).
    stored = {"started": "running", "abandoned": "failed", "partial": "completed"}
    if status:
        query = query.where(InterviewSession.status == stored.get(status, status))
    if candidate:
        # Matched here, not in SQL: SQLite's lower() folds ASCII letters only ("Élise").
        query = query.where(Candidate.display_name.is_not(None))
    rows = s.execute(
        query.order_by(InterviewSession.started_at.desc(), InterviewSession.id).limit(
            limit if not candidate else _SEARCHED
        )
    ).all()
    if candidate:
        wanted = name_key(candidate)
        rows = [r for r in rows if wanted in name_key(r[2] or "")][:limit]
    titles = {r.id: r.title for r in (list_roles(s) if roles is None else roles)}
    found = [
        SessionRow(
            r.id, r.role_id, r.role_version, r.candidate_id, r.status, r.started_at, r.ended_at,
            int(n), r.mode, name, titles.get(r.role_id), score,
            session_state(r.status, bool(k), score, int(said)),
        )
        for r, n, name, score, k, said in rows
    ]  # fmt: skip
    if status in ("completed", "partial"):
        found = [r for r in found if r.state == status]
    return found


@dataclass(frozen=True)
class CandidateRow:
    """A candidate in the candidates list."""

    id: str
    name: str
    created_at: datetime
    sessions: int
    last_session_at: datetime | None
    invitations: int


def candidate_rows(s: Session, name: str | None = None) -> list[CandidateRow]:
    """Every candidate by name (those whose name contains ``name``, in any case, when given),
    with how many sessions and invitations they have and when their last session began."""
    session = InterviewSession
    held = (
        select(session.candidate_id.label("cid"), func.count(session.id).label("n"),
               func.max(session.started_at).label("last"))
        .group_by(session.candidate_id)
        .subquery()
    )  # fmt: skip
    sent = (
        select(InvitationRecord.candidate_id.label("cid"), func.count().label("n"))
        .group_by(InvitationRecord.candidate_id)
        .subquery()
    )
    rows = s.execute(
        select(Candidate, func.coalesce(held.c.n, 0), held.c.last, func.coalesce(sent.c.n, 0))
        .outerjoin(held, held.c.cid == Candidate.id)
        .outerjoin(sent, sent.c.cid == Candidate.id)
    ).all()
    wanted = name_key(name or "")  # matched here: SQLite folds ASCII case only
    found = [
        CandidateRow(c.id, c.display_name or "(no name)", c.created_at, int(n), last, int(k))
        for c, n, last, k in rows
        if wanted in name_key(c.display_name or "")
    ]
    return sorted(found, key=lambda r: (name_key(r.name), r.created_at))


def name_key(name: str) -> str:
    """A name as people sort and search it: accents, case, apostrophe style and spacing aside
    ("Élise" sorts before "Zoë"; "jose d'avila" finds "José  D\u2019Ávila"). Letters that do not
    decompose (Ł, Ø) stay as they are."""
    parts = unicodedata.normalize("NFKD", name.casefold().replace("\u2019", "'"))
    return " ".join("".join(c for c in parts if not unicodedata.combining(c)).split())


def list_candidates(s: Session) -> list[tuple[str, str]]:
    """Every candidate as ``(id, display name)``, by name (for the invitation form)."""
    rows = s.execute(select(Candidate.id, Candidate.display_name).order_by(
        func.lower(func.coalesce(Candidate.display_name, "")), Candidate.created_at))  # fmt: skip
    return [(i, name or "(no name)") for i, name in rows]


def list_roles(s: Session) -> list[RoleRow]:
    """Shipped and stored roles, by id (a stored role's title is its latest version's)."""
    repo = RoleRepository(s)
    stored = {r.role_id: r for r in repo.all_latest()}
    shipped = {i: load_role_source(i).role for i in shipped_role_ids()}
    rows = []
    for role_id in sorted(set(shipped) | set(stored)):
        title = stored[role_id].title if role_id in stored else shipped[role_id].title
        versions = [v.version for v in repo.versions(role_id)] if role_id in stored else []
        ships = shipped[role_id].version if role_id in shipped else None
        rows.append(RoleRow(role_id, title, ships, versions))
    return rows


def upload_role(s: Session, filename: str | None, data: bytes) -> UploadResult:
    """Check an uploaded role script and store it as a new version (identical: no change).

    Warnings (repeated questions, placeholder anchors) do not stop a script; they come back
    located in ``UploadResult.warnings``.

    Raises:
        DashboardError: 413 too large, 422 invalid (every located issue), 409 version conflict.
    """
    if len(data) > MAX_ROLE_BYTES:
        raise DashboardError(413, [f"a role script is at most {MAX_ROLE_BYTES // 1024} KiB"])
    origin = PurePath(filename or "upload.yaml").name or "upload.yaml"
    try:
        source = parse_role_bytes(data, origin)
    except RoleError as e:
        # The same lines `recruiter roles validate` prints.
        raise DashboardError(422, [str(i) for i in e.issues] or [str(e)]) from e
    role = source.role
    conflict = version_conflict(s, role.id, role.version, source.text)
    if conflict is not None:
        raise DashboardError(409, [conflict])
    try:
        result = RoleRepository(s).store(
            role_id=role.id, version=role.version, title=role.title, content=source.text
        )
    except RoleVersionConflictError as e:
        raise DashboardError(409, [str(e)]) from e
    record = result.record
    warnings = tuple(str(w) for w in source.warnings)
    return UploadResult(
        role.id, role.version, role.title, result.created, record.content_sha256, warnings
    )


def _check_role(s: Session, role_id: str, version: str | None) -> None:
    try:
        resolve_role(s, role_id, version)
    except RoleError as e:
        raise DashboardError(422, [str(e)]) from e


def invite(
    s: Session,
    ctx: WebContext,
    *,
    role_id: str,
    candidate_id: str | None = None,
    candidate_name: str | None = None,
    role_version: str | None = None,
    mode: Literal["practice", "exam"] | None = None,
    invited_by: str | None = None,
) -> InviteResult:
    """Invite an existing candidate, or a new one by name, to an interview for a role; the
    invitation is recorded (``invited_by``: the recruiter's login) for following it up.

    Raises:
        DashboardError: 422 for a missing or unknown candidate, role or version.
    """
    candidate_id, candidate_name = (candidate_id or "").strip(), (candidate_name or "").strip()
    if bool(candidate_id) == bool(candidate_name):
        raise DashboardError(422, ["Choose a candidate, or type a new candidate's name (one of "
                                   "the two; an existing candidate id over the API)."])  # fmt: skip
    _check_role(s, role_id, role_version or None)
    candidates = CandidateRepository(s)
    if candidate_id and candidates.get(candidate_id) is None:
        raise DashboardError(422, [f"no candidate {candidate_id!r}"])
    if not candidate_id:
        candidate_id = candidates.create(display_name=candidate_name).id
    invitation = Invitation(
        candidate_id=candidate_id, role_id=role_id, role_version=role_version or None, mode=mode
    )
    token = ctx.invitations.issue(invitation)
    expires = datetime.now(UTC) + timedelta(hours=ctx.settings.web.invite_ttl_hours)
    InvitationRepository(s).record(
        room=invitation.room, candidate_id=candidate_id, role_id=role_id,
        role_version=role_version or None, mode=mode, expires_at=expires, invited_by=invited_by,
    )  # fmt: skip
    link = f"{ctx.settings.web.base_url}/join/{token}"
    phone = ctx.settings.phone
    if not phone.enabled:
        return InviteResult(link, expires, invitation)
    code = InterviewCodeRepository(s).issue(
        candidate_id=candidate_id, role_id=role_id, role_version=role_version or None, mode=mode,
        expires_at=expires, digits=phone.code_digits, room=invitation.room,
    )  # fmt: skip
    return InviteResult(link, expires, invitation, code.code, phone.interview_number)


_AUDIO_TYPES = {".ogg": "audio/ogg", ".wav": "audio/wav", ".oga": "audio/ogg"}


def session_audio(s: Session, session_id: str, sessions_dir: Path) -> tuple[Path, str] | None:
    """The session's kept recording and its media type, or None (never recorded, deleted, or
    past retention). Only a file inside ``sessions_dir`` is given out."""
    record = SessionRepository(s).get(session_id)
    if record is None or not record.audio_path:
        return None
    path = Path(record.audio_path).resolve()
    kind = _AUDIO_TYPES.get(path.suffix.lower())
    if kind is None or not path.is_file() or not path.is_relative_to(sessions_dir.resolve()):
        return None
    return path, kind


def session_report(s: Session, session_id: str) -> dict[str, Any]:
    """The report of a session, scored first when it has no scores yet or is still running.

    Raises:
        DashboardError: 404 unknown session; 409 the role version it ran is not stored.
    """
    record = SessionRepository(s).get(session_id)
    if record is None:
        raise DashboardError(404, [f"no session {session_id!r}"])
    try:
        if record.status == "running" or not AssessmentRepository(s).scores(
            session_id, source="deterministic"
        ):
            score_session(s, session_id)
        return build_report(s, session_id)
    except ReportError as e:
        raise DashboardError(409, [str(e)]) from e


def review(
    s: Session,
    session_id: str,
    recruiter_id: str,
    *,
    scores: dict[str, float],
    overall: float | None = None,
    note: str | None = None,
) -> ReviewResult:
    """Store a recruiter's scores (1-5) and note beside the automatic ones, never over them.

    Raises:
        DashboardError: 404 unknown session; 409 a session that cannot be reported on; 422
            unknown competency, out of range, or nothing to store.
    """
    try:
        return record_review(s, session_id, recruiter_id, scores=scores, overall=overall, note=note)
    except ReviewError as e:
        status = {"unknown-session": 404, "not-reportable": 409, "invalid": 422}[e.kind]
        raise DashboardError(status, e.problems) from e


async def phone_line(
    ctx: WebContext, change: Literal["show", "set up", "remove"] = "show"
) -> PhoneLineState:
    """The phone line's trunk and dispatch rules on the LiveKit server, after ``change``:
    "set up" (re)creates them from the phone settings, "remove" deletes them.

    Raises:
        DashboardError: 502 the server is unreachable or refused (no SIP service beside it).
    """
    livekit = ctx.settings.livekit
    try:
        if change == "set up":
            agent = ctx.settings.web.agent_name
            await set_up_phone_line(livekit, ctx.settings.phone, agent_name=agent)
        elif change == "remove":
            await remove_phone_line(livekit)
        return await read_phone_line(livekit)
    except api.TwirpError as e:
        raise DashboardError(502, [
            f"the LiveKit server at {livekit.url} refused: {e.message} (its SIP service must "
            "share its Redis; `recruiter up --phone` starts both)"
        ]) from e  # fmt: skip
    except OSError as e:
        raise DashboardError(
            502, [f"the LiveKit server at {livekit.url} is unreachable: {e}"]
        ) from e
