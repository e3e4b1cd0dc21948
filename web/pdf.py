"""Reports as PDF files, printed on request on the reader's paper.

Each print runs a headless Chromium (about a second here, a few on a busy machine); at most
:data:`PRINTS_AT_ONCE` run at once, so a burst of requests cannot starve the app: the rest are
told to retry (503 with ``Retry-After``).
"""

from __future__ import annotations

import threading
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

__all__ = ["PRINTS_AT_ONCE", "pdf_response"]

PRINTS_AT_ONCE = 2
_printing = threading.BoundedSemaphore(PRINTS_AT_ONCE)


def pdf_response(ctx: WebContext, session_id: str, accept_language: str | None) -> Response:
    """The session's report as the candidate gets it (no recruiter review), as a PDF download
    on the paper of the region the browser's ``Accept-Language`` names
    (``reports.paper.readers_paper``), printed by Chromium.

    Raises:
        HTTPException: 404 for a session without a report; 503 when Chromium cannot print, or
            :data:`PRINTS_AT_ONCE` prints are already running.
    """
    if not _printing.acquire(blocking=False):
        raise HTTPException(status_code=503, detail="other reports are being printed; try again",
                            headers={"Retry-After": "5"})  # fmt: skip
    try:
        with ctx.db() as s:
            report = build_report(s, session_id)
        paper = readers_paper(accept_language=accept_language)
        with charts:
            page = render_html(report, paper, for_candidate=True)
        pdf = pdf_of(page)
    except ReportError as e:
        status = 503 if "Chromium" in str(e) else 404
        raise HTTPException(status_code=status, detail=str(e)) from e
    finally:
        _printing.release()
    day = datetime.fromisoformat(report["started_at"]).strftime("%Y-%m-%d")
    name = f"interview-report-{day}.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "private, no-store"})  # fmt: skip
