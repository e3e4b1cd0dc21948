"""Invitations as a recruiter follows them up: each with its state, its link again, sent again
with a new expiry, or withdrawn.

A link is a signed token (:mod:`web.invites`); the recorded invitation
(:class:`storage.InvitationRecord`) is what changes after it was sent. Sending again signs a
new token for the same room (the same interview and attempts) and moves the expiry of the
invitation and of its phone code; withdrawing stops the link and the code from opening an
interview, while reports of interviews already held stay reachable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage import Candidate, InterviewCode, InvitationRecord, InvitationRepository
from storage.invitations import InvitationState, aware
from web.actions import DashboardError, InviteResult, RoleRow
from web.context import WebContext
from web.invites import Invitation

__all__ = [
    "STATES", "InvitationView", "invitation_link", "list_invitations", "resend", "revoke", "shown",
]  # fmt: skip

STATES: tuple[InvitationState, ...] = ("sent", "opened", "started", "done", "expired", "revoked")


@dataclass(frozen=True)
class InvitationView:
    """One invitation as the dashboard lists it."""

    room: str
    candidate_id: str
    candidate_name: str
    role_id: str
    role_title: str
    mode: str | None
    state: InvitationState
    created_at: datetime
    expires_at: datetime
    opened_at: datetime | None
    sessions: int  # interviews held in its room
    link: str | None  # None once expired or withdrawn


def _invitation(record: InvitationRecord) -> Invitation:
    return Invitation(candidate_id=record.candidate_id, role_id=record.role_id,
                      role_version=record.role_version, mode=record.mode,  # type: ignore[arg-type]
                      room=record.room)  # fmt: skip


def invitation_link(
    ctx: WebContext, record: InvitationRecord, now: datetime | None = None
) -> str | None:
    """The invitation's link again (signed to expire with it), or None when it has expired or
    been withdrawn."""
    left = (aware(record.expires_at) - (now or datetime.now(UTC))).total_seconds()
    if record.revoked_at is not None or left <= 0:
        return None
    return f"{ctx.settings.web.base_url}/join/{ctx.invitations.issue(_invitation(record), left)}"


def list_invitations(
    s: Session, ctx: WebContext, roles: list[RoleRow], state: str | None = None
) -> list[InvitationView]:
    """Every invitation, newest first (only those in ``state`` when given)."""
    now = datetime.now(UTC)
    titles = {r.id: r.title for r in roles}
    names = {i: n for i, n in s.execute(select(Candidate.id, Candidate.display_name))}
    views = []
    for row in InvitationRepository(s).list(now):
        if state and row.state != state:
            continue
        r = row.record
        views.append(InvitationView(
            room=r.room, candidate_id=r.candidate_id,
            candidate_name=names.get(r.candidate_id) or "(no name)", role_id=r.role_id,
            role_title=titles.get(r.role_id, r.role_id), mode=r.mode, state=row.state,
            created_at=aware(r.created_at), expires_at=aware(r.expires_at),
            opened_at=aware(r.opened_at) if r.opened_at else None, sessions=row.sessions,
            link=invitation_link(ctx, r, now),
        ))  # fmt: skip
    return views


def _found(s: Session, room: str) -> InvitationRecord:
    record = InvitationRepository(s).get(room)
    if record is None:
        raise DashboardError(404, [f"no invitation {room!r}"])
    return record


def revoke(s: Session, room: str) -> InvitationRecord:
    """Withdraw the invitation in ``room``: its link opens no interview, its code no call.

    Raises:
        DashboardError: 404 for an unknown invitation.
    """
    record = _found(s, room)
    now = datetime.now(UTC)
    InvitationRepository(s).revoke(record, now)
    s.execute(update(InterviewCode).where(InterviewCode.room == room).values(expires_at=now))
    return record


def resend(s: Session, ctx: WebContext, room: str) -> InviteResult:
    """Send the invitation in ``room`` again: a new link, valid for the configured time from
    now, for the same interview (its phone code, if any, lasts as long).

    Raises:
        DashboardError: 404 for an unknown invitation, 409 for a withdrawn one.
    """
    record = _found(s, room)
    if record.revoked_at is not None:
        raise DashboardError(409, ["this invitation was withdrawn; invite the candidate anew"])
    expires = datetime.now(UTC) + timedelta(hours=ctx.settings.web.invite_ttl_hours)
    InvitationRepository(s).renew(record, expires)
    s.execute(update(InterviewCode).where(InterviewCode.room == room).values(expires_at=expires))
    made = shown(s, ctx, room)
    assert made is not None  # renewed just now, not withdrawn
    return made


def shown(s: Session, ctx: WebContext, room: str) -> InviteResult | None:
    """The invitation in ``room`` as just made or sent again: its link and phone code; None
    when there is no such invitation or it can no longer be used."""
    record = InvitationRepository(s).get(room)
    link = invitation_link(ctx, record) if record is not None else None
    if record is None or link is None:
        return None
    code = s.scalar(select(InterviewCode).where(InterviewCode.room == room))
    phone = ctx.settings.phone
    invitation, expires = _invitation(record), aware(record.expires_at)
    if code is None or not phone.enabled:
        return InviteResult(link, expires, invitation)
    return InviteResult(link, expires, invitation, code.code, phone.interview_number)
