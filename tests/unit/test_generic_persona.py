"""Any role can be rehearsed: a generic simulated candidate answers a role with no personas."""

from __future__ import annotations

import pytest

from recruiter_rehearsal.candidates import (
    CandidateError,
    answering_persona,
    check_persona,
    generic_answers,
)
from rubrics import load_role, load_role_file, shipped_role_ids
from tests.conftest import FIXTURES


def test_every_question_of_every_role_gets_an_on_topic_answer() -> None:
    roles = [load_role(r) for r in shipped_role_ids()]
    roles.append(load_role_file(FIXTURES / "two_questions.yaml"))
    for role in roles:
        answers = generic_answers(role)
        assert set(answers) == {q.id for q in role.questions}, role.id
        for q in role.questions:
            text = str(answers[q.id])
            assert "{" not in text and len(text.split()) >= 10, (role.id, q.id)
            names = [c.name.lower() for c in role.competencies if c.id in q.competencies]
            if q.kind in ("behavioural", "motivation"):
                assert any(n in text for n in names), (role.id, q.id, text)


def test_a_role_without_personas_takes_the_generic_one_by_default() -> None:
    role = load_role_file(FIXTURES / "two_questions.yaml")
    check_persona(role.id, "prepared")  # the default falls back to generic
    check_persona(role.id, "generic")
    with pytest.raises(CandidateError, match=r"personas for this role: generic .*--answers DIR"):
        check_persona(role.id, "weak")


def test_a_role_with_personas_names_them_and_generic() -> None:
    check_persona("demo", "thinker")
    check_persona("demo", "generic")
    with pytest.raises(CandidateError, match=r"no persona 'astronaut'.*prepared.*generic"):
        check_persona("demo", "astronaut")


def test_the_persona_recorded_is_the_one_that_answers() -> None:
    # A role without its own "prepared" is answered (and its session labelled) by generic.
    assert answering_persona("two-questions", "prepared") == "generic"
    assert answering_persona("demo", "prepared") == "prepared"
    assert answering_persona("demo", "generic") == "generic"
