"""Interviews no process will go on with, closed and scored: a candidate who left a room and
never came back, a call whose process died. The worker sweeps for them as it starts and every
few minutes after (``sweeping``), so each such session ends ``failed`` as interrupted, with
its answers scored and its report written, instead of staying "running" for good.

The same sweep writes the report of an interview that ended but whose process was killed
before its report was written (``report_unreported``); a candidate whose room job died that
way gets it from the job their page asks back (``ended_in_room``), and a rehearsal from
``rehearse --resume``. Each such report has the LLM judge's second opinion where its own
process would have asked it (a trusted model: ``judge_with``).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Coroutine
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from agent.interview import build_reports, close_interrupted
from agent.resume import RESUME_WITHIN_S, abandoned_sessions, this_process, unreported_sessions
from recruiter_config.settings import Settings
from recruiter_devstack.llm_server import resolve_endpoint
from recruiter_llm.client import LLMEndpoint, OpenAIChatClient
from reports.assessment import judge_if_trusted
from storage import SessionRepository, create_database, session_factory

__all__ = [
    "REPORT_GRACE_S",
    "SWEEP_EVERY_S",
    "Judge",
    "close_abandoned",
    "ended_in_room",
    "judge_with",
    "report_unreported",
    "sweeping",
    "write_missing_report",
]

logger = logging.getLogger("recruiter.agent")

# How often the worker looks (seconds): a session is closed at most this long after it has
# been left for ``RESUME_WITHIN_S``.
SWEEP_EVERY_S = RESUME_WITHIN_S / 6
# An ended interview whose report is not written this long after (seconds) is written by the
# sweep: its own process writes it within a minute (scoring, the judge, the PDF), or died.
REPORT_GRACE_S = 600.0
# A report that cannot be built is tried again for a day, at most once a ``REPORT_GRACE_S``.
REPORT_RETRY_FOR_S = 86400.0

Judge = Callable[[sessionmaker[Session], str], Coroutine[Any, Any, object]]
"""The LLM judge's second opinion on one session (the database, the session's id), as the
interview's own process asks it before the report: ``reports.assessment.judge_if_trusted``."""


def judge_with(endpoint: LLMEndpoint | None) -> Judge | None:
    """The judge of ``endpoint`` (the configured one, ``resolve_endpoint``, as the worker and
    its jobs have it); None for none. It asks only a model trusted as a judge, and its failures
    are logged, not raised (``judge_if_trusted``)."""
    if endpoint is None:
        return None
    reached = endpoint

    async def judge(db: sessionmaker[Session], session_id: str) -> object:
        chat = OpenAIChatClient(reached)
        try:
            return await judge_if_trusted(db, session_id, chat)
        finally:
            await chat.aclose()

    return judge


def close_abandoned(db: sessionmaker[Session], settings: Settings) -> list[str]:
    """Close and score every interview no process will go on with (``abandoned_sessions``) as
    ``close_interrupted`` does; the ids closed. Of several workers sweeping at once, one takes
    each session (taken over from the holder it was read with, as a resuming job takes it),
    and so does a job that resumes it in the meantime."""
    with db() as s:
        found = abandoned_sessions(s)
    closed: list[str] = []
    for session_id, holder in found:
        with db() as s:
            taken = SessionRepository(s).reopen(session_id, holder=this_process(), was=holder)
            s.commit()
        if taken:
            close_interrupted(db, session_id, settings)
            closed.append(session_id)
    return closed


def write_missing_report(
    db: sessionmaker[Session], session_id: str, holder: str | None, settings: Settings,
    judge: Judge | None = None,
) -> bool:  # fmt: skip
    """Score an ended interview and write its reports (``build_reports``), having taken it
    over from ``holder``, the dead process that ended it (what the caller read): of several
    processes at once, on any machines, one writes them, and no other takes it for
    ``REPORT_GRACE_S`` after (``SessionRepository.take``). Whether this one wrote them.

    ``judge`` (``judge_with``), when given, is asked first, as the interview's own process asks
    it before its report: a trusted model's second opinion is in the report as it would have
    been (asked again where the dead process had asked it: its scores are replaced, not added).
    A judge that fails in any way is logged by the error's kind and the report is written
    without it. Called from a thread with no event loop running (the judge runs in one of its
    own)."""
    with db() as s:
        taken = SessionRepository(s).take(session_id, holder=this_process(), was=holder,
                                          lease_s=REPORT_GRACE_S)  # fmt: skip
        s.commit()
    if not taken:
        return False
    if judge is not None:
        try:
            asyncio.run(judge(db, session_id))
        except Exception as e:  # the judge is a second opinion: the report is written without
            logger.error("the LLM judge was not asked (%s)", type(e).__name__)
    if not build_reports(db, session_id, settings):
        return False
    with db() as s:  # where ``rehearse`` records it
        record = SessionRepository(s).get(session_id)
        if record is not None and record.report_path is None:
            record.report_path = str(settings.sessions_dir / session_id / "report.html")
            s.commit()
    return True


def report_unreported(
    db: sessionmaker[Session], settings: Settings, judge: Judge | None = None
) -> list[str]:
    """Write the report of every room's and call's interview that ended ``REPORT_GRACE_S`` or
    more ago (up to ``REPORT_RETRY_FOR_S``) without one (``unreported_sessions``), each after
    ``judge``'s second opinion (``write_missing_report``); the ids written. A rehearsal's is
    written by ``rehearse --resume``, into its own folder. One that fails in any way is logged
    by the error's kind and tried again when its lease is over."""
    with db() as s:
        found = unreported_sessions(s, ended_s=(REPORT_GRACE_S, REPORT_RETRY_FOR_S),
                                    rehearsals=False)  # fmt: skip
    written: list[str] = []
    for session_id, holder in found:
        try:
            if write_missing_report(db, session_id, holder, settings, judge):
                written.append(session_id)
        except Exception as e:  # the next session goes on; this one is tried again later
            logger.warning("a missing report was not written (%s)", type(e).__name__)
    return written


def ended_in_room(
    db: sessionmaker[Session], channel: str, candidate_id: str, settings: Settings,
    judge: Judge | None = None,
) -> dict[str, Any] | None:  # fmt: skip
    """For a job the candidate's page sent back (``InterviewJob.recalled``) with no interview
    to go on with: the page's "ended" event for the candidate's last interview in the room,
    its report written now, after ``judge``'s second opinion, where its job died before
    writing it (``report``: whether the report is there); None when the candidate has no ended
    interview there (nothing was stored before the job died: a new one starts)."""
    with db() as s:
        repo = SessionRepository(s)
        last = repo.latest(channel=channel, candidate_id=candidate_id)
        if last is None or last.status == "running":
            return None
        session_id, status, reported = last.id, last.status, repo.reported(last.id)
        missing = dict(unreported_sessions(s, ended_s=(0.0, float("inf")), channel=channel,
                                           candidate_id=candidate_id))  # fmt: skip
    if not reported and session_id in missing:
        reported = write_missing_report(db, session_id, missing[session_id], settings, judge)
    return {"type": "ended", "session_id": session_id, "status": status, "report": reported}


def sweeping(settings: Settings, *, every_s: float = SWEEP_EVERY_S) -> threading.Event:
    """Run ``close_abandoned`` and ``report_unreported`` now and every ``every_s`` seconds in a
    daemon thread, until the returned event is set. A round that fails (the database cannot
    be reached) is logged by the error's kind, never with a candidate's data, and the next
    round tries again."""
    stop = threading.Event()

    def sweep() -> None:
        db: sessionmaker[Session] | None = None
        while True:
            try:
                db = db or session_factory(create_database(settings.resolved_database_url))
                closed = close_abandoned(db, settings)
                if closed:
                    logger.info("closed %d abandoned interviews as interrupted", len(closed))
                written = report_unreported(db, settings, judge_with(resolve_endpoint(settings)))
                if written:
                    logger.info("wrote the reports of %d ended interviews", len(written))
            except Exception as e:  # the database down, a report not built: the next round
                logger.warning("abandoned interviews not swept (%s)", type(e).__name__)
            if stop.wait(every_s):
                return

    threading.Thread(target=sweep, name="abandoned-sweep", daemon=True).start()
    return stop
