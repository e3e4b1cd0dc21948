"""The one word-timing type: moved between clocks and kept with a stored turn without loss."""

from __future__ import annotations

import pytest

from perception import TimedWord


def test_a_word_survives_storage_and_a_change_of_clock() -> None:
    heard = TimedWord("printers", 1000.1234, 1000.5678, 0.91234)
    stored = heard.shifted(-990.0).to_stored()
    assert stored == {"word": "printers", "start": 10.123, "end": 10.568, "p": 0.912}
    back = TimedWord.from_stored(stored)
    assert (back.word, back.start_s, back.end_s, back.probability) == (
        "printers", 10.123, 10.568, 0.912,
    )  # fmt: skip


def test_a_word_without_a_probability_is_stored_without_one() -> None:
    assert TimedWord("um", 0.0, 0.2).to_stored() == {"word": "um", "start": 0.0, "end": 0.2}
    assert TimedWord.from_stored({"word": "um", "start": 0, "end": 1}).probability is None


def test_a_stored_word_without_times_is_refused() -> None:
    with pytest.raises(ValueError, match="start and an end"):
        TimedWord.from_stored({"word": "lost", "start": None, "end": 1.0})
