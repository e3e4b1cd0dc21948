"""Repositories for judgements and people: scores, evidence, notes, reports, candidates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.judgements import Evidence, HumanNote, ReportFile, Score
from storage.models import AnswerMeasurement, InterviewSession, Turn
from storage.people import Candidate, Recruiter

__all__ = ["CandidateRepository", "JudgementRepository", "NewEvidence", "NewScore"]

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


class JudgementRepository:
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


class CandidateRepository:
    """Candidates and everything stored about them."""

    def __init__(self, db: Session) -> None:
        self._db = db

    def create(self, display_name: str | None = None, email: str | None = None) -> Candidate:
        """A new candidate."""
        record = Candidate(display_name=display_name, email=email)
        self._db.add(record)
        self._db.flush()
        return record

    def get(self, candidate_id: str) -> Candidate | None:
        """A candidate by id."""
        return self._db.get(Candidate, candidate_id)

    def sessions(self, candidate_id: str) -> list[InterviewSession]:
        """The candidate's sessions, oldest first."""
        query = select(InterviewSession).where(InterviewSession.candidate_id == candidate_id)
        return list(self._db.scalars(query.order_by(InterviewSession.started_at)))

    def export(self, candidate_id: str) -> dict[str, Any]:
        """Everything stored about the candidate, as plain data."""
        candidate = self._db.get_one(Candidate, candidate_id)
        judgements = JudgementRepository(self._db)
        out: dict[str, Any] = {
            "candidate": {
                "id": candidate.id,
                "display_name": candidate.display_name,
                "email": candidate.email,
                "created_at": candidate.created_at.isoformat(),
            },
            "sessions": [],
        }
        for s in self.sessions(candidate_id):
            turns = list(
                self._db.scalars(select(Turn).where(Turn.session_id == s.id).order_by(Turn.index))
            )
            measurements = {
                m.turn_id: m
                for m in self._db.scalars(
                    select(AnswerMeasurement).where(AnswerMeasurement.session_id == s.id)
                )
            }
            out["sessions"].append(
                {
                    "id": s.id,
                    "role_id": s.role_id,
                    "role_version": s.role_version,
                    "status": s.status,
                    "started_at": s.started_at.isoformat(),
                    "audio_path": s.audio_path,
                    "report_path": s.report_path,
                    "turns": [
                        {
                            "index": t.index,
                            "speaker": t.speaker,
                            "text": t.text,
                            "start_s": t.start_s,
                            "end_s": t.end_s,
                            "words": t.words,
                            "measures": m.as_dict() if (m := measurements.get(t.id)) else None,
                        }
                        for t in turns
                    ],
                    "scores": [
                        {
                            "scope": x.scope,
                            "target": x.target,
                            "value": x.value,
                            "source": x.source,
                            "scorer": x.scorer,
                            "rationale": x.rationale,
                        }
                        for x in judgements.scores(s.id)
                    ],
                    "evidence": [
                        {
                            "quote": e.quote,
                            "turn": i,
                            "start_s": e.start_s,
                            "end_s": e.end_s,
                            "competency": e.competency_id,
                            "stance": e.stance,
                            "signal": e.signal,
                        }
                        for e, i in judgements.evidence(s.id)
                    ],
                    "notes": [
                        {"text": n.text, "recruiter": n.recruiter_id}
                        for n in judgements.notes(s.id)
                    ],
                }
            )
        return out

    def delete(self, candidate_id: str) -> list[InterviewSession]:
        """Delete the candidate and every row about them; return the deleted sessions (files)."""
        sessions = self.sessions(candidate_id)
        for s in sessions:
            self._db.delete(s)  # turns, measurements, evidence, scores, notes, reports cascade
        self._db.delete(self._db.get_one(Candidate, candidate_id))
        self._db.flush()
        return sessions
