"""Simulated candidates for interviewer practice: topics in the interviewer's own words, and the
same story however it is probed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from recruiter_coaching.practice import (
    PROTECTED_REPLY,
    PracticeCandidate,
    PracticeError,
    load_practice_persona,
    practice_personas,
    practice_roles,
    role_asks,
)
from recruiter_coaching.questions import classify_question
from recruiter_coaching.topics import TopicMatcher, probe_kind
from rubrics import load_role

ROLE = load_role("demo")
TEXTS = {q.id: q.text for q in ROLE.questions}
COMPETENCIES = [c.id for c in ROLE.competencies]
LEVELS = ["average", "evasive", "nervous", "rambling", "strong", "weak"]

# Questions in other words than the role and the practice file use (the matcher's check). The
# matcher is lexical: a synonym no phrasing uses ("irate" for "angry") is matched by the words
# around it, and a topic's phrasings must cover the words interviewers use for it.
PARAPHRASES = {
    "So what got you interested in support roles?": "motivation",
    "Could you walk me through a situation with an irate client?": "frustrated-customer",
    "If two urgent tickets land together, how do you choose?": "two-urgent-requests",
    "Say a payment fails for one customer while another asks about their invoice. Which do "
    "you pick up first?": "payment-or-invoice",
    "Have you ever had a day when many customers complained together?": "many-unhappy-customers",
    "What are you not so good at, would you say?": "weakness",
    "What do you think you do best at work?": "strengths",
    "So why do you want to leave your job?": "why-leaving",
    "Tell me about yourself.": "motivation",
    "What's your favourite film?": None,
    "Do you like cooking?": None,
}


_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred thousand half dozen percent"
).split()


def _figures(text: str) -> list[str]:
    """The numbers in ``text``, in digits or words, as whole words."""
    words = re.findall(r"[a-z]+|\d+(?:[.,]\d+)?", text.lower())
    return [w for w in words if w[0].isdigit() or w in _NUMBER_WORDS]


def _candidate(name: str, role_id: str = "demo") -> PracticeCandidate:
    role = load_role(role_id)
    return load_practice_persona(role_id, name, {q.id: q.text for q in role.questions},
                                 [c.id for c in role.competencies])  # fmt: skip


# Per role with practice personas: a first question on a story, and its topic.
STORIES = {
    "demo": ("Tell me about a difficult customer you had to calm down.", "frustrated-customer"),
    "backend-engineer": ("Tell me about a production incident you dealt with.",
                         "production-incident"),
    "customer-support": ("Tell me about a time you dealt with an angry customer.",
                         "angry-customer"),
    "data-analyst": ("Tell me about a time you had to work with messy data.", "messy-data"),
    "new-graduate": ("Tell me about a team project you worked on.", "team-project"),
    "product-manager": ("Tell me about a feature you took from idea to launch.",
                        "feature-to-launch"),
    "sales-development-rep": ("Can you give me an example of when you got someone to change "
                              "their mind about something?", "persuaded-someone"),
    "technical-reasoning": ("Tell me about a recent problem you solved.", "recent-problem"),
}  # fmt: skip


def test_every_role_with_practice_personas_has_a_story_question_here() -> None:
    assert sorted(STORIES) == practice_roles()


@pytest.mark.parametrize("role_id", sorted(STORIES))
def test_six_levels_ship_for_each_role_and_fit_its_rubric(role_id: str) -> None:
    assert practice_personas(role_id) == LEVELS
    levels = {name: _candidate(name, role_id).persona.scores for name in LEVELS}
    mean = {name: sum(s.values()) / len(s) for name, s in levels.items()}
    assert mean["strong"] >= 4.5 and mean["weak"] <= 2 and mean["evasive"] <= 2.5
    assert mean["weak"] < mean["average"] < mean["strong"]


@pytest.mark.parametrize("role_id", sorted(STORIES))
def test_every_figure_a_persona_says_is_in_its_story(role_id: str) -> None:
    for name in LEVELS:
        persona = _candidate(name, role_id).persona
        story = set(_figures(persona.story))
        for topic, written in persona.answers.items():
            for kind, text in [("answer", written.answer), *written.probes.items()]:
                assert set(_figures(text)) <= story, (name, topic, kind, text)


@pytest.mark.parametrize("role_id", sorted(STORIES))
def test_each_question_and_way_of_asking_it_finds_its_topic(role_id: str) -> None:
    role = load_role(role_id)
    for name in LEVELS:
        candidate = _candidate(name, role_id)
        matcher = TopicMatcher(candidate.phrasings)
        asked = [(q.text, q.id) for q in role.questions]
        asked += [(a, topic) for topic, asks in role_asks(role_id).items() for a in asks]
        found = {text: matcher.match(text).topic for text, _ in asked}
        assert found == dict(asked), name


@pytest.mark.parametrize("name", LEVELS)
def test_questions_in_the_interviewers_own_words_find_their_topic(name: str) -> None:
    candidate = _candidate(name)
    matcher = TopicMatcher(candidate.phrasings)
    found = {q: matcher.match(q).topic for q in PARAPHRASES}
    assert found == PARAPHRASES


@pytest.mark.parametrize("role_id", sorted(STORIES))
@pytest.mark.parametrize("name", LEVELS)
def test_the_story_stays_the_same_under_two_probes(name: str, role_id: str) -> None:
    candidate = _candidate(name, role_id)
    question, topic = STORIES[role_id]
    first = candidate.reply(question)
    assert first.topic == topic and first.probe is None
    outcome = candidate.reply("And how did that turn out in the end?")
    figures = candidate.reply("How many were affected, roughly?")
    assert (outcome.topic, outcome.probe) == (topic, "result")
    assert (figures.topic, figures.probe) == (topic, "numbers")
    story = set(_figures(candidate.persona.story))
    # Every figure given when probed (in digits or words) is one the persona's story holds.
    for said in (outcome.text, figures.text):
        assert set(_figures(said)) <= story, (name, said)
    again = candidate.reply("Sorry, what was the outcome again?")
    assert again.repeated and again.text.startswith("As I said, ")
    assert again.text.lower().endswith(outcome.text.lower()[-40:])


def test_a_new_question_moves_on_and_an_unknown_one_gets_the_unknown_line() -> None:
    candidate = _candidate("average")
    candidate.reply("Why do you want this job?")
    assert candidate.reply("What's your favourite film?").text == " ".join(
        candidate.persona.unknown.split()
    )
    moved = candidate.reply("How would you prioritise two urgent requests at once?")
    assert moved.topic == "two-urgent-requests" and moved.probe is None


def test_a_protected_question_is_declined() -> None:
    reply = _candidate("strong").reply("Do you have kids at home?")
    assert (reply.text, reply.topic) == (PROTECTED_REPLY, None)
    # One only the learned reader flags: declined when it is no question of the story.
    assert classify_question("Sorry, is it Miss or Mrs?").protected_by == "model"
    assert _candidate("strong").reply("Sorry, is it Miss or Mrs?").text == PROTECTED_REPLY


def test_a_lawful_follow_up_the_learned_reader_flags_is_answered() -> None:
    # The new-graduate role's own follow-up reads as health to the learned reader ("well
    # enough"); the report marks it to check, and the candidate answers it.
    question = "How did you know you had learned it well enough?"
    assert classify_question(question).protected_by == "model"
    candidate = _candidate("average", "new-graduate")
    assert candidate.reply("Tell me about something you had to learn fast.").topic == (
        "learned-fast"
    )
    reply = candidate.reply(question)
    assert reply.text != PROTECTED_REPLY and reply.topic == "learned-fast"
    # A follow-up that is no probe of the story, which only that reader flags, is declined.
    probing = "And was that before or after your little one arrived?"
    assert classify_question(probing).protected_by == "model"
    assert candidate.reply(probing).text == PROTECTED_REPLY


def test_probe_kinds_by_their_words() -> None:
    assert probe_kind("What did you do yourself?") == "own-part"
    assert probe_kind("How many customers was that?") == "numbers"
    assert probe_kind("Looking back, what would you change?") == "differently"
    assert probe_kind("Why that order?") == "why"
    assert probe_kind("Could you give me an example?") == "detail"
    assert probe_kind("Okay.") is None


def test_role_asks_come_from_the_practice_file() -> None:
    asks = role_asks("demo")
    assert set(TEXTS) <= set(asks) and all(asks.values())


def test_a_broken_persona_file_is_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "demo.yaml").write_text(
        "role: demo\npersonas:\n  x:\n    description: d\n    scores: {motivation: 3}\n"
        "    story: s\n    unknown: u\n    answers:\n      motivation:\n        answer: a\n"
        "        probes: {result: r}\n",
        encoding="utf-8",
    )
    with pytest.raises(
        PracticeError, match=r"(?s)demo\.yaml: invalid practice persona file.*missing"
    ):
        load_practice_persona("demo", "x", TEXTS, COMPETENCIES, directory=tmp_path)
    with pytest.raises(PracticeError, match="no practice persona 'nobody'"):
        load_practice_persona("demo", "nobody", TEXTS, COMPETENCIES)
    assert practice_personas("coding-round") == []
