"""A recruiter's own review of a session: scores and a note stored beside the automatic ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from reports.session_view import ReportError, load_session
from storage import AssessmentRepository, NewScore, SessionRepository

__all__ = ["ReviewError", "ReviewResult", "record_review"]


class ReviewError(ReportError):
    """A review cannot be stored; ``problems`` lists every reason, one line each.

    ``kind`` says whose fault: "unknown-session", "not-reportable" (the session exists but
    cannot be reported on, e.g. its role version is missing) or "invalid" (the review itself).
    """

    def __init__(
        self,
        problems: list[str],
        kind: Literal["unknown-session", "not-reportable", "invalid"] = "invalid",
    ) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
        self.kind = kind


@dataclass(frozen=True)
class ReviewResult:
    """How many human rows a review stored."""

    scores: int
    note: bool


def record_review(
    s: Session,
    session_id: str,
    recruiter_id: str,
    *,
    scores: dict[str, float],
    overall: float | None = None,
    note: str | None = None,
) -> ReviewResult:
    """Store a recruiter's competency scores and overall score (1-5) and a note beside the
    automatic scores, never over them. Flushes; the caller commits.

    Raises:
        ReviewError: the session is unknown or cannot be reported on (see ``kind``), a
            competency is not in the session's role, a score is outside 1-5, or there is
            nothing to store.
    """
    try:
        view = load_session(s, session_id)
    except ReportError as e:
        unknown = SessionRepository(s).get(session_id) is None
        raise ReviewError([str(e)], "unknown-session" if unknown else "not-reportable") from e
    known = [c.id for c in view.role.competencies]
    problems = [
        f"no competency {c!r}; this role has {', '.join(known)}" for c in scores if c not in known
    ]
    values = {**{f"score for {c}": v for c, v in scores.items()}, "overall": overall}
    problems += [
        f"{k} must be from 1 to 5" for k, v in values.items() if v is not None and not 1 <= v <= 5
    ]
    note = (note or "").strip() or None
    if not scores and overall is None and note is None:
        problems.append("nothing to store: give a score, an overall score or a note")
    if problems:
        raise ReviewError(problems)
    repo = AssessmentRepository(s)
    for cid, value in scores.items():
        repo.add_human_score(
            session_id,
            NewScore("competency", cid, value, "human", recruiter_id, recruiter_id=recruiter_id),
        )
    if overall is not None:
        repo.add_human_score(
            session_id,
            NewScore("overall", None, overall, "human", recruiter_id, recruiter_id=recruiter_id),
        )
    if note is not None:
        repo.add_note(session_id, recruiter_id, note)
    return ReviewResult(len(scores) + (overall is not None), note is not None)
