"""An interviewer's last sessions side by side: what drifts, as figures and a chart."""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.figure import Figure

from recruiter_coaching.report import CLOSED_SHARE_LIMIT, TALK_SHARE_LIMIT
from reports.charts import figure_png
from storage.coaching import CoachingSession

__all__ = ["SessionPoint", "points", "trend_chart_png", "trend_lines"]


@dataclass(frozen=True)
class SessionPoint:
    """One session's figures for the trends (None: not measured in that session).

    ``leading_per_10``: leading questions per 10 questions; ``coverage``: share of the role's
    competencies some question was about; ``calibration``: mean distance in rubric points
    from a practice persona's known level.
    """

    label: str
    talk_share: float | None
    open_share: float | None
    leading_per_10: float | None
    coverage: float | None
    calibration: float | None


def points(rows: list[CoachingSession]) -> list[SessionPoint]:
    """The trend figures of ``rows`` (oldest first), labelled by date and kind."""
    out: list[SessionPoint] = []
    for r in rows:
        out.append(SessionPoint(
            f"{r.taken_at:%d %b} {r.kind}",
            r.talk_share, r.open_share,
            10 * r.leading / r.questions if r.questions else None,
            1 - r.uncovered / r.competencies if r.competencies else None,
            r.calibration_mean_abs,
        ))  # fmt: skip
    return out


# Each figure's target band: talk share as the report's limit (training guides put the candidate
# at 70-80% of the talking); open questions at least half (``CLOSED_SHARE_LIMIT``); at most one
# leading question in twenty, every competency asked about, and scores within half a rubric
# point of the known level on average (our choices: a leading question or a missed competency
# is a defect, and half a point is under one level).
_PANELS = (
    ("talk_share", "Your share of the talking", (0.0, TALK_SHARE_LIMIT)),
    ("open_share", "Open questions (share)", (1 - CLOSED_SHARE_LIMIT, 1.0)),
    ("leading_per_10", "Leading questions per 10", (0.0, 0.5)),
    ("coverage", "Competencies covered (share)", (0.99, 1.0)),
    ("calibration", "Distance from the known level (points)", (0.0, 0.5)),
)


# Figures that are shares, shown as percentages as in ``recruiter coach trends``' table.
_SHARES = frozenset({"talk_share", "open_share", "coverage"})


def trend_lines(series: list[SessionPoint]) -> list[str]:
    """One line per measure: first and last value of the sessions that measured it, and the
    direction, so the behaviour that drifts stands out."""
    lines: list[str] = []
    for key, title, band in _PANELS:
        values = [v for p in series if (v := getattr(p, key)) is not None]
        if not values:
            lines.append(f"{title}: not measured")
            continue
        first, last = values[0], values[-1]
        inside = band[0] <= last <= band[1]
        shown = "{:.0%}" if key in _SHARES else "{:.2f}"
        sessions = "1 session" if len(values) == 1 else f"{len(values)} sessions"
        lines.append(f"{title}: {shown.format(first)} -> {shown.format(last)} over {sessions}"
                     f"{'' if inside else ' (outside the target)'}")  # fmt: skip
    return lines


def trend_chart_png(series: list[SessionPoint]) -> bytes:
    """Five small line charts, one point per session (oldest left), target band shaded; a
    session that did not measure a figure leaves a gap there."""
    # A Figure of its own, not pyplot's global state: dashboard requests draw in several threads.
    fig = Figure(figsize=(15, 2.8), dpi=100)
    axes = fig.subplots(1, len(_PANELS))
    x = list(range(len(series)))
    for ax, (key, title, band) in zip(axes, _PANELS, strict=True):
        values = [getattr(p, key) for p in series]
        shown = [float("nan") if v is None else v for v in values]
        ax.plot(x, shown, marker="o", color="#4a78c2")
        ax.axhspan(band[0], band[1], color="#6cbf84", alpha=0.2)
        if all(v is None for v in values):
            ax.text(0.5, 0.5, "not measured", transform=ax.transAxes, ha="center",
                    va="center", fontsize=9, color="#555555")  # fmt: skip
        ax.set_title(title, fontsize=9)
        ax.set_xticks(x, [p.label for p in series], rotation=45, ha="right", fontsize=6)
        ax.tick_params(labelsize=7)
        ax.set_ylim(bottom=0)
    return figure_png(fig)
