"""The coding round in the report's data: measured results, signals for review, the code's replay
(drawn by ``reports.html``), and the code's outcome the scorer rates.

Per coding question asked: the problem, the runs and submits, the best hidden-test result, how
the running time grew against what the problem expects (fitted on larger inputs by
``recruiter_coding.judge``), the linter's findings on the last code run, the time from the
first code to the first submit that passed every hidden test, the hints given, the integrity
signals (large pastes, the tab left, inactivity: for a person to weigh, never a verdict) and
the code's snapshots with their times, ending with the last code run and its results.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from rubrics.models import RoleScript
from rubrics.scoring import CodeOutcome
from storage import CodeEvent, CodeEventRepository, InterviewSession

__all__ = ["code_outcomes", "coding_section"]


def _hints(record: InterviewSession, question_id: str) -> int | None:
    """Hints the flow gave on the question, from its stored state (None: not stored)."""
    state = (record.flow_state or {}).get("state") or {}
    for r in state.get("records") or []:
        if r.get("question_id") == question_id:
            return int(r.get("hints", 0))
    return None


def coding_section(db: Session, record: InterviewSession, role: RoleScript) -> list[dict[str, Any]]:
    """The coding questions of the session (``role``: the script it ran, whose problems are
    shipped or written in it), in the order they were first worked on.

    Raises:
        recruiter_coding.problems.ProblemError: a shipped problem file is broken.
    """
    events = CodeEventRepository(db).for_session(record.id)
    by_question: dict[str, list[CodeEvent]] = {}
    for e in events:
        by_question.setdefault(e.question_id, []).append(e)
    problems = {q.id: q.coding_problem() for q in role.questions if q.kind == "coding"}
    out = []
    for question_id, items in by_question.items():
        out.append(_question(record, question_id, items, problems.get(question_id)))
    return out


def code_outcomes(db: Session, record: InterviewSession) -> dict[str, CodeOutcome]:
    """By coding question id, how its best submit did (the most hidden tests passed, the
    latest of equals): what the scorer rates the code on. Questions never submitted are left
    out."""
    best: dict[str, CodeEvent] = {}
    for e in CodeEventRepository(db).for_session(record.id):
        if e.kind == "submit" and _detail(e).get("passed", 0) >= _detail(
            best.get(e.question_id)
        ).get("passed", 0):
            best[e.question_id] = e
    out = {}
    for question_id, e in best.items():
        d = _detail(e)
        lint = d.get("lint")
        out[question_id] = CodeOutcome(
            passed=int(d.get("passed", 0)), total=int(d.get("total", 0)),
            as_expected=(d.get("growth") or {}).get("as_expected"),
            lint_findings=None if lint is None else len(lint),
            hints=_hints(record, question_id) or 0,
        )  # fmt: skip
    return out


def _detail(event: CodeEvent | None) -> dict[str, Any]:
    return (event.detail or {}) if event is not None else {}


def _question(
    record: InterviewSession, question_id: str, items: list[CodeEvent], problem: Any
) -> dict[str, Any]:
    coded = [e for e in items if e.code is not None]  # snapshots, runs and submits
    runs = [e for e in items if e.kind in ("run", "submit")]
    submits = [e for e in runs if e.kind == "submit"]
    passing = [
        e for e in submits
        if _detail(e).get("passed") == _detail(e).get("total") and not _detail(e).get("stopped")
    ]  # fmt: skip
    best = max(submits, key=lambda e: _detail(e).get("passed", 0), default=None)
    growth = next((_detail(e)["growth"] for e in reversed(passing) if _detail(e).get("growth")),
                  None)  # fmt: skip
    last = runs[-1] if runs else None
    lint = _detail(last).get("lint")
    final = None
    if last is not None:
        result = _detail(last)
        final = {"at_s": last.at_s, "kind": last.kind, "language": last.language,
                 "code": last.code, "passed": result.get("passed"),
                 "total": result.get("total"), "stopped": result.get("stopped")}  # fmt: skip
    return {
        "question_id": question_id,
        "problem_id": items[0].problem_id,
        "title": problem.title if problem is not None else items[0].problem_id,
        "runs": len(runs) - len(submits),
        "submits": len(submits),
        "hidden_passed": _detail(best).get("passed") if best else None,
        "hidden_total": _detail(best).get("total") if best else None,
        "first_pass_after_s": round(passing[0].at_s - coded[0].at_s, 1) if passing else None,
        "growth": growth,
        "lint_findings": None if lint is None else len(lint),
        "lint_failed": bool(_detail(last).get("lint_failed")),
        "hints": _hints(record, question_id),
        "signals": [{"at_s": e.at_s, **_detail(e)} for e in items if e.kind == "signal"],
        "snapshots": [
            {"at_s": e.at_s, "language": e.language, "code": e.code}
            for e in items
            if e.kind == "snapshot"
        ],
        "final": final,
    }
