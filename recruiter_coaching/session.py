"""A practice or recorded interview put together for the coaching report: the role's topics,
typed exchanges given times, and the stored result."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from recruiter_coaching.practice import Calibration
from recruiter_coaching.render import report_json, report_markdown
from recruiter_coaching.report import CoachingReport, Utterance, coach_interview
from recruiter_coaching.topics import TopicMatcher
from rubrics.models import RoleScript
from storage.coaching import CoachingSession

__all__ = ["NO_ROLE_NOTE", "TYPED_WPM", "RoleTopics", "save_coaching", "typed_utterances"]

# A typed practice session has no clock: each turn is given the time it would take to say at
# 150 words per minute, a common conversational rate (for the talk-time share).
TYPED_WPM = 150.0
# The pause between turns of a typed session, in seconds.
TURN_GAP_S = 1.0
# A recorded interview's report read without a role.
NO_ROLE_NOTE = "No role was given, so topics and rubric coverage are not read."


@dataclass(frozen=True)
class RoleTopics:
    """What the report needs of a role: the matcher for its topics, question id -> competency
    ids, and competency id -> name in the role's order."""

    matcher: TopicMatcher
    topic_competencies: dict[str, list[str]]
    competency_names: dict[str, str]
    # Whether other ways of asking the role's questions were given (a practice file's asks).
    has_asks: bool = True

    @classmethod
    def of(cls, role: RoleScript, asks: dict[str, list[str]] | None = None) -> RoleTopics:
        """The role's questions (their text and ``asks``: other ways of asking them)."""
        extra = asks or {}
        phrasings = {q.id: [q.text, *extra.get(q.id, [])] for q in role.questions}
        # Topics beside the role's questions (strengths, why leaving): matched as the persona
        # matches them, so that the report and the persona agree; they cover no competency.
        phrasings |= {topic: texts for topic, texts in extra.items() if topic not in phrasings}
        return cls(
            TopicMatcher(phrasings),
            {q.id: list(q.competencies) for q in role.questions},
            {c.id: c.name for c in role.competencies},
            has_asks=bool(extra),
        )

    @property
    def note(self) -> str:
        """What the report should say of how far its topics can be trusted ("" when they can).

        On the eight roles with practice files, 247 of 375 other ways of asking their
        questions found their question against the script's own wording alone, and 300 of 375
        with the file's other phrasings (each left out in turn): ``bench/results/coaching.md``,
        3 December 2026."""
        if self.has_asks:
            return ""
        return (
            "This role lists no other ways of asking its questions (a practice persona "
            "file's asks), so a question in your own words may not be matched to its topic: "
            "a competency shown as not asked may have been."
        )

    def coach(
        self, utterances: list[Utterance], *, every_turn_asks: bool = False
    ) -> CoachingReport:
        """The coaching report on ``utterances`` against this role (``every_turn_asks``: as
        ``coach_interview`` says, for a practice session)."""
        return coach_interview(
            utterances,
            matcher=self.matcher,
            topic_competencies=self.topic_competencies,
            competency_names=self.competency_names,
            every_turn_asks=every_turn_asks,
        )


def typed_utterances(exchanges: list[tuple[str, str]]) -> list[Utterance]:
    """(question, answer) pairs as utterances timed at ``TYPED_WPM`` with ``TURN_GAP_S`` between."""
    out: list[Utterance] = []
    t = 0.0
    for question, answer in exchanges:
        for speaker, text in (("interviewer", question), ("candidate", answer)):
            length = len(text.split()) * 60.0 / TYPED_WPM
            out.append(Utterance(speaker, t, t + length, text))  # type: ignore[arg-type]
            t += length + TURN_GAP_S
    return out


@dataclass(frozen=True)
class CoachedSession:
    """A coached session ready to keep: who interviewed, what kind, on which role and persona,
    the report, the calibration (practice only) and the role's competency names."""

    interviewer: str
    kind: str
    title: str
    report: CoachingReport
    role_id: str | None = None
    persona: str | None = None
    calibration: Calibration | None = None
    competency_names: dict[str, str] | None = None
    note: str = ""

    def markdown(self) -> str:
        """The report as Markdown."""
        return report_markdown(self.report, title=self.title, calibration=self.calibration,
                               competency_names=self.competency_names, note=self.note)  # fmt: skip

    def data(self) -> dict[str, Any]:
        """The report as JSON-ready data, with what the session was."""
        return {"title": self.title, "kind": self.kind, "interviewer": self.interviewer,
                "role": self.role_id, "persona": self.persona, "note": self.note,
                **report_json(self.report, self.calibration)}  # fmt: skip

    def row(self, folder: Path | None = None) -> CoachingSession:
        """The database row for this session (``storage.CoachingRepository.add``); ``folder``:
        where ``save_coaching`` wrote its files, removed with the row (``remove_files``)."""
        r, c = self.report, self.calibration
        return CoachingSession(
            interviewer=self.interviewer, kind=self.kind, role_id=self.role_id,
            persona=self.persona, duration_s=r.duration_s, questions=len(r.questions),
            talk_share=r.talk_share, open_share=r.open_share, leading=len(r.leading),
            protected=len(r.protected), competencies=len(self.competency_names or {}),
            uncovered=len(r.uncovered), calibration_mean_abs=c.mean_abs if c else None,
            calibration_bias=c.bias if c else None, title=self.title, report=self.data(),
            report_markdown=self.markdown(), folder=str(folder) if folder else None,
        )  # fmt: skip


def save_coaching(directory: Path, session: CoachedSession) -> Path:
    """Write ``report.md`` and ``report.json`` into a new folder under ``directory``
    (``<UTC time>-<kind>``) and return that folder.

    Raises:
        OSError: the folder cannot be written.
    """
    stamp = datetime.now(UTC)
    kind = re.sub(r"[^a-z0-9-]+", "-", session.kind.lower())
    folder = directory / f"{stamp:%Y%m%dT%H%M%S%fZ}-{kind}"
    folder.mkdir(parents=True, exist_ok=False)
    (folder / "report.md").write_text(session.markdown(), encoding="utf-8")
    data = {"taken_at": stamp.isoformat(), **session.data()}
    (folder / "report.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    return folder


def remove_files(row: CoachingSession) -> None:
    """Remove the report files a deleted session's row names (``report.md``, ``report.json``
    and their folder, when nothing else is in it); gone already is no error.

    Raises:
        OSError: a file is there but cannot be removed.
    """
    if not row.folder:
        return
    folder = Path(row.folder)
    for name in ("report.md", "report.json"):
        (folder / name).unlink(missing_ok=True)
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
