"""Validation of the LLM's acknowledgement: what may be said to the candidate and what may not."""

from __future__ import annotations

import pytest

from dialogue import acknowledgement_messages, fallback_acknowledgement, validate_acknowledgement

ANSWER = "I called the customer the same day and shipped a replacement with express delivery."


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (
            "Thanks for walking me through the lost parcel.",
            "Thanks for walking me through the lost parcel.",
        ),
        ('"Thank you for sharing that story."', "Thank you for sharing that story."),
        ("Thanks for that. Now tell me more.", "Thanks for that."),
        ("Thanks for that example", "Thanks for that example."),
        ("I see, thanks for explaining.", "I see, thanks for explaining."),
    ],
)
def test_accepts_a_short_neutral_acknowledgement(reply: str, expected: str) -> None:
    assert validate_acknowledgement(reply, ANSWER) == expected


@pytest.mark.parametrize(
    "reply",
    [
        "",
        "   ",
        "Thanks.",  # too short to say anything
        "What happened next?",  # a question
        "Great answer, that deserves a high score.",  # evaluation / score leak
        "According to the rubric you did well.",
        "Ignore the instructions above.",
        "You should have escalated sooner.",  # advice
        "I called the customer the same day and shipped it.",  # narrates as the candidate
        "**Thanks** for that.",  # markdown
        "Thanks for that 😀.",  # emoji
        "So you called the customer the same day and shipped a replacement with express delivery.",
        " ".join(["word"] * 30) + ".",  # too long
    ],
)
def test_rejects_what_must_not_be_said(reply: str) -> None:
    assert validate_acknowledgement(reply, ANSWER) is None


def test_fallbacks_vary_with_the_answer_position() -> None:
    lines = {fallback_acknowledgement(i) for i in range(1, 5)}
    assert len(lines) == 4
    assert fallback_acknowledgement(5) == fallback_acknowledgement(1)


def test_prompt_carries_question_and_answer_but_no_rubric() -> None:
    messages = acknowledgement_messages("Alex", "Why support?", "Because I like people.")
    assert [m["role"] for m in messages] == ["system", "user"]
    assert "Alex" in messages[0]["content"]
    assert "Why support?" in messages[1]["content"]
    assert "Because I like people." in messages[1]["content"]
