"""Across sessions: a candidate's progress, and the score pairs and totals calibration needs."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reports.build import session_delivery
from reports.charts import figure_png, plt
from storage import AssessmentRepository, CandidateRepository, InterviewSession, Score
from storage.models import AnswerMeasurement

__all__ = ["calibration_pairs", "overall_by_candidate", "progress", "progress_chart_png"]

_DELIVERY = (
    ("words_per_minute", "Pace (wpm)", (120, 160)),
    ("fillers_per_100_words", "Fillers per 100 words", (0, 1.3)),
    ("pauses_over_2s", "Pauses over 2 s", None),
)


def progress(db: Session, candidate_id: str) -> dict[str, Any]:
    """Per session, in time order: competency scores and the delivery figures of its report."""
    sessions = CandidateRepository(db).sessions(candidate_id)
    assessments = AssessmentRepository(db)
    rows = []
    for s in sessions:
        scores = assessments.scores(s.id, source="deterministic")
        speech = [
            m.speech
            for m in db.scalars(
                select(AnswerMeasurement).where(AnswerMeasurement.session_id == s.id)
            )
        ]
        # The session's figures exactly as its report gives them.
        delivery = session_delivery(speech)
        rows.append(
            {
                "session_id": s.id,
                "role_id": s.role_id,
                "started_at": s.started_at.isoformat(),
                "overall": next((x.value for x in scores if x.scope == "overall"), None),
                "competencies": {x.target: x.value for x in scores if x.scope == "competency"},
                "delivery": delivery,
            }
        )
    return {"candidate_id": candidate_id, "sessions": rows}


def progress_chart_png(data: dict[str, Any]) -> bytes:
    """Line charts: each competency's score, then each delivery measure with its target band."""
    sessions = data["sessions"]
    x = list(range(1, len(sessions) + 1))
    fig, axes = plt.subplots(1, 1 + len(_DELIVERY), figsize=(13, 3), dpi=100)
    competencies = sorted({c for s in sessions for c in s["competencies"]})
    for cid in competencies:
        axes[0].plot(x, [s["competencies"].get(cid) for s in sessions], marker="o", label=cid)
    axes[0].set_ylim(1, 5)
    axes[0].set_title("Competency scores (1-5)", fontsize=9)
    if competencies:
        axes[0].legend(fontsize=6)
    for ax, (key, title, band) in zip(axes[1:], _DELIVERY, strict=True):
        ax.plot(x, [s["delivery"].get(key) for s in sessions], marker="o", color="#4a78c2")
        if band:
            ax.axhspan(band[0], band[1], color="#6cbf84", alpha=0.2)
        ax.set_title(title, fontsize=9)
    for ax in axes:
        ax.set_xlabel("session", fontsize=7)
        ax.set_xticks(x)
        ax.tick_params(labelsize=7)
    return figure_png(fig)


def calibration_pairs(
    db: Session, role_id: str | None = None
) -> list[tuple[float, float, datetime]]:
    """(automatic, human, when) for every human score that has an automatic one to compare."""
    query = select(Score, InterviewSession.started_at).join(
        InterviewSession, Score.session_id == InterviewSession.id
    )
    if role_id is not None:
        query = query.where(InterviewSession.role_id == role_id)
    automatic: dict[tuple[str, str, str | None], float] = {}
    human: list[tuple[tuple[str, str, str | None], float, datetime]] = []
    for score, started in db.execute(query.order_by(Score.id)):
        key = (score.session_id, score.scope, score.target)
        if score.source == "deterministic":
            automatic[key] = score.value
        elif score.source == "human":
            human.append((key, score.value, started))
    latest: dict[tuple[str, str, str | None], tuple[float, datetime]] = {}
    for key, value, started in human:  # a recruiter's later score replaces their earlier one
        latest[key] = (value, started)
    return [(automatic[k], v, t) for k, (v, t) in latest.items() if k in automatic]


def overall_by_candidate(db: Session) -> dict[str, float]:
    """Each candidate's mean automatic overall score across their sessions."""
    rows = db.execute(
        select(InterviewSession.candidate_id, Score.value)
        .join(Score, Score.session_id == InterviewSession.id)
        .where(
            Score.scope == "overall",
            Score.source == "deterministic",
            InterviewSession.candidate_id.is_not(None),
        )
    )
    values: dict[str, list[float]] = defaultdict(list)
    for candidate, value in rows:
        if candidate is not None:
            values[candidate].append(value)
    return {c: round(statistics.mean(v), 3) for c, v in values.items()}
