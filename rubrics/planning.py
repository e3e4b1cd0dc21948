"""The dialogue flow's view of a role script: ``plan_for`` translates, with no I/O and no models."""

from __future__ import annotations

from dialogue import InterviewPlan, PlannedQuestion
from rubrics.models import Question, RoleScript

__all__ = ["plan_for"]

# The first question's difficulty by the role's seniority (1 easy .. 3 hard).
_START_DIFFICULTY = {"intern": 1, "entry": 1, "junior": 1, "mid": 2, "senior": 3, "lead": 3}


def plan_for(role: RoleScript) -> InterviewPlan:
    """The flow's view of a role script."""
    return InterviewPlan(
        opening=role.opening,
        closing=role.closing_line,
        persona=role.persona.name,
        mode=role.mode,
        order=role.flow.order,
        max_questions=role.flow.max_questions,
        min_coverage=role.flow.min_coverage,
        time_budget_s=60.0 * (role.flow.time_budget_minutes or role.duration_minutes),
        start_difficulty=_START_DIFFICULTY.get(role.seniority, 2),
        questions=tuple(
            PlannedQuestion(
                id=q.id,
                text=q.text,
                kind=q.kind,
                difficulty=q.difficulty,
                competencies=tuple(q.competencies),
                time_limit_s=q.time_limit_s,
                stall_s=q.stall_s,
                probe=q.follow_up.probe_for(q.kind),
                max_follow_ups=q.follow_up.max,
                scripted={str(gap): line for gap, line in q.follow_up.scripted.items()},
                hints=tuple(q.hints) + _problem_hints(q),
                problem=q.problem_id,
                topic=" ".join(
                    f"{c.name} {c.description} {' '.join(c.rubric.values())}"
                    for c in role.competencies
                    if c.id in q.competencies
                ),
            )
            for q in role.questions
        ),
        signals={c.id: tuple(c.signals.positive) for c in role.competencies},
        negative_signals={c.id: tuple(c.signals.negative) for c in role.competencies},
        # Everything the candidate must never hear (dialogue.leaks): the anchors, signals and
        # descriptions of the competencies and the notes on strong answers, a line each.
        rubric_text="\n".join(
            [
                text
                for c in role.competencies
                for text in (
                    *c.rubric.values(),
                    *c.signals.positive,
                    *c.signals.negative,
                    c.description,
                )
            ]
            + [q.strong_answer_notes for q in role.questions if q.strong_answer_notes]
        ),
    )


def _problem_hints(question: Question) -> tuple[str, ...]:
    """A coding question's problem's hints, gentle to specific, after the question's own."""
    problem = question.coding_problem()
    return tuple(problem.hints) if problem is not None else ()
