"""Score a stored interview and store the scores with their evidence (rerunnable, identical)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from reports.session_view import load_session
from rubrics.scoring import ScoreSheet, score_interview
from storage.judging import JudgementRepository, NewEvidence, NewScore

__all__ = ["score_session"]


def score_session(db: Session, session_id: str) -> ScoreSheet:
    """Run the deterministic scorer on a session and replace its automatic scores (caller commits).

    Raises:
        ReportError: unknown session or role version.
    """
    view = load_session(db, session_id)
    sheet = score_interview(view.role, view.candidate_turns)
    evidence = [
        NewEvidence(
            turn_index=q.turn,
            question_id=a.question_id,
            competency_id=q.competency_id,
            quote=q.text,
            start_s=q.start_s,
            end_s=q.end_s,
            stance=q.stance,
            signal=q.signal,
        )
        for a in sheet.answers
        for q in a.evidence
    ]
    scores = [
        NewScore(
            "answer",
            f"{a.question_id}/{a.competency_id}",
            a.level,
            "deterministic",
            sheet.scorer,
            a.rationale,
        )
        for a in sheet.answers
    ]
    scores += [
        NewScore("competency", cid, value, "deterministic", sheet.scorer)
        for cid, value in sheet.competencies.items()
    ]
    if sheet.overall is not None:
        scores.append(NewScore("overall", None, sheet.overall, "deterministic", sheet.scorer))
    JudgementRepository(db).replace_automatic(session_id, evidence, scores)
    return sheet
