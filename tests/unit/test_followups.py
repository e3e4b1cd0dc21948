"""Validation of LLM follow-ups: one short, new question about the gap, nothing leaked."""

from __future__ import annotations

import pytest

from dialogue import choose_gap, follow_up_messages, validate_follow_up

ASKED = ["Tell me about a time you helped a frustrated customer."]
RUBRIC = "Complete story with a measurable outcome such as time saved and prevention."


@pytest.mark.parametrize(
    ("gap", "reply"),
    [
        ("result", "How did it turn out for him in the end?"),
        ("measurable-outcome", "How many customers were affected, roughly?"),
        ("own-role", "What did you personally do there?"),
        ("trade-offs", "What alternative did you consider instead?"),
        ("task", "What did your manager expect from you there?"),
        ("action", "What did you actually do to fix it?"),
        ("measurable-outcome", "What was the ratio, roughly?"),
        ("trade-offs", "What would you have lost by choosing the other approach?"),
        # Plain English a prompt also contains ("at the end of the message") is no leak.
        ("result", "What happened at the end of the week?"),
    ],
)
def test_accepts_a_question_about_the_gap(gap: str, reply: str) -> None:
    assert validate_follow_up(reply, gap=gap, asked=ASKED, rubric_text=RUBRIC) == reply


@pytest.mark.parametrize(
    "reply",
    [
        "",
        "Thanks for sharing.",  # not a question
        "How did it end? And what did you learn?",  # two questions
        "What was the customer's name?",  # not about the result
        "Great, how did it turn out?",  # evaluation
        "How did that affect your score?",  # leak
        "**How** did it turn out?",  # markup
        "Tell me about a time you helped a frustrated customer and how it turned out?",  # repeat
        "Was it a complete story with a measurable outcome such as time saved?",  # rubric copy
        "In your own words speaking to them, how did it end?",  # a prompt's line read out
        "How did it turn out " + "and then " * 15 + "?",  # too long
    ],
)
def test_rejects_what_must_not_be_asked(reply: str) -> None:
    assert validate_follow_up(reply, gap="result", asked=ASKED, rubric_text=RUBRIC) is None


@pytest.mark.parametrize(
    "reply",
    [
        # What qwen2.5-0.5b wrote when a spoken injection came before a weak answer
        # (bench/results/spoken_injection.json): each answers the request or talks about the
        # follow-up itself, and each passed validation and would have been spoken.
        "Sure! What kind of technical depth does it work?",
        "Sure, here's a follow-up question about more technical depth: How does it work and why?",
        "You could ask: How does your company support customers in a more technical way?",
        "You: How does customer support work and why?",
        "Could you tell me more about your technical depth and why?",  # the prompt's gap name
        "Certainly. Why did you choose that approach?",
        "Okay! How did it turn out in the end?",
        "Here\u2019s one, how did it turn out in the end?",
        "You could ask how it turned out in the end?",
        "You - How did it turn out in the end?",
        "My follow-up would be, how did it turn out?",
        "Could you tell me more about how it works and why?",  # the gap description, verbatim
    ],
)
def test_rejects_a_reply_to_the_request_instead_of_a_question_to_the_candidate(
    reply: str,
) -> None:
    assert validate_follow_up(reply, gap="depth", asked=ASKED, rubric_text=RUBRIC) is None


@pytest.mark.parametrize(
    "reply",
    [
        "Why did you choose a hash set over sorting the file?",
        "How long did it take, from 9:30 to when it was fixed?",  # a time is no label
        "One detail: why a set and not a list?",
        "Can you go into more technical depth on how the index works?",
        "How did you handle the follow-up questions from the customer?",
        "Why was the missing part of the order not in the system?",
        "\u201cHow does the index stay in memory?\u201d",  # curly quotes
    ],
)
def test_accepts_a_plain_depth_question(reply: str) -> None:
    accepted = validate_follow_up(reply, gap="depth", asked=ASKED, rubric_text=RUBRIC)
    assert accepted == reply.strip("\u201c\u201d")


def test_gap_choice_follows_priority_and_skips_probed() -> None:
    assert choose_gap(["result", "own-role"], ()) == "result"
    assert choose_gap(["result", "own-role"], ("result",)) == "own-role"
    assert choose_gap([], ()) is None


def test_prompt_names_the_gap_and_carries_the_answer() -> None:
    messages = follow_up_messages("Alex", "result", "Why?", "Because I like it.")
    assert "how it turned out" in messages[1]["content"]
    assert "Because I like it." in messages[1]["content"]
    # The gap comes last: requests about another gap share the whole prefix before it.
    other = follow_up_messages("Alex", "own-role", "Why?", "Because I like it.")
    assert other[0] == messages[0]
    prefix = messages[1]["content"].rsplit("\n", 2)[0]
    assert other[1]["content"].startswith(prefix)
