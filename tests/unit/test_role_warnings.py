"""Role warnings: questions asked twice in other words and placeholder anchors, located.

The question pairs are this project's own, written to set ``NEAR_REPEAT_AT``: rewordings of one
question, and different questions on one topic that must stay apart.
"""

from __future__ import annotations

import pytest

from rubrics import RoleError
from rubrics.checks import NEAR_REPEAT_AT, anchor_problem, question_similarity
from rubrics.loading import parse_role_source

REWORDED = [
    ("Tell me about a data pipeline you built.",
     "Tell me about a data pipeline you have built and what it did."),
    ("Describe a time you debugged a failing pipeline.",
     "Tell me about a time you debugged a failing pipeline."),
    ("What draws you to this data engineer role?",
     "What draws you to the junior data engineer role?"),
    ("How would you design a daily batch job that loads sales data into the warehouse?",
     "How would you design a daily job to load the sales data into a warehouse?"),
    ("Why do you want to work here?", "Why do you want to work with us?"),
    ("Walk me through how you would test a new ETL job.",
     "How would you test a new ETL job before it goes live?"),
    ("What interests you about data engineering?",
     "What interests you about working in data engineering?"),
    ("Tell me about a time you received difficult feedback. What did you do with it?",
     "Tell me about some difficult feedback you received and what you did with it."),
    ("How do you make sure the data in a report is correct?",
     "How would you make sure that the numbers in a report are correct?"),
    ("Give an example of a time you worked in a team to deliver a project.",
     "Tell me about a project you delivered as part of a team."),
]  # fmt: skip

DIFFERENT = [
    ("Tell me about a time you disagreed with your manager.",
     "Tell me about a time you missed a deadline."),
    ("How would you find duplicate rows in a table?",
     "How would you find the slowest query in a database?"),
    ("What draws you to this role?", "What would you like to ask me about the role or the team?"),
    ("Tell me about a data pipeline you built.",
     "Tell me about a time a pipeline you owned failed in production. What did you do?"),
    ("Why do you want to work here?", "Where do you want to be in three years?"),
    ("Tell me about a time you handled an angry customer.",
     "Tell me about a time you explained something technical to a customer."),
    ("Walk me through how you would test a new ETL job.",
     "Walk me through how you would speed up a slow SQL query."),
    ("Tell me about a time you received difficult feedback.",
     "Tell me about a time you gave difficult feedback to a colleague."),
    ("How do you make sure the data in a report is correct?",
     "How do you decide which numbers go in a report?"),
    ("Tell me about a time you learned a new tool quickly.",
     "Tell me about a time you taught someone a new tool."),
]  # fmt: skip


@pytest.mark.parametrize(("a", "b"), REWORDED)
def test_a_reworded_question_is_a_near_repeat(a: str, b: str) -> None:
    assert question_similarity(a, b) >= NEAR_REPEAT_AT
    assert question_similarity(b, a) == question_similarity(a, b)


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_questions_on_one_topic_stay_apart(a: str, b: str) -> None:
    assert question_similarity(a, b) < NEAR_REPEAT_AT


@pytest.mark.parametrize(
    "anchor",
    [
        "Level 1 of python: describe what such an answer contains.",
        "Level 4: an answer with a bit more detail.",
        "TODO: write the level three anchor",
        "Gives an example; TBD after the pilot.",
        "<what a level 2 answer contains goes here>",
        "This anchor is still to be written.",
    ],
)
def test_placeholder_anchors_are_named(anchor: str) -> None:
    assert (anchor_problem(anchor, {}) or "").startswith("a placeholder")


@pytest.mark.parametrize(
    "anchor",
    [
        "Level 3, plus a measurable result and what they would do differently.",
        "Describes the todo-list app they built and who used it.",
        "Explains the placeholder values they used to test the form, and why.",
    ],
)
def test_real_anchors_are_not_placeholders(anchor: str) -> None:
    assert anchor_problem(anchor, {1: "Gives no example of their own work."}) is None


def test_an_anchor_equal_to_a_lower_level_is_named() -> None:
    lower = {1: "Gives no example of a query.", 2: "Names a join but no example of its use."}
    assert anchor_problem("Names a join, but no example of its use!", lower) == (
        "the same as level 2's; say what sets this level apart"
    )


ROLE = """\
id: data-engineer
version: "1"
title: Junior data engineer
duration_minutes: 20
persona: {name: Sam, introduction: "Hi, I'm Sam."}
intro: Three questions about data pipelines.
closing: Thank you, goodbye!
competencies:
  - id: pipelines
    name: Building pipelines
    description: Builds batch pipelines that load data reliably.
    rubric:
      1: Gives no example of a pipeline they built.
      2: Level 2 of pipelines - describe what such an answer contains.
      3: Describes a pipeline they built, its steps and its result.
      4: Level 3, plus how they tested it and a number that shows it worked.
      5: Level 3, plus how they tested it and a number that shows it worked.
questions:
  - id: built-pipeline
    kind: behavioural
    text: Tell me about a data pipeline you built.
    competencies: [pipelines]
  - id: failed-load
    kind: situational
    text: A nightly load failed and the dashboard shows yesterday's numbers. What do you do?
    competencies: [pipelines]
  - id: pipeline-again
    kind: behavioural
    text: Tell me about a data pipeline you have built and who used it.
    competencies: [pipelines]
"""


def test_a_role_with_a_repeated_question_and_placeholders_loads_with_located_warnings() -> None:
    source = parse_role_source(ROLE, "roles/data-engineer.yaml")
    assert source.role.id == "data-engineer"  # warnings do not stop a role from loading
    assert [str(w) for w in source.warnings] == [
        "roles/data-engineer.yaml:14:10 warning: competencies[0].rubric[2]: competency "
        "'pipelines': the level 2 anchor is a placeholder (it names the level, not an answer); "
        "write what an answer at this level contains",
        "roles/data-engineer.yaml:17:10 warning: competencies[0].rubric[5]: competency "
        "'pipelines': the level 5 anchor is the same as level 4's; say what sets this level "
        "apart",
        "roles/data-engineer.yaml:29:11 warning: questions[2].text: question 'pipeline-again' "
        "repeats question 'built-pipeline' in other words (86% of content words shared); ask "
        "something else or remove one",
    ]
    assert {w.severity for w in source.warnings} == {"warning"}


def test_errors_still_fail_a_role_that_also_has_warnings() -> None:
    broken = ROLE.replace("competencies: [pipelines]\n  - id: pipeline-again", "competencies: "
                          "[pipeline]\n  - id: pipeline-again")  # fmt: skip
    with pytest.raises(RoleError) as caught:
        parse_role_source(broken, "bad.yaml")
    assert [i.severity for i in caught.value.issues] == ["error"]
    assert "unknown competency 'pipeline'" in str(caught.value)
