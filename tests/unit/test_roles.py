"""Loading role scripts: shipped roles by id, files by path, and their immutable stored versions."""

from __future__ import annotations

from pathlib import Path

import pytest

from recruiter_coding.problems import shipped_problems
from rubrics import RoleError, load_role, load_role_source, parse_role, shipped_role_ids
from rubrics.planning import plan_for
from tests.conftest import FIXTURES


def test_every_shipped_role_validates_without_warnings() -> None:
    ids = shipped_role_ids()
    assert "demo" in ids
    for role_id in ids:
        source = load_role_source(role_id)
        assert source.role.id == role_id, f"{role_id}.yaml declares id '{source.role.id}'"
        assert source.warnings == (), "\n".join(map(str, source.warnings))


def test_the_demo_role_asks_three_of_five_questions_with_complete_rubrics() -> None:
    role = load_role("demo")
    assert role.flow.max_questions == 3 and role.flow.order == "adaptive"
    assert [q.difficulty for q in role.questions] == [1, 2, 2, 1, 3]
    assert all(sorted(c.rubric) == [1, 2, 3, 4, 5] for c in role.competencies)
    assert role.opening.startswith(role.persona.introduction)


def test_a_role_file_loads_by_path_with_its_exact_text() -> None:
    path = FIXTURES / "two_questions.yaml"
    source = load_role_source(str(path))
    assert source.role.id == "two-questions"
    assert source.text == path.read_text()
    assert source.role.questions[0].time_limit_s == 180  # the default


def test_unknown_role_lists_the_shipped_ones() -> None:
    with pytest.raises(RoleError, match=r"unknown role 'nope'; shipped roles: .*demo"):
        load_role("nope")


def test_the_readme_example_role_validates() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    section = readme.split("### Write your own role", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    role = parse_role(example, "README.md")
    assert role.id == "support-lead" and len(role.questions) == 2


def test_follow_ups_probe_what_the_questions_kind_asks_for_where_the_script_names_nothing() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    section = readme.split("### Write your own role", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    lines = example.split("questions:\n", 1)
    asked = """\
  - id: why-support
    kind: motivation
    text: Why do you want to lead a support team?
    competencies: [coaching]
  - id: two-queues
    kind: situational
    text: Two queues overflow at once. What do you do?
    competencies: [coaching]
    follow_up: {scripted: {result: "How would you know it worked?"}}
  - id: told-story
    kind: behavioural
    text: Tell me about a time you changed how the team works.
    competencies: [coaching]
"""
    text = lines[0] + "questions:\n" + asked + lines[1]
    assert all(f in text for f in ("max_questions: 2", "duration_minutes: 15", "difficulty: 2"))
    text = text.replace("max_questions: 2", "max_questions: 5")
    text = text.replace("duration_minutes: 15", "duration_minutes: 30")
    planned = {q.id: q.probe for q in plan_for(parse_role(text, "README.md")).questions}
    # A motivation answer has no outcome to ask after: "How did it turn out?" would not fit.
    assert planned["why-support"] == ("depth",)
    # A scripted line's gap comes first, then the kind's own.
    assert planned["two-queues"] == ("result", "action", "trade-offs")
    assert planned["told-story"] == ("result", "measurable-outcome", "own-role")
    assert planned["coached-agent"] == ("result", "measurable-outcome", "own-role")  # as written
    # A role with another error is not also told its scripted line is "not in probe".
    with pytest.raises(RoleError) as caught:
        parse_role(text.replace("difficulty: 2", "difficulty: 9"), "README.md")
    assert "not in probe" not in str(caught.value) and "difficulty" in str(caught.value)


def test_an_exam_hears_the_exam_intro_and_closing_and_practice_the_others() -> None:
    source = load_role_source("coding-round")
    practice = source.in_mode("practice").role.opening
    exam = source.in_mode("exam").role.opening
    assert "hint" in practice.lower()
    assert "won't give hints" in exam and "ask for a hint" not in exam
    assert exam.startswith(source.role.persona.introduction)
    assert "what to practise next" in source.in_mode("practice").role.closing_line
    assert "practise" not in source.in_mode("exam").role.closing_line
    demo = load_role("demo")  # no exam intro: its one intro either way
    assert demo.model_copy(update={"mode": "exam"}).opening == demo.opening


def test_a_coding_question_may_write_its_own_problem_or_name_a_shipped_one() -> None:
    role = load_role(str(FIXTURES / "coding_written_problem.yaml"))
    written = role.questions[0]
    problem = written.coding_problem()
    assert problem is not None and written.problem_id == problem.id == "busiest-hour"
    assert problem.tests[0].edge == "no calls at all" and problem.complexity == "O(n)"
    planned = plan_for(role).questions[0]
    assert planned.problem == "busiest-hour" and planned.hints == tuple(problem.hints)
    shipped = next(q for q in load_role("coding-round").questions if q.kind == "coding")
    assert shipped.problem_id == shipped.problem  # an id, as written
    assert shipped.coding_problem() == shipped_problems()[shipped.problem_id]
    # Two questions writing different problems under one id are refused, at the second.
    text = (FIXTURES / "coding_written_problem.yaml").read_text(encoding="utf-8")
    block = text[text.index("  - id: busiest-hour") :]
    changed = block.replace("id: busiest-hour\n    kind", "id: busiest-again\n    kind").replace(
        "expected: 13}", "expected: 12}"
    )
    with pytest.raises(RoleError) as caught:
        parse_role(text + changed, "two-written.yaml")
    paths = [i.path for i in caught.value.issues]  # (and two 900 s questions overrun 20 min)
    assert "questions[1].problem.id" in paths and "questions[0].problem.id" not in paths
    assert "question 'busiest-hour' writes a different problem 'busiest-hour'" in str(caught.value)
