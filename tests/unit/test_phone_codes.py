"""A caller's interview code, keyed in or said; the highlights a caller hears at the end."""

from __future__ import annotations

import pytest

from recruiter_phone.codes import (
    KeyedCode,
    code_candidates,
    read_out,
    said_code_part,
    spoken_digits,
)
from recruiter_phone.lines import CallLine, read_call_line
from reports.spoken import spoken_highlights


@pytest.mark.parametrize(
    ("said", "digits"),
    [
        ("My code is four seven one, one nine two.", "471192"),
        ("Four, seven, one. One, nine, two.", "471192"),
        ("471 192", "471192"),
        ("4 7 1 1 9 2", "471192"),
        ("double five oh three for two", "550342"),
        ("It's the code for the sales role.", ""),  # "for" beside no digit is a word
        ("Oh, it's four seven one.", "471"),  # "oh" as a filler is no zero
        ("Um, I don't have it.", ""),
    ],
)
def test_spoken_digits_reads_words_and_numerals_in_order(said: str, digits: str) -> None:
    assert spoken_digits(said) == digits


def test_only_an_utterance_that_reads_out_digits_adds_to_a_said_code() -> None:
    assert said_code_part("four seven one, one") == "4711"
    assert said_code_part("It is 4 7 1 1 9 2") == "471192"
    assert said_code_part("This one is the one I got yesterday.") == ""
    assert said_code_part("") == ""


def test_keyed_code_completes_at_its_length_or_at_hash_and_star_starts_again() -> None:
    keyed = KeyedCode(6)
    assert [keyed.press(k) for k in "12*47119"] == [None] * 7 + [None]
    assert keyed.press("2") == "471192"
    assert keyed.press("#") is None  # nothing keyed: not a code
    assert [keyed.press(k) for k in "123#"] == [None, None, None, "123"]
    keyed.press("9")
    keyed.clear()  # a new prompt: the partial code is dropped
    assert [keyed.press(k) for k in "471192"][-1] == "471192"


def test_only_a_phone_lines_metadata_is_a_call_line() -> None:
    line = CallLine(phone_line="practice", practice_role="demo")
    assert read_call_line(line.model_dump_json()) == line
    assert read_call_line('{"role_id": "demo"}') is None
    assert read_call_line(None) is None


def test_highlights_say_only_what_the_report_says() -> None:
    report = {
        "overall": 3.5,
        "coverage": {"partial": False, "questions_answered": 3},
        "summary": {
            "went_well": [{"text": "Customer empathy: names the customer's feeling"}],
            "improvements": [{"text": 'In "Why this job?": add what was missing (a reason).'}],
        },
    }
    said = spoken_highlights(report, where="Your report is on your invitation page.")
    assert said == (
        "Your overall score is 3.5 out of 5. What went well: Customer empathy: names the "
        "customer's feeling. One thing to work on: In Why this job?: add what was missing (a "
        "reason). Your report is on your invitation page."
    )
    partial = {
        "overall": None,
        "coverage": {"partial": True, "questions_answered": 1, "questions_asked": 2},
    }
    assert spoken_highlights(partial, where="Bye.") == (
        "You answered 1 of the 2 questions asked, so this interview has no overall score. Bye."
    )


def test_a_run_heard_one_digit_long_or_short_gives_the_code_among_the_candidates() -> None:
    # Misreadings measured over G.711 (tiny.en, 150 random codes): true code, what was heard.
    for code, heard in (("85882768", "858882768"), ("88899643", "8899643"),
                        ("10005422", "100005422"), ("23263456", "223263456")):  # fmt: skip
        assert code in code_candidates(heard, 8), heard
    assert code_candidates("12345678", 8) == ["12345678"]
    assert code_candidates("1234567", 8) == []  # no repeated digit to have been merged
    assert code_candidates("26262628", 9) == []
    assert code_candidates("9666663229", 8) == []  # two digits off: not guessed at
    many = code_candidates("112233445", 8)
    assert len(many) == 3 and all(len(c) == 8 for c in many)


def test_a_code_is_read_out_in_groups_of_four_and_heard_back_the_same() -> None:
    assert read_out("47119206") == "four seven one one, nine two zero six"
    assert read_out("123") == "one two three"
    assert said_code_part(read_out("47119206")) == "47119206"
