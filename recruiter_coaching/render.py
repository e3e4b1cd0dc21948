"""The coaching report as Markdown (and as plain data for JSON), summary first."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from recruiter_coaching.practice import Calibration
from recruiter_coaching.report import TALK_SHARE_LIMIT, CoachingReport, Moment, clock

__all__ = ["report_json", "report_markdown"]

# A mean signed difference within a quarter of a rubric point is called even: scores are whole
# points, so it is one point off on fewer than one competency in four (our choice).
_EVEN = 0.25


def _moments(title: str, moments: list[Moment], none: str) -> list[str]:
    lines = [f"### {title} ({len(moments)})", ""]
    if not moments:
        return [*lines, none, ""]
    for m in moments:
        lines.append(f'- **{clock(m.at_s)}** "{m.quote}": {m.finding}. {m.advice}')
    return [*lines, ""]


def _share(value: float | None) -> str:
    return "not measured" if value is None else f"{value:.0%}"


def report_markdown(
    report: CoachingReport,
    *,
    title: str,
    calibration: Calibration | None = None,
    competency_names: dict[str, str] | None = None,
    note: str = "",
) -> str:
    """The report as Markdown: the 90-second summary, the figures, then each finding's moments
    (times are m:ss from the start), the calibration when the interviewer scored a persona, and
    every question asked."""
    lines = [f"# {title}", ""]
    if note:
        lines += [f"_{note}_", ""]
    lines += ["## Summary (90 seconds)", "", report.summary, ""]
    depth = report.follow_ups
    lines += [
        "## Figures", "",
        "| measure | value |", "|---|---|",
        f"| length | {clock(report.duration_s)} |",
        f"| your share of the talking | {_share(report.talk_share)} "
        f"(aim: {TALK_SHARE_LIMIT:.0%} or less) |",
        f"| questions | {len(report.questions)} |",
        f"| open questions | {_share(report.open_share)} |",
        f"| leading / multi-part / protected | {len(report.leading)} / "
        f"{len(report.multi_part)} / {len(report.protected)} |",
        f"| interruptions | {len(report.interruptions)} |",
        f"| follow-ups per topic | "
        f"{', '.join(f'{t}: {n}' for t, n in depth.items()) or 'no role topic recognised'} |",
        f"| competencies with no question | {', '.join(report.uncovered) or 'none'} |",
        "",
    ]  # fmt: skip
    lines += ["## Moments", ""]
    lines += _moments("Protected topics (for review)", report.protected, "None found; the "
                      "rules miss some, so read your questions again.")  # fmt: skip
    lines += _moments("Leading questions", report.leading, "None.")
    lines += _moments("Multi-part questions", report.multi_part, "None.")
    lines += _moments("Missed signals", report.missed_signals, "None: open claims were probed.")
    lines += _moments("Interruptions", report.interruptions, "None.")
    lines += _moments("Closed questions opening a topic", report.closed, "None.")
    if calibration is not None:
        names = competency_names or {}
        lines += ["## Calibration: your scores against the candidate's known level", "",
                  "| competency | you | known | difference |", "|---|---|---|---|"]  # fmt: skip
        for c, given, known in calibration.rows:
            lines.append(f"| {names.get(c, c)} | {given} | {known} | {given - known:+d} |")
        lean = (
            "more lenient than the answers warrant"
            if calibration.bias > _EVEN
            else "harsher than the answers warrant"
            if calibration.bias < -_EVEN
            else "even"
        )
        lines += ["", f"Mean distance {calibration.mean_abs:.2f} rubric points; on average you "
                  f"scored {lean} ({calibration.bias:+.2f}).", ""]  # fmt: skip
    lines += ["## Every question", "", "| time | question | kind | topic |", "|---|---|---|---|"]
    for q in report.questions:
        marks = [q.kind.form, *(["leading"] if q.kind.leading else []),
                 *(["multi-part"] if q.kind.multi_part else []),
                 *([f"protected: {q.kind.protected}"] if q.kind.protected else [])]  # fmt: skip
        topic = (q.topic or "none of the role's") + (" (follow-up)" if q.follow_up else "")
        text = q.text.replace("|", "/")
        lines.append(f"| {clock(q.at_s)} | {text} | {', '.join(marks)} | {topic} |")
    return "\n".join(lines) + "\n"


def report_json(report: CoachingReport, calibration: Calibration | None = None) -> dict[str, Any]:
    """The report as JSON-ready data (seconds as numbers)."""
    data = asdict(report)
    data["open_share"] = report.open_share
    data["calibration"] = asdict(calibration) if calibration else None
    return data
