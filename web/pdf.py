"""Reports as PDF files, printed on request on the reader's paper."""

from __future__ import annotations

from datetime import datetime

from fastapi import HTTPException
from fastapi.responses import Response

from reports.browser import pdf_of
from reports.build import build_report
from reports.html import render_html
from reports.paper import readers_paper
from reports.session_view import ReportError
from web.actions import charts
from web.context import WebContext

__all__ = ["pdf_response"]


def pdf_response(ctx: WebContext, session_id: str, accept_language: str | None) -> Response:
    """The session's report as a PDF download, on the paper of the region the browser's
    ``Accept-Language`` names (``reports.paper.readers_paper``), printed by Chromium.

    Raises:
        HTTPException: 404 for a session without a report, 503 when Chromium cannot print.
    """
    try:
        with ctx.db() as s:
            report = build_report(s, session_id)
        with charts:
            page = render_html(report, readers_paper(accept_language=accept_language))
        pdf = pdf_of(page)
    except ReportError as e:
        status = 503 if "Chromium" in str(e) else 404
        raise HTTPException(status_code=status, detail=str(e)) from e
    day = datetime.fromisoformat(report["started_at"]).strftime("%Y-%m-%d")
    name = f"interview-report-{day}.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "private, no-store"})  # fmt: skip
