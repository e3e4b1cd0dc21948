"""A report's highlights as a few spoken sentences, for a caller at the end of a phone interview.

The caller cannot see the report, so they hear the overall result (or that the interview was
partial), one thing that went well and one thing to work on, each as the report states it, and
where the whole report is. Nothing is said that the report does not say.
"""

from __future__ import annotations

from typing import Any

__all__ = ["spoken_highlights"]


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def spoken_highlights(report: dict[str, Any], *, where: str) -> str:
    """Two or three sentences from ``report`` (``reports.build.build_report``), then ``where``.

    Args:
        report: the built report (its ``overall``, ``overall_note``, ``coverage``, ``summary``).
        where: a sentence saying where the full report is (e.g. the invitation page).
    """
    parts: list[str] = []
    overall, coverage = report.get("overall"), report.get("coverage") or {}
    if overall is not None:
        parts.append(f"Your overall score is {_number(overall)} out of 5.")
    elif coverage.get("partial"):
        answered, asked = coverage.get("questions_answered", 0), coverage.get("questions_asked")
        of = f" of the {asked}" if asked else ""
        parts.append(
            f"You answered {answered}{of} questions asked, so this interview has no overall score."
        )
    summary = report.get("summary") or {}
    if summary.get("went_well"):
        parts.append(f"What went well: {_clause(summary['went_well'][0]['text'])}.")
    if summary.get("improvements"):
        parts.append(f"One thing to work on: {_clause(summary['improvements'][0]['text'])}.")
    parts.append(where)
    return " ".join(parts)


def _clause(text: str) -> str:
    """``text`` as a clause inside a sentence: no final stop, no quotation marks to read out."""
    return text.strip().rstrip(".").replace('"', "")
