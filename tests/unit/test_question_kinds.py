"""The kinds of interviewer questions (issue 19): open or closed, leading, multi-part, and the
protected topics with what to ask instead; checked on the labelled sets the rules were built
on, so that a change that loses one of them fails."""

from __future__ import annotations

import re

import pytest

from bench.coaching import classified, load, model_for, ordinary_held_out, scores
from recruiter_coaching import PROTECTED_TOPICS, classify_question
from recruiter_coaching.protected_model import TRAINING_SETS, labelled, ordinary_turns


@pytest.mark.parametrize(
    ("text", "form", "leading", "multi_part"),
    [
        ("Talk me through the busiest shift you've run.", "open", False, False),
        ("Could you explain how you'd price a rush job?", "open", False, False),
        ("Have you driven a forklift?", "closed", False, False),
        ("Which shift pattern suits you, days or nights?", "closed", False, False),
        ("Well, given the rota we run here, how would you plan your week?", "open", False, False),
        ("You've done stock counts before, haven't you?", "closed", True, False),
        ("Isn't the real problem always the handover?", "closed", True, False),
        ("I take it you kept the client informed?", "closed", True, False),
        ("What went wrong, and how did you put it right?", "open", False, True),
        ("Who signed it off? And how long did it take?", "closed", False, True),
        ("Did you lead that migration or did someone else?", "closed", False, False),
    ],
)
def test_the_form_the_lead_and_the_parts_of_a_question(
    text: str, form: str, leading: bool, multi_part: bool
) -> None:
    kind = classify_question(text)
    assert (kind.form, kind.leading, kind.multi_part) == (form, leading, multi_part), kind


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("When are you thinking of hanging up your boots, retirement-wise?", "age"),
        ("Does your wife work too?", "family"),
        ("Would you need Fridays off for the mosque?", "religion"),
        ("Your name's unusual, what's its origin?", "national-origin"),
        ("Have you ever claimed workers' compensation?", "health"),
        ("Are you straight, just so I know how to pitch the team social?", "sex-orientation"),
        # Lawful and job-related: the right to work, a legal minimum age, the essential
        # functions of the job, the work's own patients and children, the schedule.
        ("Do you have the right to work in Ireland?", None),
        ("This bar job needs you to be over 18; are you?", None),
        ("Can you carry out the essential duties of the post, with or without adjustments?", None),
        ("How would you check a patient's medication chart at handover?", None),
        ("How do you settle a child who cries at drop-off?", None),
        ("The store opens on Christmas Eve; can you work that day?", None),
        # From a newcomer's trial: plain forms the rules missed, and a colleague's sickness.
        ("Do you take any prescription medication regularly?", "health"),
        ("Are you over 40?", "age"),
        ("How do you feel about working for a younger manager?", "age"),
        ("Do you have reliable childcare?", "family"),
        ("How would you feel being the only woman on a crew of twelve guys?", "sex-orientation"),
        ("How would you plan a shift when two forklift drivers call in sick?", None),
        # A lawful question beside an unlawful one does not cover it.
        ("Are you over 18? And how old are you exactly?", "age"),
        ("Do you have the right to work here, and where were you born?", "national-origin"),
        ("Is this a family business you'd join? Are you married?", "family"),
        # Missed on the third held-out set: a festival weighed as a burden, leave in between, a
        # stereotype said to the candidate, what the interviewer sees.
        ("um is eid gonna be a problem for you cause it falls on stocktake week", "religion"),
        ("You'll be taking leave for Diwali, I suppose?", "religion"),
        ("you're not gonna go on maternity leave on us are you", "family"),
        ("Women tend to be better at detail work, so you'd suit compliance?", "sex-orientation"),
        ("that knee brace mate, what happened there?", "health"),
        ("I noticed you've got a bit of a limp, what happened?", "health"),
        ("Is Holi going to be a problem for you?", "religion"),
        # From the newcomer trial.
        ("Is there any medical condition we should know about?", "health"),
        ("Do you have any long-term health issues I should be aware of?", "health"),
    ],
)
def test_protected_topics_are_flagged_with_what_to_ask_instead(
    text: str, topic: str | None
) -> None:
    kind = classify_question(text)
    assert kind.protected == topic, kind
    assert kind.instead == (PROTECTED_TOPICS[topic] if topic else "")


@pytest.mark.parametrize(
    "text",
    [
        "Would the Christmas rush be a problem for you?",
        "How would you cover a team member's leave for Eid on stocktake week?",
        "Men's footwear is the busiest floor; how would you staff it?",
        # Found by review: job words that share letters or phrases with the new forms.
        "What happened to the legacy system after you left?",
        "What happened with the backlog, and what did you do?",
        "How would you add rollback support to that design?",
        "Do you lean on templates as a crutch?",
        "Sales leads limp along in the fourth quarter; how would you fix that?",
        "The guys are great, you'll get on well with them.",
        "In our data men tend to churn faster than women. How would you check that?",
        "What would you do if you had to leave a child alone for a minute?",
        "How would you want the children to behave on a school trip?",
        "Would the Diwali rush be a problem for you?",
    ],
)
def test_the_rules_leave_lawful_neighbours_of_those_forms(text: str) -> None:
    # The learned reader may still mark one to check (a human reads it): recall comes first.
    assert classify_question(text, learned=False).protected is None


# The held-out sets are left out: the rules were never mended on them (bench/results/coaching.md
# says how far the rules carry to questions nobody tuned them on), and a test over them would.
@pytest.mark.parametrize("name", ["development", "tuning", "tuning-2", "tuning-3"])
def test_on_the_sets_the_rules_were_built_on_they_still_catch_what_they_caught(name: str) -> None:
    result = scores(classified(load(name), learned=False))
    protected = result["protected (any topic)"]
    assert protected["recall"] >= 0.95, result  # the costly error: missing one
    assert protected["precision"] >= 0.9, result
    for label in ("open", "closed", "leading", "multi-part"):
        assert result[label]["recall"] >= 0.8 and result[label]["precision"] >= 0.8, (label, result)


def test_the_learned_reader_catches_what_the_rules_miss_on_a_set_it_never_saw() -> None:
    # Trained on the five other shipped sets; the second held-out set was written blind and the
    # rules alone recall 0.59 of its protected questions.
    rows = load("held-out-2")
    alone = scores(classified(rows, learned=False))["protected (any topic)"]
    both = scores(classified(rows, model_for("held-out-2")))["protected (any topic)"]
    assert alone["recall"] < 0.7
    assert both["recall"] >= 0.95 and both["precision"] >= 0.65, both


@pytest.mark.parametrize(
    "text",
    [
        "What are your strengths?",
        "Where do you see yourself in five years?",
        "Will do.",
        "Is that everything from your side?",
        "Tell me about yourself.",
        "Why do you want this job?",
        "What did you study?",
        "Can you start on Monday?",
    ],
)
def test_stock_questions_are_not_flagged_by_the_learned_reader(text: str) -> None:
    assert classify_question(text).protected is None


def test_the_held_out_sets_share_no_text_with_the_training_sets() -> None:
    # A held-out question the reader was trained on would flatter its recall.
    def words(text: str) -> str:
        return " ".join(re.findall(r"[a-z0-9']+", text.lower()))

    trained = {words(r["text"]) for name in TRAINING_SETS for r in labelled(name)}
    trained |= {words(r["text"]) for r in ordinary_turns()}
    held = [words(r["text"]) for r in load("held-out-4")] + [words(t) for t in ordinary_held_out()]
    assert len(held) >= 300 and not set(held) & trained
    assert len(set(held)) == len(held)
