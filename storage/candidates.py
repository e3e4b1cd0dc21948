"""The candidates' repository: a candidate, their sessions, and export or deletion of everything
stored about them (data rights)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.assessment_repository import AssessmentRepository
from storage.code_events import CodeEventRepository
from storage.interview_codes import InterviewCode
from storage.invitations import InvitationRecord
from storage.models import AnswerMeasurement, InterviewSession, Turn
from storage.people import Candidate
from storage.shortlist import ShortlistMark

__all__ = ["CandidateRepository"]


class CandidateRepository:
    """Candidates and everything stored about them."""

    def __init__(self, db: Session) -> None:
        self._db = db

    def create(self, display_name: str | None = None, email: str | None = None) -> Candidate:
        """A new candidate; the name's runs of spaces become one (as pages show it)."""
        if display_name is not None:
            display_name = " ".join(display_name.split()) or None
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
        """Everything stored about the candidate, as plain data: the candidate, their phone
        line interview codes, their invitations, the roles they are shortlisted for, and each
        session with its turns, scores, evidence and notes.

        Raises:
            sqlalchemy.exc.NoResultFound: no such candidate.
        """
        candidate = self._db.get_one(Candidate, candidate_id)
        assessments = AssessmentRepository(self._db)
        out: dict[str, Any] = {
            "candidate": {
                "id": candidate.id,
                "display_name": candidate.display_name,
                "email": candidate.email,
                "created_at": candidate.created_at.isoformat(),
            },
            "interview_codes": [
                {
                    "code": c.code,
                    "role_id": c.role_id,
                    "role_version": c.role_version,
                    "mode": c.mode,
                    "created_at": c.created_at.isoformat(),
                    "expires_at": c.expires_at.isoformat(),
                    "used_at": c.used_at.isoformat() if c.used_at else None,
                }
                for c in self._db.scalars(
                    select(InterviewCode)
                    .where(InterviewCode.candidate_id == candidate_id)
                    .order_by(InterviewCode.id)
                )
            ],
            "invitations": [
                {
                    "role_id": i.role_id,
                    "role_version": i.role_version,
                    "mode": i.mode,
                    "created_at": i.created_at.isoformat(),
                    "expires_at": i.expires_at.isoformat(),
                    "opened_at": i.opened_at.isoformat() if i.opened_at else None,
                    "revoked_at": i.revoked_at.isoformat() if i.revoked_at else None,
                    "consented_at": i.consented_at.isoformat() if i.consented_at else None,
                }
                for i in self._db.scalars(
                    select(InvitationRecord)
                    .where(InvitationRecord.candidate_id == candidate_id)
                    .order_by(InvitationRecord.created_at)
                )
            ],
            "shortlisted_for": [
                {"role_id": m.role_id, "marked_at": m.marked_at.isoformat()}
                for m in self._db.scalars(
                    select(ShortlistMark).where(ShortlistMark.candidate_id == candidate_id)
                )
            ],
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
                        for x in assessments.scores(s.id)
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
                        for e, i in assessments.evidence(s.id)
                    ],
                    "notes": [
                        {"text": n.text, "recruiter": n.recruiter_id}
                        for n in assessments.notes(s.id)
                    ],
                    "code": [
                        {
                            "question_id": c.question_id,
                            "problem_id": c.problem_id,
                            "at_s": c.at_s,
                            "kind": c.kind,
                            "language": c.language,
                            "code": c.code,
                            "detail": c.detail,
                        }
                        for c in CodeEventRepository(self._db).for_session(s.id)
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
