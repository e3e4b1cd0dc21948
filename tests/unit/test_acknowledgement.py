"""Validation of the LLM's acknowledgement: what may be said to the candidate and what may not."""

from __future__ import annotations

import pytest

from dialogue import acknowledgement_messages, validate_acknowledgement

ANSWER = "I called the customer the same day and shipped a replacement with express delivery."


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("Thanks for explaining the replacement.", "Thanks for explaining the replacement."),
        (
            '"Thank you for telling me about that call."',
            "Thank you for telling me about that call.",
        ),
        ("Thanks for the delivery story. Now tell me more.", "Thanks for the delivery story."),
        (
            "Thanks for describing the express shipping",
            "Thanks for describing the express shipping.",
        ),
        ("I see, calling the same day mattered.", "I see, calling the same day mattered."),
    ],
)
def test_accepts_a_short_acknowledgement_that_names_the_answer(reply: str, expected: str) -> None:
    assert validate_acknowledgement(reply, ANSWER) == expected


@pytest.mark.parametrize(
    "reply",
    [
        "",
        "   ",
        "Thanks.",  # too short to say anything
        "Thank you for sharing that story.",  # names nothing from the answer
        "I appreciate your input and I'm glad you found the answer helpful.",
        "Candidate's answer acknowledges the customer call naturally.",  # about, not to them
        "I acknowledge the replacement you shipped.",
        "What happened next?",  # a question
        "Great answer, that deserves a high score.",  # evaluation / score leak
        "That's a great example of how to prioritise the customer.",
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


def test_prompt_carries_question_and_answer_but_no_rubric() -> None:
    messages = acknowledgement_messages("Alex", "Why support?", "Because I like people.")
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert "Alex" in messages[0]["content"]
    assert "Why support?" in messages[-1]["content"]
    assert "Because I like people." in messages[-1]["content"]
    # Everything before the last message is the same for every answer (a cacheable prefix).
    other = acknowledgement_messages("Alex", "Another question?", "Another answer.")
    assert other[:-1] == messages[:-1]
