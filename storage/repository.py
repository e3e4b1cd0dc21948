"""Repositories over a SQLAlchemy session: they flush, the caller commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.orm import Session

from storage.assessments import ReportFile
from storage.models import AnswerMeasurement, InterviewSession, Turn

__all__ = ["NewTurn", "SessionRepository"]


@dataclass
class NewTurn:
    """A completed turn, as the voice layer reports it."""

    speaker: str
    text: str
    start_s: float
    end_s: float
    question_id: str | None = None
    interrupted: bool = False
    words: list[dict[str, Any]] | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    latency_s: float | None = None
    endpointing_s: float | None = None
    stt_s: float | None = None
    llm_ttft_s: float | None = None
    tts_ttfa_s: float | None = None


class SessionRepository:
    """Interview sessions and their turns."""

    def __init__(self, db: Session) -> None:
        self._db = db

    def create(
        self, *, role_id: str, role_version: str, persona: str | None, channel: str,
        llm_model: str | None, stt_model: str | None, role_sha256: str | None = None,
        mode: str | None = None, holder: str | None = None,
    ) -> InterviewSession:  # fmt: skip
        """Add a new running session (held by process ``holder``, "host:pid")."""
        record = InterviewSession(
            holder=holder,
            role_id=role_id,
            role_version=role_version,
            role_sha256=role_sha256,
            persona=persona,
            mode=mode,
            channel=channel,
            llm_model=llm_model,
            stt_model=stt_model,
        )
        self._db.add(record)
        self._db.flush()
        return record

    def get(self, session_id: str) -> InterviewSession | None:
        """Return a session by id."""
        return self._db.get(InterviewSession, session_id)

    def add_turn(
        self, session_id: str, turn: NewTurn, *, flow_state: dict[str, Any] | None = None
    ) -> Turn:
        """Append a turn to a session, numbered after the last one.

        ``flow_state`` (``dialogue.snapshot``), given with a recruiter turn, replaces the
        session's stored flow state in the same transaction: the state and the turns it has
        seen are committed together.
        """
        if flow_state is not None:
            self._db.get_one(InterviewSession, session_id).flow_state = flow_state
        last = self._db.scalar(select(func.max(Turn.index)).where(Turn.session_id == session_id))
        record = Turn(
            session_id=session_id,
            index=0 if last is None else last + 1,
            speaker=turn.speaker,
            text=turn.text,
            question_id=turn.question_id,
            start_s=turn.start_s,
            end_s=turn.end_s,
            interrupted=turn.interrupted,
            words=turn.words,
            events=turn.events or None,
            latency_s=turn.latency_s,
            endpointing_s=turn.endpointing_s,
            stt_s=turn.stt_s,
            llm_ttft_s=turn.llm_ttft_s,
            tts_ttfa_s=turn.tts_ttfa_s,
        )
        self._db.add(record)
        self._db.flush()
        return record

    def extend_turn(
        self, session_id: str, index: int, *, text: str, end_s: float | None,
        words: list[dict[str, Any]],
    ) -> Turn:  # fmt: skip
        """Append the rest of an answer to a stored turn (its text, end and word timings).

        An answer heard in two parts (the candidate went on after a pause taken for its end)
        stays one turn.

        Raises:
            sqlalchemy.exc.NoResultFound: no turn ``index`` in that session.
        """
        turn = self._db.scalars(
            select(Turn).where(Turn.session_id == session_id, Turn.index == index)
        ).one()
        turn.text = f"{turn.text} {text}".strip()
        turn.words = [*(turn.words or []), *words]
        if end_s is not None:
            turn.end_s = max(end_s, turn.end_s or end_s)
        self._db.flush()
        return turn

    def add_measurement(self, session_id: str, turn_index: int, data: dict[str, Any]) -> None:
        """Store perception's measurements of a turn (``AnswerMeasures.as_dict()`` shape).

        Measurements of a turn that has some already (it was extended) replace them.
        """
        turn = self._db.scalars(
            select(Turn).where(Turn.session_id == session_id, Turn.index == turn_index)
        ).one()
        old = self._db.scalar(select(AnswerMeasurement).where(AnswerMeasurement.turn_id == turn.id))
        if old is not None:
            self._db.delete(old)
            self._db.flush()
        self._db.add(
            AnswerMeasurement(
                turn_id=turn.id,
                session_id=session_id,
                speech=data["speech"],
                voice=data.get("voice"),
                face=data.get("face"),
                language=data.get("language", []),
                cues=data.get("cues", []),
                flags=data.get("flags", []),
                other_language=data.get("other_language", []),
            )
        )
        self._db.flush()

    def measurements(self, session_id: str) -> dict[int, AnswerMeasurement]:
        """Measurements of a session's turns, by turn index."""
        rows = self._db.execute(
            select(Turn.index, AnswerMeasurement)
            .join(AnswerMeasurement, AnswerMeasurement.turn_id == Turn.id)
            .where(Turn.session_id == session_id)
        )
        return {index: measurement for index, measurement in rows}

    def turns(self, session_id: str) -> list[Turn]:
        """All turns of a session in order."""
        return list(
            self._db.scalars(select(Turn).where(Turn.session_id == session_id).order_by(Turn.index))
        )

    def reopen(self, session_id: str, *, holder: str, was: str | None) -> bool:
        """Take a session whose process died for ``holder`` (running again), if it is still
        held by ``was`` (what the caller read): of two processes resuming it at once, one wins.

        Returns:
            False when another process took it first.
        """
        # A running session's reason is an End not yet closed: it stays.
        reason = case((InterviewSession.status == "running", InterviewSession.end_reason))
        return self._held_by(
            session_id, was, holder=holder, status="running", ended_at=None, end_reason=reason
        )

    def take(self, session_id: str, *, holder: str, was: str | None, lease_s: float) -> bool:
        """Make ``holder`` the process of an ended session, to write what its own process did
        not (its report), if it is still held by ``was`` (what the caller read) and no process
        took it so within the last ``lease_s`` seconds: of processes taking it at once, on
        any machines, one wins. Its status stays as it is.

        Returns:
            False when another process took it first, or holds it still.
        """
        now = datetime.now(UTC)
        free = or_(InterviewSession.report_taken_at.is_(None),
                   InterviewSession.report_taken_at < now - timedelta(seconds=lease_s))  # fmt: skip
        return self._held_by(session_id, was, free, holder=holder, report_taken_at=now)

    def _held_by(self, session_id: str, was: str | None, *also: Any, **values: Any) -> bool:
        """Set ``values`` on the session if it is still held by ``was`` and meets ``also``
        (compare-and-set); whether it was."""
        result = self._db.execute(
            update(InterviewSession)
            .where(InterviewSession.id == session_id,
                   InterviewSession.holder.is_(None) if was is None
                   else InterviewSession.holder == was, *also)
            .values(**values)
            .execution_options(synchronize_session=False)
        )  # fmt: skip
        return bool(getattr(result, "rowcount", 0))

    def latest(self, *, channel: str, candidate_id: str | None) -> InterviewSession | None:
        """The session of ``candidate_id`` in ``channel`` started last, or None."""
        query = select(InterviewSession).where(
            InterviewSession.channel == channel,
            InterviewSession.candidate_id.is_(None) if candidate_id is None
            else InterviewSession.candidate_id == candidate_id,
        )  # fmt: skip
        return self._db.scalars(query.order_by(InterviewSession.started_at.desc()).limit(1)).first()

    def reported(self, session_id: str) -> bool:
        """Whether a report of the session was built (``AssessmentRepository.add_report``)."""
        query = select(ReportFile.id).where(ReportFile.session_id == session_id).limit(1)
        return self._db.scalar(query) is not None

    def unreported(
        self, *, channel: str | None = None, candidate_id: str | None = None,
        ended_after: datetime | None = None,
    ) -> list[InterviewSession]:  # fmt: skip
        """Ended sessions (``completed`` or ``failed``) with no report built, the last ended
        first, of ``channel`` and ``candidate_id``, and ended after ``ended_after`` (UTC),
        where given: their process stopped between the interview's end and its report, or the
        report could not be built."""
        reported = select(ReportFile.id).where(ReportFile.session_id == InterviewSession.id)
        query = select(InterviewSession).where(
            InterviewSession.status != "running",
            InterviewSession.ended_at.is_not(None),
            ~reported.exists(),
        )
        if ended_after is not None:
            query = query.where(InterviewSession.ended_at > ended_after)
        if channel is not None:
            query = query.where(InterviewSession.channel == channel)
        if candidate_id is not None:
            query = query.where(InterviewSession.candidate_id == candidate_id)
        return list(self._db.scalars(query.order_by(InterviewSession.ended_at.desc())))

    def request_end(self, session_id: str, reason: str) -> bool:
        """Record that the candidate asked to end the running session ``session_id``
        (``reason``), before its closing is said: a process that dies first leaves a session
        that is closed, not taken back into the interview (``agent.resume``).

        Returns:
            False when the session is not running (it has ended already).
        """
        result = self._db.execute(
            update(InterviewSession)
            .where(InterviewSession.id == session_id, InterviewSession.status == "running")
            .values(end_reason=reason)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))

    def finish(
        self, session_id: str, *, status: str, reason: str | None = None,
        audio_path: str | None = None, report_path: str | None = None,
    ) -> InterviewSession:  # fmt: skip
        """Mark a session as ended (``completed`` or ``failed``) and record its files."""
        record = self._db.get_one(InterviewSession, session_id)
        record.status = status
        record.end_reason = reason
        record.ended_at = datetime.now(UTC)
        if audio_path is not None:
            record.audio_path = audio_path
        if report_path is not None:
            record.report_path = report_path
        self._db.flush()
        return record

    def exam_taken(self, candidate_id: str, channel: str) -> bool:
        """Whether ``candidate_id`` has taken an assessed (exam) interview in ``channel`` (an
        invitation's room): one in which they gave at least one answer. An assessed
        invitation is taken once; an attempt cut off before any answer does not count."""
        answered = (
            select(Turn.id)
            .where(Turn.session_id == InterviewSession.id, Turn.speaker == "candidate")
            .exists()
        )
        query = select(InterviewSession.id).where(
            InterviewSession.candidate_id == candidate_id,
            InterviewSession.channel == channel,
            InterviewSession.mode == "exam",
            answered,
        )
        return self._db.scalar(query.limit(1)) is not None
