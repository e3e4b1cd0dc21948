"""One stored interview: the session record, the voice session, the interviewer and its journal.

The headless rehearsal and the console (and later the room worker) open interviews the same way;
only their audio I/O differs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

from livekit.agents import AgentSession
from sqlalchemy.orm import Session, sessionmaker

from agent.bootstrap import VoiceModels, build_interviewer, build_perceiver, build_session
from agent.errors import AgentError
from agent.interviewer import Interviewer
from agent.journal import SpeechEndProbe, TurnJournal
from agent.not_heard import NotHeardGuard
from agent.resume import INTERRUPTED, ResumeError, Resumption, this_process
from agent.turn_guard import TALKED_OVER, DroppedReplyGuard, OpenTurnGuard, ThinkingPauseGuard
from perception.frames import Frame
from recruiter_config.settings import Settings
from recruiter_llm.client import ChatClient
from reports.files import timed_reports
from reports.session_view import ReportError
from rubrics import RoleError, RoleSource
from storage import CandidateRepository, RoleRepository, SessionRepository

__all__ = [
    "Interview",
    "UnknownCandidateError",
    "build_reports",
    "close_interrupted",
    "finish_interview",
    "open_interview",
]

logger = logging.getLogger("recruiter.agent")


class UnknownCandidateError(AgentError):
    """The session names a candidate that is not stored."""


@dataclass
class Interview:
    """The parts of one running interview."""

    session_id: str
    t0: float
    session: AgentSession[None]
    interviewer: Interviewer
    journal: TurnJournal
    source: RoleSource  # the role version it runs, in its mode (a coding question's problem)

    async def aclose(self) -> None:
        """After the voice session has closed: finish the measurements, stop the camera."""
        await self.journal.aclose()
        self.interviewer.perceiver.close()


def open_interview(
    settings: Settings,
    source: RoleSource,
    *,
    db: sessionmaker[Session],
    chat: ChatClient,
    models: VoiceModels,
    channel: str,
    persona: str | None = None,
    speech_end_probe: SpeechEndProbe | None = None,
    t0: float | None = None,
    webcam: Iterable[Frame] | None = None,
    candidate_id: str | None = None,
    resumption: Resumption | None = None,
    editor: bool = False,
) -> Interview:
    """Store a new running session and build the pipeline that will fill it, turn by turn.

    The role script's version is stored too (immutably), so the session records exactly which
    text it ran. With ``resumption`` (``agent.resume``), the stored session it names is running
    again and the pipeline goes on with it; ``source`` is then the role version it ran.

    ``editor``: the candidate has the browser page's code editor (``agent.coding_round``);
    without it, a role with coding questions is refused.

    Raises:
        RoleError: the role has coding questions and the candidate no editor.
        RoleVersionConflictError: the role's id and version are stored with different content.
        ResumeError: another process took the session to resume first.
    """
    role = source.role
    coding = [q.id for q in role.questions if q.kind == "coding"]
    if coding and not editor:
        raise RoleError(f"role {role.id} has coding questions ({', '.join(coding)}), which need "
                        "the code editor of the browser interview: invite the candidate to "
                        "it (the dashboard, or `recruiter invite`) instead")  # fmt: skip
    if resumption is not None:
        session_id = resumption.session_id
        with db() as s:
            taken = SessionRepository(s).reopen(session_id, holder=this_process(),
                                                was=resumption.holder)  # fmt: skip
            s.commit()
        if not taken:
            raise ResumeError(f"another process resumed session {session_id} first")
    else:
        session_id = _new_session(db, source, chat, settings, channel=channel, persona=persona,
                                  candidate_id=candidate_id)  # fmt: skip
    if t0 is None:  # a resumed session's clock goes on a second after its last stored turn
        t0 = time.time() - (resumption.clock_s + 1.0 if resumption is not None else 0.0)
    session = build_session(settings, models, chat)
    perceiver = build_perceiver(settings, role, webcam=webcam is not None,
                                language_id=models.language_id)  # fmt: skip
    interviewer = build_interviewer(settings, role, chat, perceiver=perceiver,
                                    resumption=resumption)  # fmt: skip
    if webcam is not None:
        perceiver.watch(webcam)
    journal = TurnJournal(
        db=db, session_id=session_id, t0=t0, interviewer=interviewer,
        speech_end_probe=speech_end_probe,
    )  # fmt: skip
    journal.attach(session)
    ThinkingPauseGuard(session, settings.turn, interviewer.answer_too_short,
                       lambda: interviewer.cut_offs >= TALKED_OVER,
                       lambda: interviewer.stopped).attach()  # fmt: skip
    NotHeardGuard(session, interviewer).attach()
    OpenTurnGuard(session, settings.turn, lambda: interviewer.segment_open).attach()
    DroppedReplyGuard(session, interviewer).attach()
    return Interview(session_id, t0, session, interviewer, journal, source)


def _new_session(
    db: sessionmaker[Session], source: RoleSource, chat: ChatClient, settings: Settings, *,
    channel: str, persona: str | None, candidate_id: str | None,
) -> str:  # fmt: skip
    role = source.role
    with db() as s:
        stored = RoleRepository(s).store(
            role_id=role.id, version=role.version, title=role.title, content=source.text
        )
        record = SessionRepository(s).create(
            role_id=role.id, role_version=role.version, persona=persona, channel=channel,
            llm_model=chat.model, stt_model=settings.stt.model,
            role_sha256=stored.record.content_sha256, mode=role.mode, holder=this_process(),
        )  # fmt: skip
        if candidate_id is not None:
            if CandidateRepository(s).get(candidate_id) is None:
                raise UnknownCandidateError(f"no candidate {candidate_id!r}; add one with "
                                            "`recruiter candidates add`")  # fmt: skip
            record.candidate_id = candidate_id
        s.commit()
        return record.id


def close_interrupted(
    db: sessionmaker[Session], session_id: str, settings: Settings, *, reason: str = INTERRUPTED
) -> bool:
    """Close a stopped interview that will not go on as ``failed`` (``reason``), then score
    the answers it has and write its reports to ``settings.sessions_dir / session_id``. One the
    candidate had ended (End pressed, its process gone before the interview closed:
    ``SessionRepository.request_end``) is ``completed`` with that reason instead.

    Returns whether the reports were built; a failure (the role version is gone, a file cannot
    be written) is logged by its kind, never with the candidate's words, and the session stays
    closed with every stored turn."""
    with db() as s:
        record = SessionRepository(s).get(session_id)
        asked = record.end_requested if record is not None else None
    if asked is not None:
        finish_interview(db, session_id, status="completed", reason=asked)
    else:
        finish_interview(db, session_id, status="failed", reason=reason)
    return build_reports(db, session_id, settings)


def build_reports(db: sessionmaker[Session], session_id: str, settings: Settings) -> bool:
    """Score the interview and write its report files to ``settings.sessions_dir /
    session_id``; whether they were built (a failure is logged by its kind, not raised)."""
    try:
        with db() as s:
            timed_reports(s, session_id, settings.sessions_dir / session_id)
            s.commit()
        return True
    except (ReportError, OSError) as e:
        logger.error("could not build the report: %s", type(e).__name__)
        return False


def finish_interview(
    db: sessionmaker[Session],
    session_id: str,
    *,
    status: str,
    reason: str | None,
    audio_path: str | None = None,
    report_path: str | None = None,
) -> None:
    """Record how the interview ended (``completed`` or ``failed``) and where its files are."""
    with db() as s:
        SessionRepository(s).finish(
            session_id, status=status, reason=reason, audio_path=audio_path,
            report_path=report_path,
        )  # fmt: skip
        s.commit()
