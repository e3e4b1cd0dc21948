"""What every route needs, as one FastAPI dependency; the routers import this, never the app."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker

from recruiter_config.settings import Settings
from web.invites import Invitations

__all__ = ["WebContext", "context"]


@dataclass
class WebContext:
    """What every route needs: settings, the database and the invitation signer."""

    settings: Settings
    db: sessionmaker[Session]
    invitations: Invitations
    secret: str


def context(request: Request) -> WebContext:
    """The app's context (a FastAPI dependency)."""
    ctx: WebContext = request.app.state.ctx
    return ctx
