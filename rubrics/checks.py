"""Checks that span fields of a role script: references, uniqueness, coverage, rubric, time.

Each problem carries the path of the field to blame, so the loader can point at its line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rubrics.models import Competency, Question, RoleScript

__all__ = ["Problem", "check_role"]

Path = tuple[str | int, ...]

LEVELS = (1, 2, 3, 4, 5)
# Each question is also asked and acknowledged: about half a minute of talk beyond its
# answer time is a realistic floor for the length of the interview.
_OVERHEAD_S_PER_QUESTION = 30


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a role script."""

    path: Path
    message: str


def _duplicates(ids: list[str]) -> set[str]:
    return {i for i, n in Counter(ids).items() if n > 1}


def _check_ids(role: RoleScript) -> list[Problem]:
    problems = []
    groups: tuple[tuple[str, Sequence[Competency | Question]], ...] = (
        ("competencies", role.competencies),
        ("questions", role.questions),
    )
    for field, items in groups:
        seen: set[str] = set()
        for index, item in enumerate(items):
            if item.id in seen:
                problems.append(
                    Problem((field, index, "id"), f"duplicate id '{item.id}'; ids must be unique")
                )
            seen.add(item.id)
    return problems


def _check_competencies(role: RoleScript) -> list[Problem]:
    problems = []
    measured = {c for q in role.questions for c in q.competencies}
    for index, comp in enumerate(role.competencies):
        if comp.weight <= 0:
            problems.append(
                Problem(
                    ("competencies", index, "weight"),
                    f"weight must be positive, got {comp.weight:g}; use e.g. 1.0",
                )
            )
        levels = sorted(comp.rubric)
        missing = [lvl for lvl in LEVELS if lvl not in comp.rubric]
        extra = [lvl for lvl in levels if lvl not in LEVELS]
        if missing or extra:
            detail = []
            if missing:
                detail.append(f"missing level(s) {', '.join(map(str, missing))}")
            if extra:
                detail.append(f"unknown level(s) {', '.join(map(str, extra))}")
            problems.append(
                Problem(
                    ("competencies", index, "rubric"),
                    f"rubric must have an anchor for each level 1-5: {'; '.join(detail)}",
                )
            )
        for level, anchor in comp.rubric.items():
            if len(anchor.split()) < 4:
                problems.append(
                    Problem(
                        ("competencies", index, "rubric", level),
                        f"anchor for level {level} is too short to score by ({anchor!r}); "
                        "describe what an answer at this level contains",
                    )
                )
        if comp.id not in measured:
            problems.append(
                Problem(
                    ("competencies", index, "id"),
                    f"competency '{comp.id}' is measured by no question; add it to a question's "
                    "competencies or remove it",
                )
            )
    return problems


def _check_questions(role: RoleScript) -> list[Problem]:
    problems = []
    known = [c.id for c in role.competencies]
    for qi, question in enumerate(role.questions):
        for ci, ref in enumerate(question.competencies):
            if ref not in known:
                problems.append(
                    Problem(
                        ("questions", qi, "competencies", ci),
                        f"unknown competency '{ref}'; known: {', '.join(known)}",
                    )
                )
        if question.hints and question.kind != "technical":
            problems.append(
                Problem(
                    ("questions", qi, "hints"),
                    f"hints are for technical questions; this one is '{question.kind}'",
                )
            )
        policy = question.follow_up
        for gap in policy.scripted:
            if gap not in policy.probe:
                problems.append(
                    Problem(
                        ("questions", qi, "follow_up", "scripted", gap),
                        f"scripted follow-up for '{gap}', which is not in probe "
                        f"({', '.join(policy.probe) or 'empty'}); add it to probe or remove it",
                    )
                )
        if len(set(policy.probe)) != len(policy.probe):
            problems.append(
                Problem(("questions", qi, "follow_up", "probe"), "a gap is listed twice")
            )
    return problems


def _check_flow_and_time(role: RoleScript) -> list[Problem]:
    problems = []
    flow = role.flow
    asked = min(flow.max_questions or len(role.questions), len(role.questions))
    if flow.max_questions is not None and flow.max_questions > len(role.questions):
        problems.append(
            Problem(
                ("flow", "max_questions"),
                f"max_questions is {flow.max_questions} but the script has only "
                f"{len(role.questions)} questions",
            )
        )
    for index, comp in enumerate(role.competencies):
        count = sum(comp.id in q.competencies for q in role.questions)
        if 0 < count < flow.min_coverage:
            problems.append(
                Problem(
                    ("competencies", index, "id"),
                    f"flow.min_coverage is {flow.min_coverage} but only {count} question(s) "
                    f"measure '{comp.id}'",
                )
            )
    budget_min = flow.time_budget_minutes or role.duration_minutes
    if flow.time_budget_minutes is not None and flow.time_budget_minutes > role.duration_minutes:
        problems.append(
            Problem(
                ("flow", "time_budget_minutes"),
                f"time budget {flow.time_budget_minutes} min exceeds the interview's "
                f"duration_minutes ({role.duration_minutes})",
            )
        )
    # The longest questions the flow could pick must fit the time available.
    longest = sorted((q.time_limit_s for q in role.questions), reverse=True)[:asked]
    needed_s = sum(longest) + _OVERHEAD_S_PER_QUESTION * asked
    if needed_s > budget_min * 60:
        problems.append(
            Problem(
                ("duration_minutes",)
                if flow.time_budget_minutes is None
                else ("flow", "time_budget_minutes"),
                f"the question time limits do not fit: {asked} questions need up to "
                f"{needed_s / 60:.1f} min with follow-ups, but {budget_min} min are planned; "
                "raise the duration, shorten time limits or lower flow.max_questions",
            )
        )
    return problems


def check_role(role: RoleScript) -> list[Problem]:
    """Every cross-field problem of ``role``, in document order of the checks."""
    return [
        *_check_ids(role),
        *_check_competencies(role),
        *_check_questions(role),
        *_check_flow_and_time(role),
    ]
