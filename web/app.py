"""The web app: candidate pages, the recruiter dashboard and the HTTP API (FastAPI)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker

from recruiter_config.settings import Settings
from storage import create_database, session_factory
from web import candidate, coaching, coding, dashboard
from web.context import WebContext
from web.invites import Invitations
from web.security import SecurityMiddleware

__all__ = ["create_app"]

STATIC = Path(__file__).parent / "static"
VENDOR = Path(__file__).parent / "frontend" / "node_modules" / "livekit-client" / "dist"
EDITOR = Path(__file__).parent / "frontend" / "build"  # the coding round's editor (esbuild)


def create_app(settings: Settings, db: sessionmaker[Session] | None = None) -> FastAPI:
    """Build the app from settings.

    Raises:
        ValueError: no signing secret is configured (``RECRUITER_WEB__SECRET``).
    """
    secret = settings.web.secret
    if not secret:
        raise ValueError("set RECRUITER_WEB__SECRET (at least 16 characters) to sign links and "
                         "sign-ins; `recruiter up` makes one for a developer machine")  # fmt: skip
    app = FastAPI(
        title="Virtual recruiter", version="0.1.0", docs_url=None, redoc_url=None,
        openapi_url="/api/openapi.json",
    )  # fmt: skip
    app.state.ctx = WebContext(
        settings=settings,
        db=db or session_factory(create_database(settings.resolved_database_url)),
        invitations=Invitations(secret, settings.web.invite_ttl_hours),
        secret=secret,
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    if EDITOR.is_dir():  # mounted before /vendor, which would take its paths
        app.mount("/vendor/editor", StaticFiles(directory=EDITOR), name="editor")
    if VENDOR.is_dir():
        app.mount("/vendor", StaticFiles(directory=VENDOR), name="vendor")
    app.include_router(candidate.router)
    app.include_router(coding.router)
    app.include_router(dashboard.router)
    app.include_router(coaching.router)
    app.state.practice_desk = coaching.PracticeDesk()
    # Headers on every response; changes from another site: 403.
    app.add_middleware(SecurityMiddleware, public_url=settings.web.base_url)
    return app
