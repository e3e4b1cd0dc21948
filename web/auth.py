"""Recruiter sign-in: a signed cookie, and the dependencies that require it.

The cookie carries only the recruiter id, signed with ``Signer(secret, "recruiter")`` and
expiring after ``settings.web.session_hours``; nothing is kept on the server.

Cross-site request forgery: the cookie is ``SameSite=Lax``, so browsers send it on top-level
GET navigations from other sites but never on cross-site POSTs, form submissions or fetches.
Every change (sign-in, review, upload, invitation) is a POST, and no GET changes anything
(scoring a session on view writes only the deterministic scorer's reproducible rows), so no
separate CSRF token is needed. A JSON client outside the browser signs in with ``POST /login``
and sends the cookie back.
"""

from __future__ import annotations

import logging
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request, Response, status

from storage import RecruiterRepository
from web.context import WebContext, context
from web.signing import BadSignatureError, Signer

__all__ = [
    "COOKIE",
    "api_recruiter",
    "page_recruiter",
    "safe_next",
    "sign_in",
    "sign_out",
    "signed_in",
]

COOKIE = "recruiter_session"
log = logging.getLogger("web.auth")


def _signer(ctx: WebContext) -> Signer:
    return Signer(ctx.secret, "recruiter")


def sign_in(response: Response, ctx: WebContext, recruiter_id: str) -> None:
    """Set the sign-in cookie for ``recruiter_id`` on ``response``."""
    ttl_s = ctx.settings.web.session_hours * 3600
    response.set_cookie(
        COOKIE,
        _signer(ctx).sign({"sub": recruiter_id}, ttl_s),
        max_age=int(ttl_s),
        httponly=True,
        samesite="lax",
        secure=ctx.settings.web.base_url.startswith("https://"),
        path="/",
    )


def sign_out(response: Response) -> None:
    """Clear the sign-in cookie."""
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax")


def signed_in(request: Request, ctx: WebContext) -> str | None:
    """The id of the signed-in recruiter, or None (no cookie, bad or expired, or removed)."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        recruiter_id = _signer(ctx).verify(token).get("sub")
    except (BadSignatureError, ValueError):
        log.info("sign-in cookie refused")
        return None
    if not isinstance(recruiter_id, str):
        return None
    with ctx.db() as s:
        record = RecruiterRepository(s).get(recruiter_id)
        return recruiter_id if record is not None and record.password_hash else None


def safe_next(target: str | None) -> str:
    """A local path to go to after signing in (anything else goes to the dashboard)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/dashboard"


def page_recruiter(request: Request, ctx: Annotated[WebContext, Depends(context)]) -> str:
    """The signed-in recruiter's id; otherwise a redirect to ``/login?next=<this page>``."""
    recruiter_id = signed_in(request, ctx)
    if recruiter_id is None:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise HTTPException(
            status.HTTP_303_SEE_OTHER,
            "sign in first",
            headers={"Location": f"/login?next={quote(here, safe='/')}"},
        )
    return recruiter_id


def api_recruiter(request: Request, ctx: Annotated[WebContext, Depends(context)]) -> str:
    """The signed-in recruiter's id; otherwise 401 with a JSON reason."""
    recruiter_id = signed_in(request, ctx)
    if recruiter_id is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "sign in first: POST /login with recruiter_id, password"
        )
    return recruiter_id
