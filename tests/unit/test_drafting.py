"""Drafting a role from a job description: valid output, repair on bad replies, template last.

The LLM is replaced at the project's own port (``ChatClient``) by scripted replies.
"""

from __future__ import annotations

import json

import pytest

from rubrics import parse_role
from rubrics.checks import NEAR_REPEAT_AT, anchor_problem, question_similarity
from rubrics.drafting import Draft, draft_role
from rubrics.job_description import read_job_description
from rubrics.loading import parse_role_source
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


JUNIOR_DE = """# Data Engineer (Junior)

Acme Parcels is hiring a junior data engineer for its platform team, where our senior
engineers will mentor you.

## What you'll do
- build and maintain batch pipelines that load parcel scans into our warehouse;
- write SQL transformations, with tests;
- watch the daily loads and fix what breaks.

## Requirements
- Python for data processing (pandas, small scripts);
- good SQL (joins, window functions);
- version control with Git.

## Nice to have
- Airflow or another scheduler;
- Docker;
- some cloud experience (AWS or GCP).
"""

# What the small embedded model gave for such a description: placeholder anchors, 'mid',
# nice-to-haves as three of five competencies, and one question twice.
JUNIOR_DE_OUTLINE = {
    "title": "Junior Data Engineer",
    "seniority": "mid",
    "description": "Builds and runs the batch pipelines of the platform team.",
    "competencies": [
        {"name": "Airflow", "description": "Schedules pipelines with Airflow.",
         "anchors": [f"Level {n} of airflow: describe what such an answer contains."
                     for n in range(1, 6)]},
        {"name": "Python", "description": "Processes data with Python and pandas.",
         "anchors": [f"Level {n} of python: describe what such an answer contains."
                     for n in range(1, 6)]},
        {"name": "Docker", "description": "Packages jobs in Docker containers.", "anchors": []},
        {"name": "SQL", "description": "Writes SQL transformations.",
         "anchors": ["Cannot describe a query they wrote.", "TBD", "TBD", "TBD", "TBD"]},
        {"name": "Cloud", "description": "Runs workloads on AWS or GCP.", "anchors": ["x"] * 5},
    ],
    "questions": [
        {"text": "How would you schedule a daily job with Airflow?", "kind": "technical",
         "competency": "Airflow"},
        {"text": "Tell me about a data pipeline you built.", "kind": "behavioural",
         "competency": "Python"},
        {"text": "How would you package a script in Docker?", "kind": "technical",
         "competency": "Docker"},
        {"text": "Tell me about a data pipeline you have built and what it did.",
         "kind": "behavioural", "competency": "Python"},
        {"text": "Which cloud services have you used?", "kind": "technical",
         "competency": "Cloud"},
    ],
}  # fmt: skip


def _draft(job: str, outline: dict[str, object]) -> Draft:
    return run(draft_role(job, FakeChat(json_replies=[json.dumps(outline)])))


def test_a_junior_draft_keeps_what_the_job_description_says() -> None:
    draft = _draft(JUNIOR_DE, JUNIOR_DE_OUTLINE)
    role = parse_role_source(draft.text, "draft")
    assert draft.source == "llm" and role.warnings == () and draft.warnings == ()
    assert role.role.seniority == "junior"  # the description says junior; the model said mid
    # Must-haves first; requirements get competencies; one nice-to-have (Airflow) at most, last.
    names = [c.name for c in role.role.competencies]
    assert names == ["Python", "SQL", "Version control with Git", "Airflow"]
    nice_questions = [q for q in role.role.questions if "airflow" in q.competencies]
    assert role.role.questions.index(nice_questions[0]) == len(role.role.questions) - 2
    for comp in role.role.competencies:
        anchors = [comp.rubric[level] for level in range(1, 6)]
        for level, anchor in enumerate(anchors, 1):
            lower = dict(enumerate(anchors[: level - 1], 1))
            assert anchor_problem(anchor, lower) is None, (comp.id, level, anchor)
    sql = role.role.competency("sql").rubric
    assert sql[1] == "Cannot describe a query they wrote."  # the model's usable anchor stays
    assert "(for example joins, window functions)" in sql[3]  # the description's own detail
    assert "course or personal project" in sql[3]  # junior: not only paid work counts
    texts = [q.text for q in role.role.questions]
    assert texts.count("Tell me about a data pipeline you built.") == 1
    assert not any("what it did" in t for t in texts)
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            assert question_similarity(a, b) < NEAR_REPEAT_AT, (a, b)
    # Plain YAML, and every change named in the header for the recruiter.
    assert "&id" not in draft.text and "*id" not in draft.text
    header = draft.text.split("\nid:", 1)[0]
    assert "# seniority 'junior' from the job description (the model said 'mid')" in header
    assert "competency 'Docker' left out (a nice-to-have)" in header
    assert "anchors for 'Python' written from the job description" in header


SENIOR = """Senior Backend Engineer, Payments

We are looking for an experienced engineer to lead the design of our payment services. You
will mentor junior developers.

Responsibilities:
- design and own services that move money reliably;
- lead incident reviews.

What we look for:
- 6+ years building backend services in Go or Java;
- deep knowledge of PostgreSQL (indexes, locking);
- designing APIs other teams rely on.
"""


def test_a_senior_draft_is_senior_with_anchors_for_the_level() -> None:
    outline = {
        "title": "Backend Engineer", "seniority": "junior", "description": "Payments services.",
        "competencies": [
            {"name": name, "description": desc, "anchors": []}
            for name, desc in [("PostgreSQL", "Designs schemas and queries in PostgreSQL."),
                               ("API design", "Designs APIs other teams rely on."),
                               ("Incident leadership", "Leads incident reviews.")]
        ],
        "questions": [{"text": "Why payments?", "kind": "motivation", "competency": "API design"}],
    }  # fmt: skip
    draft = _draft(SENIOR, outline)
    role = parse_role(draft.text, "draft")
    assert role.seniority == "senior"
    assert draft.warnings == ()
    assert "helped others do the same" in role.competency("postgresql").rubric[5]
    assert "(for example indexes, locking)" in role.competency("postgresql").rubric[3]
    # Each competency is measured by a question of its own, none repeating another.
    firsts = [q.competencies[0] for q in role.questions if q.kind != "candidate-questions"]
    assert sorted(firsts) == ["api-design", "incident-leadership", "postgresql"]


@pytest.mark.parametrize(
    ("text", "seniority"),
    [
        (JUNIOR_DE, "junior"),  # "senior engineers will mentor you" comes after "junior"
        ("Graduate Software Engineer\n\nJoin our two-year graduate scheme.", "junior"),
        ("Data Analyst\n\nAn entry-level role in our finance team.", "junior"),
        ("Summer internship: data science\n\nTwelve weeks with our team.", "intern"),
        (SENIOR, "senior"),  # "mentor junior developers" does not make it junior
        ("Staff Engineer, Platform\n\nYou will set technical direction.", "senior"),
        ("Principal Data Scientist", "senior"),
        ("Lead Data Engineer\n\nYou will lead a team of four.", "senior"),
        ("Data Engineer\n\nWe are hiring a mid-level data engineer.", "mid"),
        ("Data Engineer\n\nYou will lead the migration. You have 5+ years of Python.", "senior"),
        ("Data Engineer\n\nYou have 1-2 years of SQL.", "junior"),
        ("Data Engineer\n\nYou will lead the migration of our pipelines.", None),
    ],
)
def test_seniority_comes_from_the_job_description(text: str, seniority: str | None) -> None:
    assert read_job_description(text).seniority == seniority


def test_requirements_duties_and_nice_to_haves_are_told_apart() -> None:
    job = read_job_description(
        "Support Lead\n\nAbout us: we ship parcels.\nYou will:\n- lead a team of six agents\n"
        "Requirements:\n- two years in customer support\n- Zendesk is a plus\n"
        "- the right to work in the UK\nBonus: Spanish\nBenefits:\n- 25 days of holiday\n"
    )
    assert job.title == "Support Lead"
    assert job.duties == ("lead a team of six agents",)
    assert job.needs == ("two years in customer support",)
    assert job.nice == ("Zendesk is a plus", "Spanish")


def test_the_questions_written_for_unasked_competencies_never_repeat_each_other() -> None:
    outline = {
        "title": "Analyst", "seniority": "any", "description": "An analyst.",
        "competencies": [{"name": n, "description": n, "anchors": []}
                         for n in ["SQL", "Python", "Excel", "Tableau", "Statistics"]],
        "questions": [{"text": "What draws you to analysis?", "kind": "motivation",
                       "competency": "SQL"}],
    }  # fmt: skip
    draft = _draft("Analyst", outline)
    texts = [q.text for q in draft.role.questions]
    assert len(texts) == 1 + 4 + 1  # the model's, one for each unasked, the candidate's
    assert not [w for w in draft.warnings if "repeats" in w.message]


def test_nice_to_haves_fill_a_draft_only_where_must_haves_are_missing() -> None:
    job = "Analyst\n\nNice to have:\n- Tableau\n- Looker\n- dbt\n- Spark\n"
    outline = {
        "title": "Analyst", "seniority": "any", "description": "An analyst.",
        "competencies": [{"name": n, "description": f"Uses {n}.", "anchors": []}
                         for n in ["Tableau", "Looker", "dbt", "Spark"]],
        "questions": [{"text": "What draws you to analysis?", "kind": "motivation",
                       "competency": "Tableau"}],
    }  # fmt: skip
    draft = _draft(job, outline)
    assert [c.name for c in draft.role.competencies] == ["Tableau", "Looker", "dbt"]
    assert "competency 'Spark' left out (a nice-to-have)" in draft.text
