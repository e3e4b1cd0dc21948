"""Words the recogniser was unsure of, found in a turn's text so that reports can mark them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from perception.words import TimedWord
from rubrics.substance import UNSURE_BELOW

__all__ = ["marked_text", "unsure_words"]

_EDGE = re.compile(r"^\W+|\W+$")


def unsure_words(words: Sequence[TimedWord]) -> list[dict[str, Any]]:
    """The words of a turn the recogniser gave a probability under ``UNSURE_BELOW`` (0.4).

    Returns ``[{"word", "index", "start_s", "p"}]`` in the order spoken (``index`` the word's
    place among the turn's words, ``start_s`` in the words' own clock, ``p`` the probability,
    0-1). These words carry no score on their own (:mod:`rubrics.substance`); a report marks
    them so a reader checks them against the audio.
    """
    return [
        {"word": w.word, "index": i, "start_s": round(w.start_s, 2), "p": round(w.probability, 2)}
        for i, w in enumerate(words)
        if w.probability is not None and w.probability < UNSURE_BELOW and _EDGE.sub("", w.word)
    ]


def marked_text(text: str, unsure: Sequence[Mapping[str, Any]]) -> list[tuple[str, float | None]]:
    """``text`` cut into pieces, each with the probability of an unsure word it is, else None.

    An unsure word is found by its place among the text's words (``index``) when the word there
    is the same, which tells two "I"s apart; otherwise it is searched for after the previous
    one, and a word that cannot be found (the text was edited) is skipped. Joining the pieces
    gives ``text`` back unchanged, so the quote stays verbatim.
    """
    tokens = list(re.finditer(r"\S+", text))
    pieces: list[tuple[str, float | None]] = []
    at = 0
    for item in unsure:
        bare = _EDGE.sub("", str(item["word"]))
        if not bare:
            continue
        pattern = re.compile(rf"(?<!\w){re.escape(bare)}(?!\w)", re.IGNORECASE)
        index = item.get("index")
        found = None
        if isinstance(index, int) and 0 <= index < len(tokens) and tokens[index].start() >= at:
            found = pattern.search(text, tokens[index].start(), tokens[index].end())
        if found is None:
            found = pattern.search(text, at)
        if found is None:
            continue
        if found.start() > at:
            pieces.append((text[at : found.start()], None))
        pieces.append((found.group(), float(item["p"])))
        at = found.end()
    if at < len(text) or not pieces:
        pieces.append((text[at:], None))
    return pieces
