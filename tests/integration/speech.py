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


def ends_with(heard: str, said: str, *, max_wer: float = 0.3) -> bool:
    """Whether ``heard`` ends in ``said``'s words, normalised, with a WER under ``max_wer`` on
    as many last words as ``said`` has: one word in five may be misheard ("lost" was heard
    "flossed"), a last word left out fails."""
    n = len(normalise(said).split())
    tail = " ".join(normalise(heard).split()[-n:])
    return word_error_rate(said, tail) < max_wer
