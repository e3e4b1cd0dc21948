"""Drafting a role from a job description: valid output, repair on bad replies, template last.

The LLM is replaced at the project's own port (``ChatClient``) by scripted replies.
"""

from __future__ import annotations

import json

from rubrics import parse_role
from rubrics.drafting import draft_role
from tests.conftest import FIXTURES, run
from tests.fakes.chat import FakeChat

JD = (FIXTURES / "job_description.md").read_text()

OUTLINE = {
    "title": "Junior Data Analyst",
    "seniority": "junior",
    "description": "Builds dashboards and answers questions with SQL.",
    "competencies": [
        {
            "name": "SQL",
            "description": "Writes correct queries.",
            "anchors": [
                "Cannot describe a query they wrote.",
                "Describes a simple select without joins.",
                "Describes joins and aggregation on a real task.",
                "Adds window functions and checks the result.",
                "Explains performance and correctness trade-offs.",
            ],
        },
        {"name": "Communication", "description": "Explains findings.", "anchors": ["x"] * 5},
        {"name": "Data quality", "description": "Checks numbers.", "anchors": []},
    ],
    "questions": [
        {"text": "Tell me about a dashboard you built.", "kind": "behavioural",
         "competency": "SQL"},
        {"text": "How would you explain a drop in sales?", "kind": "situational",
         "competency": "communication"},
        {"text": "Write a query for weekly revenue per region.", "kind": "technical",
         "competency": "SQL"},
        {"text": "Why data analysis?", "kind": "motivation", "competency": "unknown"},
    ],
}  # fmt: skip


def test_a_good_outline_becomes_a_valid_script() -> None:
    llm = FakeChat(json_replies=[json.dumps(OUTLINE)])
    draft = run(draft_role(JD, llm))
    assert draft.source == "llm" and draft.attempts == 1
    role = parse_role(draft.text, "draft")  # the written text itself validates
    assert role.title == "Junior Data Analyst" and role.seniority == "junior"
    assert [c.id for c in role.competencies] == ["sql", "communication", "data-quality"]
    assert role.competencies[0].rubric[3] == "Describes joins and aggregation on a real task."
    # Every competency is measured by some question, and the candidate gets to ask questions.
    measured = {c for q in role.questions for c in q.competencies}
    assert measured == {"sql", "communication", "data-quality"}
    assert role.questions[-1].kind == "candidate-questions"
    assert "Job description" in llm.json_calls[0][0][1]["content"]


def test_a_reply_that_is_not_json_is_sent_back_for_repair() -> None:
    llm = FakeChat(json_replies=["Sure! Here is your outline: {title:", json.dumps(OUTLINE)])
    draft = run(draft_role(JD, llm))
    assert draft.source == "llm-repaired" and draft.attempts == 2
    repair = llm.json_calls[1][0][-1]["content"]
    assert "could not be used" in repair
    assert draft.problems and draft.problems[0].startswith("attempt 1:")


def test_useless_replies_end_in_a_valid_template() -> None:
    llm = FakeChat(json_replies=["[]", "{}", "not json"])
    draft = run(draft_role(JD, llm, retries=2))
    assert draft.source == "template" and len(llm.json_calls) == 3
    role = parse_role(draft.text, "draft")
    assert role.title == "Junior Data Analyst"  # the job description's first line
    assert len(role.questions) >= 4
