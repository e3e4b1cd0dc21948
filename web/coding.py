"""The candidate page's coding problems: what the editor shows for a coding question.

The agent tells the page which problem is being asked (``agent.coding_round.coding_brief``);
the page fetches it here with its invitation token. Only what a candidate may see is sent:
the statement, the function to write and its starter code per language, the visible examples
and the time limit; never the hidden tests, hints or expected growth.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select

from rubrics import RoleError, resolve_role
from storage import InterviewSession
from web.candidate import invitation_for, withdrawn
from web.context import WebContext, context

__all__ = ["router"]

router = APIRouter(tags=["candidate"])
Ctx = Annotated[WebContext, Depends(context)]


@router.get("/api/join/{token}/problems/{problem_id}")
def problem(token: str, problem_id: str, ctx: Ctx) -> dict[str, Any]:
    """A coding problem of the invitation's role, as the candidate sees it.

    Only while an interview of the invitation runs (not before the candidate has joined).

    Raises:
        HTTPException: 403 for an invalid link; 410 for a withdrawn invitation; 404 for no
            running interview or a problem the role does not ask.
    """
    invitation = invitation_for(ctx, token)
    if withdrawn(ctx, invitation):
        raise HTTPException(status_code=410, detail="this invitation has been withdrawn")
    with ctx.db() as s:  # shown once the interview runs, as the recruiter asks it
        here = InterviewSession.channel == invitation.room
        running = s.scalar(
            select(InterviewSession.id).where(here, InterviewSession.status == "running")
        )
    if running is None:
        raise HTTPException(status_code=404, detail="no interview of this invitation is running")
    try:
        with ctx.db() as s:
            role = resolve_role(s, invitation.role_id, invitation.role_version).role
    except RoleError as e:
        raise HTTPException(status_code=404, detail="the interview's role is not available") from e
    asked = next(
        (q for q in role.questions if q.kind == "coding" and q.problem_id == problem_id), None
    )
    found = asked.coding_problem() if asked is not None else None
    if asked is None or found is None:
        raise HTTPException(status_code=404, detail="no such problem in this interview")
    return {
        "id": found.id, "title": found.title, "statement": found.statement,
        "function": found.function, "starter": found.starter,
        "examples": [{"args": c.args, "expected": c.expected} for c in found.examples],
        "time_limit_s": asked.time_limit_s,
    }  # fmt: skip
