"""Pick up an interview whose process died: the flow's stored state, the turns after it.

Every turn is committed as it completes (``agent.journal``), and every recruiter turn with the
flow's state as of it (``dialogue.snapshot``). A new process loads both: the candidate hears
that they were cut off and then either the reply to an answer they gave that no reply had
answered yet, or again the last thing they heard; the interview goes on in the same session,
its turns numbered after the stored ones, its clock and time budget going on from where they
stood.

A candidate who pressed End is not taken back into the interview: the request is stored when
it is made (``SessionRepository.request_end``), so a process that dies before its closing is
stored leaves a session that a new one closes, saying the closing again.
"""

from __future__ import annotations

import os
import socket
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from agent.errors import AgentError
from agent.interviewer import Interviewer
from agent.reply import RecruiterUtterance
from dialogue import CandidateAnswered, InterviewPlan, InterviewState, Phase, step
from dialogue.snapshot import SnapshotError, state_from_snapshot
from perception.words import TimedWord
from rubrics import RoleError, RoleSource, plan_for, resolve_role
from storage import CodeEvent, CodeEventRepository, InterviewSession, SessionRepository, Turn

__all__ = [
    "CLOSED_AS",
    "END_CLOSING",
    "CannotContinueError",
    "ResumeError",
    "ResumingInterviewer",
    "Resumption",
    "StillRunningError",
    "abandoned_sessions",
    "load_resumption",
    "resumption_for",
    "room_resumption",
    "sessions_to_resume",
    "this_process",
    "unreported_sessions",
]

CUT_OFF = "Sorry, we were cut off for a moment."
REPEAT = "Where we were:"
# What a candidate who pressed End hears before the interview ends (``agent.worker``).
END_CLOSING = "Thank you, we will stop here. Your report will be ready in a moment."
# A room's running session whose last turn is older than this (seconds) is not picked up by a
# new job: the candidate has most likely gone; it is closed as interrupted and scored instead.
RESUME_WITHIN_S = 1800.0
CLOSED_AS = "interrupted:"  # how the end reason of a session closed and scored begins
INTERRUPTED = f"{CLOSED_AS} the interview's process stopped and it was not resumed"
MAX_RESUMES = 3  # a room's session resumed this often is closed instead of resumed again


def this_process() -> str:
    """This process as a session's holder: "host:pid"."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive_here(holder: str | None) -> int | None:
    """The pid of ``holder`` when it is a live process on this machine, else None."""
    host, _, pid = (holder or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return None
    except PermissionError:  # another user's process: alive
        pass
    return int(pid)


class ResumeError(AgentError):
    """A stored interview cannot be resumed (no such session, finished, another script)."""


class StillRunningError(ResumeError):
    """The process holding the interview is alive: it is not resumed, nor closed."""


class CannotContinueError(ResumeError):
    """The interview stopped and cannot go on from what was stored: its flow state does not fit
    the role version it ran, or that version is gone. Close it as interrupted and score what
    was answered (``agent.interview.close_interrupted``)."""


@dataclass(frozen=True)
class Resumption:
    """Where a stored interview stands.

    ``state`` is the flow's state as of the last recruiter turn stored (None: the process died
    before the candidate heard anything, so the interview starts again in the same session);
    ``pending_answer`` what the candidate said after it that no reply answered; ``last_heard``
    that recruiter turn's text; ``clock_s`` the end of the last stored turn or coding event on
    the session's clock (seconds); ``answered`` the candidate turns stored per question id;
    ``asked_s`` when each question asked was first spoken (session clock, seconds), from which
    a coding question's time limit goes on. ``current_answers`` are the stored answers to the
    current question (text and word timings on the session's clock, in order; the pending
    answer last), for the cues of a practice tip. ``end_requested``: the candidate pressed End
    (the reason stored), the flow's state is then ENDED; ``closing_stored``: the closing after
    it, or the flow's own, was stored (else it is said now).
    """

    session_id: str
    state: InterviewState | None
    pending_answer: str | None
    last_heard: str
    clock_s: float
    answered: Counter[str] = field(default_factory=Counter)
    persona: str | None = None  # the simulated candidate of a rehearsal
    resumes: int = 0  # how many times it was resumed already
    holder: str | None = None  # the process that held it (``this_process``)
    answered_in_order: tuple[str, ...] = ()  # question ids answered, in the order answered
    asked_s: dict[str, float] = field(default_factory=dict)
    current_answers: tuple[tuple[str, tuple[TimedWord, ...]], ...] = ()
    end_requested: str | None = None
    closing_stored: bool = False


def load_resumption(s: Session, session_id: str, plan: InterviewPlan) -> Resumption:
    """Where ``session_id`` stands, for ``plan`` (rebuilt from the role version it ran).

    Raises:
        ResumeError: no such session, or it is completed, or closed as interrupted.
        StillRunningError: its process is alive on this machine.
        CannotContinueError: its stored state does not fit ``plan`` (another role script; the
            message says which).
    """
    record = SessionRepository(s).get(session_id)
    if record is None:
        raise ResumeError(f"no interview session {session_id!r}")
    if record.status == "completed":
        raise ResumeError(f"session {session_id} is completed; there is nothing to resume")
    if record.status != "running" and (record.end_reason or "").startswith(CLOSED_AS):
        # Closed as it stood and scored (INTERRUPTED): not reopened. A rehearsal that failed
        # otherwise (stopped with Ctrl-C, over its time) may still be resumed.
        raise ResumeError(f"session {session_id} was closed ({record.end_reason}); it is not "
                          "reopened")  # fmt: skip
    if (pid := _alive_here(record.holder)) is not None:
        raise StillRunningError(f"session {session_id} is still running in process {pid} on "
                                "this machine; stop it first")  # fmt: skip
    turns = SessionRepository(s).turns(session_id)
    state = None
    if record.flow_state is not None:
        try:
            state = state_from_snapshot(plan, record.flow_state)
        except SnapshotError as e:
            raise CannotContinueError(f"session {session_id} cannot be resumed: {e}") from e
    said = [t for t in turns if t.speaker == "recruiter"]
    closed = bool(said) and any(e.get("type") == "end" for e in said[-1].events or [])
    # End was pressed: its reason is stored at once, the closing after it once said.
    requested = record.end_requested
    if state is not None and (closed or requested is not None):
        state = replace(state, phase=Phase.ENDED)  # closed early: no more questions
    after = said[-1].index if said else -1
    pending = " ".join(t.text for t in turns if t.speaker == "candidate" and t.index > after)
    current = [t for t in turns if t.speaker == "candidate" and state is not None
               and t.question_id == state.current]  # fmt: skip
    answers = [(t.text, _words(t)) for t in current if t.index <= after]
    if pending and state is not None:  # (its turns may have been stored in parts)
        answers.append((pending, tuple(w for t in turns if t.speaker == "candidate"
                                       and t.index > after for w in _words(t))))  # fmt: skip
    answered = Counter(t.question_id for t in turns if t.speaker == "candidate" and t.question_id)
    asked: dict[str, float] = {}
    for t in said:
        if t.question_id and t.question_id not in asked:
            asked[t.question_id] = t.start_s
    # Code written after the last turn was stored: the resumed clock starts after it too.
    coded = [t for t in [CodeEventRepository(s).last_at_s(session_id)] if t is not None]
    return Resumption(
        session_id=session_id, state=state, pending_answer=pending or None,
        last_heard=said[-1].text if said else "",
        clock_s=max([t.end_s for t in turns] + coded, default=0.0), answered=answered,
        persona=record.persona,
        resumes=sum(e.get("type") == "resumed" for t in said for e in t.events or []),
        holder=record.holder, answered_in_order=tuple(dict.fromkeys(
            t.question_id for t in turns if t.speaker == "candidate" and t.question_id)),
        asked_s=asked, current_answers=tuple(answers), end_requested=requested,
        closing_stored=closed,
    )  # fmt: skip


def _words(turn: Turn) -> tuple[TimedWord, ...]:
    """A stored turn's word timings (session clock, seconds); none where one is unreadable."""
    try:
        return tuple(TimedWord.from_stored(w) for w in turn.words or [])
    except ValueError:
        return ()


def resumption_for(
    s: Session, session_id: str, *, channel: str | None = None
) -> tuple[RoleSource, Resumption]:
    """The role version ``session_id`` ran, in the mode it ran in, and where it stands.

    Args:
        channel: refuse a session held elsewhere (``headless`` for ``rehearse --resume``: never
            a candidate's room or call).

    Raises:
        ResumeError: as ``load_resumption``, or the session is of another channel.
        CannotContinueError: as ``load_resumption``, or the role version it ran is gone.
    """
    record = SessionRepository(s).get(session_id)
    if record is None:
        raise ResumeError(f"no interview session {session_id!r}")
    if channel is not None and record.channel != channel:
        raise ResumeError(f"session {session_id} is not a {channel} interview "
                          f"({record.channel!r}); it cannot be resumed here")  # fmt: skip
    try:
        source = resolve_role(s, record.role_id, record.role_version)
    except RoleError as e:
        raise CannotContinueError(f"session {session_id} cannot be resumed: {e}") from e
    source = source.in_mode(record.mode)  # the invitation's mode, as the session ran
    return source, load_resumption(s, session_id, plan_for(source.role))


def _last_activity() -> tuple[Any, Any]:
    """Per session (correlated with ``InterviewSession``): when its last turn was stored and
    when code was last written (a coding round's silent stretch is written code, not turns)."""
    last_turn = select(func.max(Turn.created_at)).where(Turn.session_id == InterviewSession.id)
    last_code = select(func.max(CodeEvent.created_at)).where(
        CodeEvent.session_id == InterviewSession.id
    )
    return last_turn.scalar_subquery(), last_code.scalar_subquery()


def _seen(started: datetime, *activity: datetime | None) -> datetime:
    """The latest of a session's start and its activity, in UTC (SQLite keeps no zone)."""
    return max(t if t.tzinfo else t.replace(tzinfo=UTC) for t in (started, *activity) if t)


def sessions_to_resume(
    s: Session, channel: str, candidate_id: str | None, *, now: datetime | None = None
) -> tuple[str | None, list[str]]:
    """The running sessions of ``candidate_id`` in ``channel`` (an invitation's room), as a
    new job there sees them (whether a live process still holds one, ``load_resumption``
    checks).

    Returns:
        The one to go on with (the newest whose last activity, the last turn stored or code
        written, is within ``RESUME_WITHIN_S``), or None; and the others, to be closed as
        interrupted and scored.
    """
    now = now or datetime.now(UTC)
    rows = s.execute(
        select(InterviewSession.id, InterviewSession.started_at, *_last_activity())
        .where(InterviewSession.channel == channel, InterviewSession.status == "running",
               InterviewSession.candidate_id.is_(None) if candidate_id is None
               else InterviewSession.candidate_id == candidate_id)
        .order_by(InterviewSession.started_at.desc())
    ).all()  # fmt: skip
    resume: str | None = None
    stale: list[str] = []
    for session_id, started, last, coded in rows:
        idle_s = (now - _seen(started, last, coded)).total_seconds()
        if resume is None and idle_s <= RESUME_WITHIN_S:
            resume = session_id
        else:
            stale.append(session_id)
    return resume, stale


def abandoned_sessions(s: Session, *, now: datetime | None = None) -> list[tuple[str, str | None]]:
    """The running interviews no process will go on with, as (session id, holder): a room's or
    a call's (a rehearsal goes on with ``rehearse --resume`` whenever its user asks) whose last
    stored turn or code written (else its start) is older than ``RESUME_WITHIN_S``, and whose
    process is not alive on this machine. A candidate's room left that long is not resumed by
    a new job either (``sessions_to_resume``); these are closed as interrupted and scored
    (``agent.abandoned.close_abandoned``) even when the candidate never comes back.
    """
    now = now or datetime.now(UTC)
    rows = s.execute(
        select(InterviewSession.id, InterviewSession.holder, InterviewSession.started_at,
               *_last_activity())
        .where(InterviewSession.status == "running", InterviewSession.channel != "headless")
        .order_by(InterviewSession.started_at)
    ).all()  # fmt: skip
    found: list[tuple[str, str | None]] = []
    for session_id, holder, started, last, coded in rows:
        idle_s = (now - _seen(started, last, coded)).total_seconds()
        if idle_s > RESUME_WITHIN_S and _alive_here(holder) is None:
            found.append((session_id, holder))
    return found


def unreported_sessions(
    s: Session, *, ended_s: tuple[float, float], channel: str | None = None,
    candidate_id: str | None = None, rehearsals: bool = True, now: datetime | None = None,
) -> list[tuple[str, str | None]]:  # fmt: skip
    """Ended interviews whose report was never written, as (session id, holder), the last
    ended first: their process was killed between the end and the report (or the report
    could not be built). Only those ended between ``ended_s[0]`` and ``ended_s[1]`` seconds
    ago, of ``channel`` and ``candidate_id`` where given (and no rehearsal unless
    ``rehearsals``), whose process is not alive on this machine. A rehearsal stopped otherwise
    (Ctrl-C, over its time) is left out: it writes its report when ``rehearse --resume`` goes
    on with it.
    """
    now = now or datetime.now(UTC)
    after = now - timedelta(seconds=ended_s[1]) if ended_s[1] != float("inf") else None
    found: list[tuple[str, str | None]] = []
    for record in SessionRepository(s).unreported(channel=channel, candidate_id=candidate_id,
                                                  ended_after=after):  # fmt: skip
        assert record.ended_at is not None
        ago_s = (now - _seen(record.ended_at)).total_seconds()
        rehearsal = record.channel == "headless"
        resumable = (
            rehearsal
            and record.status != "completed"
            and not (record.end_reason or "").startswith(CLOSED_AS)
        )
        due = ended_s[0] <= ago_s <= ended_s[1] and (rehearsals or not rehearsal)
        if due and not resumable and _alive_here(record.holder) is None:
            found.append((record.id, record.holder))
    return found


def room_resumption(
    db: sessionmaker[Session], channel: str, candidate_id: str | None
) -> tuple[tuple[RoleSource, Resumption] | None, list[str]]:
    """What a new job in ``channel`` goes on with (``sessions_to_resume``), with its role
    version; and the sessions to close as ``INTERRUPTED`` (too old, or no longer resumable).

    Raises:
        StillRunningError: the session's process is alive on this machine (the job should end).
    """
    with db() as s:
        resume_id, stale = sessions_to_resume(s, channel, candidate_id)
        if resume_id is None:
            return None, stale
        try:
            found = resumption_for(s, resume_id)
        except StillRunningError:
            raise  # another job holds it: this one leaves it alone
        except ResumeError:
            return None, [resume_id, *stale]
    if found[1].resumes >= MAX_RESUMES:  # it keeps failing the same way: scored as it stands
        return None, [resume_id, *stale]
    return found, stale


class ResumingInterviewer(Interviewer):
    """An interviewer that goes on with a stored interview instead of opening a new one."""

    def __init__(self, resumption: Resumption, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.resumption = resumption

    async def opening(self) -> str:
        """What the candidate hears first: that they were cut off, then the reply to their
        pending answer, or the last thing they heard again (the opening, where the process died
        before its first turn was stored: it may have been heard in part)."""
        r = self.resumption
        if r.end_requested is not None and not r.closing_stored:  # the closing, then the end
            self._t0 = time.time() - r.clock_s
            self._state = replace(r.state or self._state, phase=Phase.ENDED)
            self.end_reason, self._asking = r.end_requested, None
            self.utterance = RecruiterUtterance(events=[
                {"type": "resumed", "after": "end"}, {"type": "end", "reason": r.end_requested},
            ])  # fmt: skip
            return f"{CUT_OFF} {END_CLOSING}"
        if r.state is None:  # gone before its first turn was stored: the opening again
            opening = await super().opening()
            self.utterance.events.insert(0, {"type": "resumed", "after": "start"})
            return f"{CUT_OFF} {opening}"
        # The flow's clock (and time budget) goes on from the last stored turn: the time the
        # process was down is not charged.
        now_s = max(r.state.elapsed_s, r.clock_s)
        self._t0 = time.time() - now_s
        self._state = r.state
        ended = r.state.phase is Phase.ENDED
        self._asking = None if ended else r.state.current
        if ended:  # the closing again, then the interview ends
            self.end_reason = r.end_requested or "closing heard before the process died"
        elif r.pending_answer is not None:
            # The tip's cues, from the words stored (on this process's wall clock).
            cues = self.words.restore(r.state.current, [
                (text, tuple(w.shifted(self._t0) for w in words))
                for text, words in r.current_answers
            ])  # fmt: skip
            event = CandidateAnswered(text=r.pending_answer, at_s=now_s, cues=cues)
            self._state, actions = step(r.state, event)
            reply = [text async for text in self._speak(actions, time.monotonic())]
            if reply:
                self.utterance.events.insert(0, {"type": "resumed", "after": "answer"})
                return " ".join([CUT_OFF, *reply])
            self._state = r.state  # nothing to say to it (thinking aloud): ask again
        # The last thing heard is said again: prompts and losses before the crash start over.
        self._state = replace(self._state, silence_prompts=0, not_heard=0)
        again = "closing" if ended else "question"  # (the closing said again, then the end)
        self.utterance = RecruiterUtterance(
            question_id=self._asking, events=[{"type": "resumed", "after": again}]
        )
        return f"{CUT_OFF} {REPEAT} {r.last_heard}"
