"""One role's candidates side by side: competency scores as a heatmap with the evidence behind
each a click away, shortlist marks, and the same table as CSV.

Each candidate appears once, with their newest scored session of the role (completed or
partial; a session still running or never scored is left out). Scores are the automatic
scorer's, with a recruiter's own score beside it where one was given.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rubrics import RoleError, resolve_role
from storage import Candidate, Evidence, InterviewSession, Score, ShortlistRepository
from web.actions import DashboardError, RoleRow, session_state

__all__ = ["Comparison", "ComparisonRow", "compare_role", "comparison_csv"]


@dataclass(frozen=True)
class Cell:
    """One candidate's score on one competency (1-5; None: not enough evidence)."""

    score: float | None
    human: float | None = None  # a recruiter's score, when given
    quote: str | None = None  # the strongest supporting quote


@dataclass(frozen=True)
class ComparisonRow:
    """A candidate's newest scored session of the role."""

    candidate_id: str
    candidate_name: str
    session_id: str
    started_at: datetime
    state: str
    overall: float | None
    cells: dict[str, Cell] = field(default_factory=dict)  # by competency id
    shortlisted: bool = False


@dataclass(frozen=True)
class Comparison:
    """The role, its competencies ``(id, name)`` in script order, and one row per candidate,
    shortlisted first, then by overall score (highest first; none last)."""

    role_id: str
    role_title: str
    competencies: list[tuple[str, str]]
    rows: list[ComparisonRow]


def compare_role(s: Session, role_id: str, roles: list[RoleRow]) -> Comparison:
    """The comparison for ``role_id`` (its newest version's competencies).

    Raises:
        DashboardError: 404 for an unknown role.
    """
    try:
        role = resolve_role(s, role_id, None).role
    except RoleError as e:
        raise DashboardError(404, [str(e)]) from e
    sessions = s.execute(
        select(InterviewSession, Candidate.display_name)
        .join(Candidate, Candidate.id == InterviewSession.candidate_id)
        .where(InterviewSession.role_id == role_id, InterviewSession.status != "running")
        .order_by(InterviewSession.started_at.desc())
    ).all()
    ids = [r.id for r, _ in sessions]
    scores: dict[str, list[Score]] = {i: [] for i in ids}
    for score in s.scalars(select(Score).where(Score.session_id.in_(ids)).order_by(Score.id)):
        scores[score.session_id].append(score)
    quotes: dict[tuple[str, str], str] = {}
    evidence = select(Evidence).where(Evidence.session_id.in_(ids), Evidence.stance == "supports")
    for quote in s.scalars(evidence.order_by(Evidence.id)):
        quotes.setdefault((quote.session_id, quote.competency_id), quote.quote)
    marks = ShortlistRepository(s).marks(role_id)
    rows: dict[str, ComparisonRow] = {}
    for record, name in sessions:
        auto = [x for x in scores[record.id] if x.source == "deterministic"]
        who = record.candidate_id
        if who is None or who in rows or not auto:
            continue  # an older session of someone already shown, or never scored
        human = {x.target: x.value for x in scores[record.id] if x.source == "human"}  # latest
        overall = next((x.value for x in auto if x.scope == "overall"), None)
        cells = {
            c.id: Cell(next((x.value for x in auto if x.scope == "competency" and x.target == c.id),
                            None), human.get(c.id), quotes.get((record.id, c.id)))
            for c in role.competencies
        }  # fmt: skip
        rows[who] = ComparisonRow(
            who, name or "(no name)", record.id, record.started_at,
            session_state(record.status, True, overall), overall, cells, who in marks,
        )  # fmt: skip
    ordered = sorted(rows.values(), key=lambda r: (not r.shortlisted, -(r.overall or 0.0)))
    title = next((r.title for r in roles if r.id == role_id), role.title)
    return Comparison(role_id, title, [(c.id, c.name) for c in role.competencies], ordered)


def _utc(moment: datetime) -> str:
    # Stored in UTC; SQLite gives it back without its zone.
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def _cell(text: str) -> str:
    """A text cell a spreadsheet will not run: one starting like a formula gets a quote mark
    (OWASP's advice on CSV injection)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def comparison_csv(comparison: Comparison) -> str:
    """The comparison as CSV (RFC 4180, a header row): candidate, session, date (UTC, ISO
    8601), state, overall, each competency's score (empty: not enough evidence) and
    shortlisted (yes/no). Names that would start a formula are quoted (:func:`_cell`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    names = [_cell(name) for _, name in comparison.competencies]
    writer.writerow(["candidate", "candidate_id", "session_id", "started_at", "state", "overall",
                     *names, "shortlisted"])  # fmt: skip
    for r in comparison.rows:
        writer.writerow([
            _cell(r.candidate_name), r.candidate_id, r.session_id, _utc(r.started_at), r.state,
            "" if r.overall is None else f"{r.overall:.1f}",
            *("" if (v := r.cells[c].score) is None else f"{v:.1f}"
              for c, _ in comparison.competencies),
            "yes" if r.shortlisted else "no",
        ])  # fmt: skip
    return out.getvalue()
