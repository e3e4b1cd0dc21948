"""A practice or recorded interview put together for the coaching report: the role's topics,
typed exchanges given times, and the stored result."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from recruiter_coaching.practice import Calibration, PracticeCandidate
from recruiter_coaching.render import report_json, report_markdown
from recruiter_coaching.report import CoachingReport, Utterance, coach_interview
from recruiter_coaching.topics import TopicMatcher
from rubrics.models import RoleScript

__all__ = ["TYPED_WPM", "RoleTopics", "save_coaching", "typed_utterances"]

# A typed practice session has no clock: each turn is given the time it would take to say at
# 150 words per minute, a common conversational rate (for the talk-time share).
TYPED_WPM = 150.0
# The pause between turns of a typed session, in seconds.
_GAP_S = 1.0


@dataclass(frozen=True)
class RoleTopics:
    """What the report needs of a role: the matcher for its topics, question id -> competency
    ids, and competency id -> name in the role's order."""

    matcher: TopicMatcher
    topic_competencies: dict[str, list[str]]
    competency_names: dict[str, str]

    @classmethod
    def of(cls, role: RoleScript, asks: dict[str, list[str]] | None = None) -> RoleTopics:
        """The role's questions (their text and ``asks``: other ways of asking them)."""
        extra = asks or {}
        phrasings = {q.id: [q.text, *extra.get(q.id, [])] for q in role.questions}
        return cls(
            TopicMatcher(phrasings),
            {q.id: list(q.competencies) for q in role.questions},
            {c.id: c.name for c in role.competencies},
        )

    def coach(self, utterances: list[Utterance]) -> CoachingReport:
        """The coaching report on ``utterances`` against this role."""
        return coach_interview(
            utterances,
            matcher=self.matcher,
            topic_competencies=self.topic_competencies,
            competency_names=self.competency_names,
        )


def typed_utterances(exchanges: list[tuple[str, str]]) -> list[Utterance]:
    """(question, answer) pairs as utterances timed at ``TYPED_WPM`` with ``_GAP_S`` between."""
    out: list[Utterance] = []
    t = 0.0
    for question, answer in exchanges:
        for speaker, text in (("interviewer", question), ("candidate", answer)):
            length = len(text.split()) * 60.0 / TYPED_WPM
            out.append(Utterance(speaker, t, t + length, text))  # type: ignore[arg-type]
            t += length + _GAP_S
    return out


def practice_exchanges(candidate: PracticeCandidate, questions: list[str]) -> list[tuple[str, str]]:
    """Ask ``candidate`` each question in turn: (question, answer) pairs."""
    return [(q, candidate.reply(q).text) for q in questions]


def save_coaching(
    directory: Path,
    report: CoachingReport,
    *,
    title: str,
    kind: str,
    calibration: Calibration | None = None,
    competency_names: dict[str, str] | None = None,
    note: str = "",
) -> Path:
    """Write ``report.md`` and ``report.json`` into a new folder under ``directory``
    (``<UTC time>-<kind>``) and return that folder.

    Raises:
        OSError: the folder cannot be written.
    """
    stamp = datetime.now(UTC)
    folder = directory / f"{stamp:%Y%m%dT%H%M%S%fZ}-{re.sub(r'[^a-z0-9-]+', '-', kind.lower())}"
    folder.mkdir(parents=True, exist_ok=False)
    markdown = report_markdown(report, title=title, calibration=calibration,
                               competency_names=competency_names, note=note)  # fmt: skip
    (folder / "report.md").write_text(markdown, encoding="utf-8")
    data = {"title": title, "kind": kind, "taken_at": stamp.isoformat(), "note": note,
            **report_json(report, calibration)}  # fmt: skip
    (folder / "report.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    return folder
