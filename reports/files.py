"""Write a session's report in JSON, HTML or PDF beside its audio, and record it."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from sqlalchemy.orm import Session

from reports.assessment import score_session
from reports.browser import pdf_of
from reports.build import build_report
from reports.html import render_html
from reports.paper import Paper, readers_paper
from storage.assessment_repository import AssessmentRepository

__all__ = ["FORMATS", "write_reports"]

FORMATS = ("json", "html", "pdf")


def write_reports(
    db: Session,
    session_id: str,
    folder: Path,
    formats: tuple[str, ...] = FORMATS,
    paper: Paper | None = None,
) -> dict[str, Path]:
    """Score the session, then write each format to ``folder`` (caller commits). The PDF is
    on ``paper``, by default the reader's as this machine's locale gives it (``readers_paper``).

    Returns:
        The written files by format.
    """
    score_session(db, session_id)
    report = build_report(db, session_id)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    html_path = folder / "report.html"
    if "json" in formats:
        written["json"] = folder / "report.json"
        written["json"].write_text(json.dumps(report, indent=2), encoding="utf-8")
    if "html" in formats or "pdf" in formats:
        # The files are the candidate's report (their page serves them): no recruiter review.
        html_path.write_text(render_html(report, for_candidate=True), encoding="utf-8")
        if "html" in formats:
            written["html"] = html_path
    if "pdf" in formats:
        written["pdf"] = folder / "report.pdf"
        page = render_html(report, paper or readers_paper(), for_candidate=True)
        written["pdf"].write_bytes(pdf_of(page))
    repo = AssessmentRepository(db)
    for fmt, path in written.items():
        repo.add_report(session_id, fmt, str(path), hashlib.sha256(path.read_bytes()).hexdigest())
    return written


def timed_reports(
    db: Session, session_id: str, folder: Path, formats: tuple[str, ...] = FORMATS
) -> tuple[dict[str, Path], float]:
    """:func:`write_reports` and how long it took, in seconds."""
    start = time.perf_counter()
    written = write_reports(db, session_id, folder, formats)
    return written, time.perf_counter() - start
