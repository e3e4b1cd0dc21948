"""Ordinary words and figures that look like dates or phone numbers stay what they are."""

from __future__ import annotations

import pytest

from dialogue import spoken_form


@pytest.mark.parametrize(
    ("written", "said"),
    [
        # A month's name at the start of a longer word is not a month.
        ("We are hiring 2 Junior engineers", "We are hiring two Junior engineers"),
        ("Tell me about 2 Marketing campaigns", "Tell me about two Marketing campaigns"),
        ("10 Decisions", "ten Decisions"),
        ("On 8 Sept 2026 we start.", "On September eighth, twenty twenty-six we start."),
        # "May" is a verb as often as a month: a date only with an ordinal or a year.
        ("May 5 people join?", "May five people join?"),
        ("Starts May 5th.", "Starts May fifth."),
        # Days that no month has are not read as dates.
        ("Feb 30", "Feb thirty"),
        # A version string is a version, even when it looks like a date.
        ("Version 2.1.2020", "Version two point one point two thousand and twenty"),
        # A count written without groups is a count, not a number to call.
        ("We served 4155552671 requests", "We served four billion one hundred and fifty-five "
         "million five hundred and fifty-two thousand six hundred and seventy-one requests"),
    ],
)  # fmt: skip
def test_look_alikes_are_said_as_what_they_are(written: str, said: str) -> None:
    assert spoken_form(written) == said
