"""The repository of what an interview concluded: scores, evidence, notes and built reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.assessments import Evidence, HumanNote, ReportFile, Score
from storage.models import Turn
from storage.people import Recruiter

__all__ = ["AssessmentRepository", "NewEvidence", "NewScore"]

AUTOMATIC = ("deterministic", "llm")


@dataclass(frozen=True)
class NewEvidence:
    """A quote to store (the turn is given by its index in the session)."""

    turn_index: int
    question_id: str | None
    competency_id: str
    quote: str
    start_s: float
    end_s: float
    stance: str
    signal: str
    source: str = "deterministic"


@dataclass(frozen=True)
class NewScore:
    """A score to store."""

    scope: str
    target: str | None
    value: float
    source: str
    scorer: str
    rationale: str | None = None
    needs_review: bool = False
    recruiter_id: str | None = None
    scale_max: int = 5


class AssessmentRepository:
    """Scores, evidence, human notes and report files of sessions."""

    def __init__(self, db: Session) -> None:
        self._db = db

    def replace_automatic(
        self,
        session_id: str,
        evidence: Sequence[NewEvidence],
        scores: Sequence[NewScore],
        *,
        source: str = "deterministic",
    ) -> None:
        """Store one scorer's output (``source``), replacing its earlier output only."""
        if source not in AUTOMATIC:
            raise ValueError(f"not an automatic source: {source!r}")
        self._db.execute(
            delete(Evidence).where(Evidence.session_id == session_id, Evidence.source == source)
        )
        self._db.execute(
            delete(Score).where(Score.session_id == session_id, Score.source == source)
        )
        turn_ids = dict(
            self._db.execute(select(Turn.index, Turn.id).where(Turn.session_id == session_id)).all()
        )
        for e in evidence:
            self._db.add(
                Evidence(
                    session_id=session_id,
                    turn_id=turn_ids[e.turn_index],
                    question_id=e.question_id,
                    competency_id=e.competency_id,
                    quote=e.quote,
                    start_s=e.start_s,
                    end_s=e.end_s,
                    stance=e.stance,
                    signal=e.signal,
                    source=e.source,
                )
            )
        for s in scores:
            self._db.add(self._score(session_id, s))
        self._db.flush()

    def _score(self, session_id: str, s: NewScore) -> Score:
        return Score(
            session_id=session_id,
            scope=s.scope,
            target=s.target,
            value=s.value,
            scale_max=s.scale_max,
            source=s.source,
            scorer=s.scorer,
            rationale=s.rationale,
            needs_review=s.needs_review,
            recruiter_id=s.recruiter_id,
        )

    def add_human_score(self, session_id: str, score: NewScore) -> Score:
        """A recruiter's own score, stored beside the automatic ones."""
        if score.source != "human" or score.recruiter_id is None:
            raise ValueError("a human score needs source='human' and a recruiter id")
        if self._db.get(Recruiter, score.recruiter_id) is None:
            self._db.add(Recruiter(id=score.recruiter_id))
            self._db.flush()  # no relationship orders the inserts: the recruiter goes first
        record = self._score(session_id, score)
        self._db.add(record)
        self._db.flush()
        return record

    def add_note(self, session_id: str, recruiter_id: str, text: str) -> HumanNote:
        """A recruiter's note on a session."""
        if self._db.get(Recruiter, recruiter_id) is None:
            self._db.add(Recruiter(id=recruiter_id))
            self._db.flush()
        note = HumanNote(session_id=session_id, recruiter_id=recruiter_id, text=text)
        self._db.add(note)
        self._db.flush()
        return note

    def scores(self, session_id: str, *, source: str | None = None) -> list[Score]:
        """Scores of a session in the order they were stored (optionally of one source)."""
        query = select(Score).where(Score.session_id == session_id)
        if source is not None:
            query = query.where(Score.source == source)
        return list(self._db.scalars(query.order_by(Score.id)))

    def evidence(self, session_id: str) -> list[tuple[Evidence, int]]:
        """Evidence of a session with the index of its turn, in turn and time order."""
        rows = self._db.execute(
            select(Evidence, Turn.index)
            .join(Turn, Evidence.turn_id == Turn.id)
            .where(Evidence.session_id == session_id)
            .order_by(Turn.index, Evidence.start_s, Evidence.id)
        )
        return [(e, i) for e, i in rows]

    def notes(self, session_id: str) -> list[HumanNote]:
        """A session's notes, oldest first."""
        query = select(HumanNote).where(HumanNote.session_id == session_id)
        return list(self._db.scalars(query.order_by(HumanNote.id)))

    def add_report(self, session_id: str, fmt: str, path: str, sha256: str) -> None:
        """Record a built report file."""
        self._db.add(ReportFile(session_id=session_id, format=fmt, path=path, sha256=sha256))
        self._db.flush()
