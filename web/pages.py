"""What the recruiter's pages share: the templates and their filters, the signed-in recruiter
and the app's context as route parameters, and rendering a page or a failure."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from reports.build import clock
from reports.html import marked_html, not_read_html
from web.actions import DashboardError
from web.auth import page_recruiter
from web.context import WebContext, context

__all__ = ["Ctx", "Me", "failed", "page", "templates"]

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
    # marked_html and not_read_html escape the text themselves.
    return Markup(marked_html(turn["text"], turn.get("unsure", [])) + not_read_html(turn))


templates.env.filters.update(when=_when, score=_score, clock=clock, marked=_marked)


def page(request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
    """The template ``name`` rendered with ``values``, answered with ``status``."""
    return templates.TemplateResponse(request, name, values, status_code=status)


def failed(
    request: Request,
    me: str | None,
    e: DashboardError,
    name: str = "dashboard_error.html",
    **values: Any,
) -> HTMLResponse:
    """A page saying why a request failed (every message of ``e``), with ``e``'s status."""
    return page(request, name, e.status, recruiter=me, errors=e.errors, code=e.status, **values)
