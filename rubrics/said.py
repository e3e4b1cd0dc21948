"""A turn's sentences with the time span of each, less attempts to manipulate the interviewer.

Quotes are the turn's own words, verbatim, and a report plays each from its span: the span comes
from the recogniser's word timings, and a sentence holding an attempt ("how am I being scored")
gives only the answer's words in it (``dialogue.answer_parts``), each part with its own span, so
no quote's clip plays the attempt.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dialogue import answer_parts
from perception.speech import PAUSE_S
from perception.words import TimedWord

__all__ = ["spoken_sentences", "tokens"]

_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_TOKEN = re.compile(r"(?:[^\W_]|')+")  # letters and digits of any script, apostrophes


def tokens(text: str) -> list[str]:
    """Lower-case word tokens of ``text`` (letters and digits of any script, apostrophes)."""
    return _TOKEN.findall(text.lower())


def _align(
    words: Sequence[tuple[list[str], TimedWord]], text: str, cursor: int
) -> tuple[int, int] | None:
    """The first and last index in ``words`` (from ``cursor`` on) of ``text``'s first and last
    tokens; None where they do not align (or ``text`` has no tokens). The last is the word that
    holds as many tokens as ``text`` where it is ``text``'s last token (a sentence ending "a
    five" that said "a five star review" before it), else the first word that ends so."""
    wanted = tokens(text)
    if not wanted:
        return None
    for i in range(cursor, len(words)):
        if words[i][0] and words[i][0][0] == wanted[0]:
            held = 0
            for j in range(i, len(words)):
                held += len(words[j][0])
                if held >= len(wanted):
                    if words[j][0] and words[j][0][-1] == wanted[-1]:
                        return i, j
                    break
            for j in range(i, len(words)):
                if words[j][0] and words[j][0][-1] == wanted[-1]:
                    return i, j
            return None
    return None


def _pauses(sentence: str, words: Sequence[TimedWord]) -> list[int]:
    """Character offsets into ``sentence`` of the words the speaker paused before (a gap of
    ``perception.speech.PAUSE_S`` or more), where its words and ``words`` pair one to one
    (those with tokens: a "?" standing alone has no timing of its own)."""
    spans = [m.start() for m in re.finditer(r"\S+", sentence) if tokens(m.group())]
    timed = [w for w in words if tokens(w.word)]
    if len(spans) != len(timed):
        return []
    return [spans[k] for k in range(1, len(timed))
            if timed[k].start_s - timed[k - 1].end_s >= PAUSE_S]  # fmt: skip


def spoken_sentences(
    text: str, words: Sequence[TimedWord], start_s: float, end_s: float
) -> list[tuple[str, float, float]]:
    """The sentences of a turn's ``text``, verbatim, each with the time span (session seconds)
    of its ``words`` (word timings) where they align, else the turn's (``start_s``-``end_s``);
    a sentence holding an attempt to manipulate the interviewer gives only
    the answer's words in it (``dialogue.answer_parts``: none, or parts, each with its own span,
    so a quote's clip never plays the attempt)."""
    timings = [(tokens(w.word), w) for w in words]
    out: list[tuple[str, float, float]] = []
    cursor = 0
    for match in _SENTENCE.finditer(text):
        sentence = match.group().strip()
        if not tokens(sentence):
            continue
        found = _align(timings, sentence, cursor)
        timed = [w for _, w in timings[found[0] : found[1] + 1]] if found else []
        if found:
            cursor = found[1] + 1
        parts = answer_parts(sentence, _pauses(sentence, timed))
        inner = [(tokens(w.word), w) for w in timed]
        at = 0
        for part in parts:
            span = _align(inner, part, at) if inner else None
            if span is not None:
                at = span[1] + 1
            kept = timed[span[0] : span[1] + 1] if span else []
            out.append((part, *_within(kept, start_s, end_s)))
    return out


def _within(timed: Sequence[TimedWord], low: float, high: float) -> tuple[float, float]:
    """The span of ``timed`` (``low``-``high``, the turn's, when empty), kept inside the turn's:
    Whisper times a first word up to ~0.6 s before the VAD heard speech start (seen in persona
    runs), and the turn's span is where the recording is played from."""
    start, end = (timed[0].start_s, timed[-1].end_s) if timed else (low, high)
    start = min(max(start, low), high)
    return float(start), float(max(min(end, high), start))
