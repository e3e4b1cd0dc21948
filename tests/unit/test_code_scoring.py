"""A coding question's first competency is scored from its code; the others from what was said."""

from __future__ import annotations

from rubrics import load_role
from rubrics.scoring import CandidateTurn, CodeOutcome, code_level, score_interview

ROLE = load_role("coding-round")


def test_the_code_earns_its_level_from_tests_growth_lint_and_hints() -> None:
    assert code_level(CodeOutcome(0, 6))[0] == 1
    assert code_level(CodeOutcome(4, 6))[0] == 2
    assert code_level(CodeOutcome(6, 6, as_expected=False))[0] == 3
    assert code_level(CodeOutcome(6, 6, as_expected=True, lint_findings=2))[0] == 4
    assert code_level(CodeOutcome(6, 6, as_expected=True, lint_findings=0, hints=1))[0] == 4
    level, why = code_level(CodeOutcome(6, 6, as_expected=True, lint_findings=0, hints=0))
    assert level == 5 and why.startswith("The code: 6 of 6 hidden tests passed")


def test_a_solved_problem_with_nothing_said_scores_problem_solving_only() -> None:
    sheet = score_interview(ROLE, [], {"pair-with-sum": CodeOutcome(6, 6, as_expected=True)})
    assert sheet.competencies == {"problem-solving": 4.0}
    assert sheet.questions == {"pair-with-sum": 4.0}
    # Explaining the code was asked for and never heard: a partial interview, no overall.
    assert sheet.unanswered == ["explaining-code"] and sheet.overall is None
    said = CandidateTurn(3, "pair-with-sum", "It is linear because I look each price up in a "
                         "dictionary once, so the time grows with the length of the list.",
                         10.0, 16.0)  # fmt: skip
    both = score_interview(ROLE, [said], {"pair-with-sum": CodeOutcome(6, 6, as_expected=True)})
    assert set(both.competencies) == {"problem-solving", "explaining-code"}
    assert both.competencies["problem-solving"] == 4.0 and both.overall is not None
