"""When does speech so far sound unfinished (so the turn is held longer)?"""

from __future__ import annotations

import pytest

from dialogue import sounds_unfinished


@pytest.mark.parametrize(
    "text",
    ["Let me think.", "Hmm, good question.", "Um", "So the project was", "and then we,",
     "Give me a second", "It was about...", "I worked with the"],
)  # fmt: skip
def test_thinking_and_dangling_speech_is_unfinished(text: str) -> None:
    assert sounds_unfinished(text)


@pytest.mark.parametrize(
    "text",
    ["", "I shipped a replacement the next day.", "That is how I would prioritise them.",
     "It took three weeks", "so complaints about it dropped by 30%.", "We were done by 5.",
     "It cost $80k"],
)  # fmt: skip
def test_complete_sentences_are_finished(text: str) -> None:
    assert not sounds_unfinished(text)
