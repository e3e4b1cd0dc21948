"""Interviews no process will go on with, closed and scored: a candidate who left a room and
never came back, a call whose process died. The worker sweeps for them as it starts and every
few minutes after (``sweeping``), so each such session ends ``failed`` as interrupted, with
its answers scored and its report written, instead of staying "running" for good.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy.orm import Session, sessionmaker

from agent.interview import close_interrupted
from agent.resume import RESUME_WITHIN_S, abandoned_sessions, this_process
from recruiter_config.settings import Settings
from storage import SessionRepository, create_database, session_factory

__all__ = ["SWEEP_EVERY_S", "close_abandoned", "sweeping"]

logger = logging.getLogger("recruiter.agent")

# How often the worker looks (seconds): a session is closed at most this long after it has
# been left for ``RESUME_WITHIN_S``.
SWEEP_EVERY_S = RESUME_WITHIN_S / 6


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


def sweeping(settings: Settings, *, every_s: float = SWEEP_EVERY_S) -> threading.Event:
    """Run ``close_abandoned`` now and every ``every_s`` seconds in a daemon thread, until the
    returned event is set. A round that fails (the database cannot be reached) is logged by
    the error's kind, never with a candidate's data, and the next round tries again."""
    stop = threading.Event()

    def sweep() -> None:
        db: sessionmaker[Session] | None = None
        while True:
            try:
                db = db or session_factory(create_database(settings.resolved_database_url))
                closed = close_abandoned(db, settings)
                if closed:
                    logger.info("closed %d abandoned interviews as interrupted", len(closed))
            except Exception as e:  # the database down, a report not built: the next round
                logger.warning("abandoned interviews not swept (%s)", type(e).__name__)
            if stop.wait(every_s):
                return

    threading.Thread(target=sweep, name="abandoned-sweep", daemon=True).start()
    return stop
