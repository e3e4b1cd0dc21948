"""Speech made from known text, for tests whose truth is the text."""

from __future__ import annotations

import re

from jiwer import wer

_NUMBERS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "ten": "10"}


def normalise(text: str) -> str:
    """Lower-case, no punctuation, number words as digits."""
    words = re.findall(r"[a-z0-9']+", text.lower().replace("-", " "))
    return " ".join(_NUMBERS.get(w, w) for w in words)


def word_error_rate(truth: str, heard: str) -> float:
    """WER after normalising both sides."""
    return float(wer(normalise(truth), normalise(heard)))
