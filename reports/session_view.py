"""One stored interview read back for judging and reporting: role, turns, measurements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from perception.spoken_language import OtherLanguage
from perception.words import TimedWord
from rubrics import RoleError, RoleScript, parse_role
from rubrics.scoring import CandidateTurn
from storage import InterviewSession, RoleRepository, SessionRepository, Turn

__all__ = ["ReportError", "SessionView", "load_session", "other_language", "stored_words"]


def stored_words(stored: list[dict[str, Any]] | None) -> tuple[TimedWord, ...]:
    """A stored turn's words; a word kept without its times (damaged data) is left out."""
    words: list[TimedWord] = []
    for item in stored or []:
        try:
            words.append(TimedWord.from_stored(item))
        except ValueError:
            continue
    return tuple(words)


def other_language(measured: dict[str, Any] | None) -> tuple[OtherLanguage, ...]:
    """The clauses a turn's stored measurements found in another language; a span kept in
    another shape (damaged data) is left out."""
    spans: list[OtherLanguage] = []
    for item in (measured or {}).get("other_language") or []:
        try:
            spans.append(OtherLanguage.from_stored(item))
        except (KeyError, TypeError, ValueError):
            continue
    return tuple(spans)


class ReportError(Exception):
    """A session cannot be judged or reported on (unknown id, role version missing...)."""


@dataclass(frozen=True)
class SessionView:
    """What the scorer and the report read about one session."""

    record: InterviewSession
    role: RoleScript
    turns: list[Turn]
    measurements: dict[int, dict[str, Any]]  # by turn index

    @property
    def asked(self) -> set[str]:
        """Ids of the questions the recruiter asked (a turn of theirs carries the id)."""
        return {t.question_id for t in self.turns if t.speaker == "recruiter" and t.question_id}

    @property
    def answered(self) -> set[str]:
        """Ids of the questions the candidate said something to."""
        return {
            t.question_id
            for t in self.turns
            if t.speaker == "candidate" and t.question_id and t.text.strip()
        }

    @property
    def candidate_turns(self) -> list[CandidateTurn]:
        """The candidate's turns as the scorer takes them."""
        return [self.candidate_turn(t) for t in self.turns if t.speaker == "candidate"]

    def candidate_turn(self, turn: Turn) -> CandidateTurn:
        """One stored turn as the scorer takes it. Its stretches in another language are word
        indices: where a stored word was damaged (left out), they would point at other words,
        so none is kept."""
        words = stored_words(turn.words)
        intact = len(words) == len(turn.words or [])
        other = other_language(self.measurements.get(turn.index)) if intact else ()
        return CandidateTurn(turn.index, turn.question_id, turn.text, turn.start_s, turn.end_s,
                             words, other)  # fmt: skip


def load_session(db: Session, session_id: str) -> SessionView:
    """Read a session and the exact role version it ran.

    Raises:
        ReportError: no such session, or its role version is not stored or no longer passes
            the role checks (stored before a check was added).
    """
    repo = SessionRepository(db)
    record = repo.get(session_id)
    if record is None:
        raise ReportError(f"no session {session_id!r}; each interview prints its id as it ends, "
                          "and the dashboard's session list shows them")  # fmt: skip
    stored = RoleRepository(db).get(record.role_id, record.role_version)
    if stored is None:
        raise ReportError(
            f"session {session_id}: role {record.role_id!r} version {record.role_version} is not "
            "stored, so its rubric is unknown"
        )
    try:
        role = parse_role(stored.content, f"{record.role_id}@{record.role_version}")
    except RoleError as e:  # stored before a check it fails was added: say so, never crash
        raise ReportError(
            f"session {session_id}: role {record.role_id!r} version {record.role_version} no "
            f"longer passes the role checks, so the report cannot be built: {e}"
        ) from e
    measurements = {i: m.as_dict() for i, m in repo.measurements(session_id).items()}
    return SessionView(record, role, repo.turns(session_id), measurements)
