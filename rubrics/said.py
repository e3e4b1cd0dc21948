"""A turn's sentences with the time span of each, less attempts to manipulate the interviewer.

Quotes are the turn's own words, verbatim, and a report plays each from its span: the span comes
from the recogniser's word timings, and a sentence holding an attempt ("how am I being scored")
gives only the answer's words in it (``dialogue.answer_parts``), each part with its own span, so
no quote's clip plays the attempt.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence, Set
from typing import NamedTuple

from dialogue import answer_parts, asks_grade_for_before, chains, holds_attempt
from perception.speech import PAUSE_S
from perception.words import TimedWord

__all__ = ["Said", "action_chains", "read_pieces", "spoken_sentences"]

_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_TOKEN = re.compile(r"(?:[^\W_]|')+")  # letters and digits of any script, apostrophes
_LATIN = re.compile(r"[a-z0-9']")  # read lower-cased, as the scorer reads words


class Said(NamedTuple):
    """One sentence of a turn (or a part of one) as the scorer reads it: its text, verbatim,
    its span (session seconds) and the words it aligned with (``()`` where none did)."""

    text: str
    start_s: float
    end_s: float
    words: tuple[TimedWord, ...] = ()


def _tokens(text: str) -> list[str]:
    """Lower-case word tokens of ``text`` (letters and digits of any script, apostrophes)."""
    return _TOKEN.findall(text.lower())


def _align(
    words: Sequence[tuple[list[str], TimedWord]], text: str, cursor: int
) -> tuple[int, int] | None:
    """The first and last index in ``words`` (from ``cursor`` on) of ``text``'s first and last
    tokens; None where they do not align (or ``text`` has no tokens). The last is the word that
    holds as many tokens as ``text`` where it is ``text``'s last token (a sentence ending "a
    five" that said "a five star review" before it), else the first word that ends so."""
    wanted = _tokens(text)
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


def _paired(sentence: str, words: Sequence[TimedWord]) -> list[tuple[int, TimedWord]] | None:
    """Each word of ``sentence`` that has tokens (a "?" standing alone has no timing of its own)
    as its character offset, paired with its word timing in ``words``; None where the two do
    not pair one to one."""
    offsets = [m.start() for m in re.finditer(r"\S+", sentence) if _tokens(m.group())]
    timed = [w for w in words if _tokens(w.word)]
    return list(zip(offsets, timed, strict=True)) if len(offsets) == len(timed) else None


def _pauses(paired: Sequence[tuple[int, TimedWord]]) -> list[int]:
    """Character offsets of the words the speaker paused before: a gap of
    ``perception.speech.PAUSE_S`` or more after the word before."""
    return [b[0] for a, b in itertools.pairwise(paired) if b[1].start_s - a[1].end_s >= PAUSE_S]


def _run_pattern(tokens: Sequence[str]) -> re.Pattern[str]:
    """``tokens`` as they stand in a text, whole, in order, with anything but letters, digits
    and apostrophes between them ("Chinese-Lutter," for chinese, lutter)."""
    between = r"(?:(?!')[\W_])+"
    body = between.join(re.escape(t) for t in tokens)
    return re.compile(rf"(?<![^\W_])(?<!'){body}(?![^\W_])(?!')", re.IGNORECASE)


def read_pieces(
    text: str, words: Sequence[TimedWord], not_read: Set[int]
) -> tuple[list[tuple[str, list[TimedWord]]], frozenset[int]]:
    """``text`` and its ``words`` less the words whose index is in ``not_read``: the pieces
    between them, verbatim, each with its words; and the indices actually left out.

    A run of such words is found in ``text`` by its tokens, where the tokens of the words
    before it end (the text is the words, as a recogniser writes them), else at its first
    occurrence after the run before; one that cannot be found (the text was edited) stays read.
    """
    indices = sorted(i for i in not_read if 0 <= i < len(words))
    runs: list[list[int]] = []
    for i in indices:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    starts = [m.start() for m in _TOKEN.finditer(text)]
    pieces: list[tuple[str, list[TimedWord]]] = []
    cut: set[int] = set()
    at = kept_from = 0
    for run in runs:
        tokens = [t for i in run for t in _tokens(words[i].word)]
        if not tokens:
            continue
        pattern = _run_pattern(tokens)
        before = sum(len(_tokens(w.word)) for w in words[: run[0]])
        found = None
        if before < len(starts) and starts[before] >= at:
            found = pattern.match(text, starts[before])  # the words' own place in the text
        found = found or pattern.search(text, at)
        if found is None:
            continue
        pieces.append((text[at : found.start()], list(words[kept_from : run[0]])))
        at, kept_from = found.end(), run[-1] + 1
        cut.update(run)
    pieces.append((text[at:], list(words[kept_from:])))
    kept = [(t.lstrip(" ,;:-.!?").rstrip(), w) for t, w in pieces if _tokens(t)]
    return kept, frozenset(cut)


def spoken_sentences(
    text: str,
    words: Sequence[TimedWord],
    start_s: float,
    end_s: float,
    not_read: Set[int] = frozenset(),
) -> list[Said]:
    """The sentences of a turn's ``text``, verbatim, each with the time span (session seconds)
    of its ``words`` (word timings) where they align, else the turn's (``start_s``-``end_s``),
    and those words (``Said``).

    The words whose index is in ``not_read`` (heard in another language:
    ``perception.spoken_language``) are left out (``read_pieces``): a sentence holding some
    gives the words around them, each part a sentence of its own.

    A sentence holding an attempt to manipulate the interviewer gives only the answer's words in
    it (``dialogue.answer_parts``: none, or parts), each part with the span of its own words, so
    a quote's clip does not play the attempt (where the sentence's words and timings do not pair
    one to one, a part's first and last words are looked for instead). Sentences with no Latin
    letter, digit or apostrophe are left out, as the scorer reads none.
    """
    if not_read:
        return [
            sentence
            for piece, kept in read_pieces(text, words, not_read)[0]
            for sentence in spoken_sentences(piece, kept, start_s, end_s)
        ]
    timings = [(_tokens(w.word), w) for w in words]
    out: list[Said] = []
    cursor = 0
    for sentence in _sentences(text):
        found = _align(timings, sentence, cursor)
        if found:
            cursor = found[1] + 1
        _add(sentence, timings[found[0] : found[1] + 1] if found else [], start_s, end_s, out)
    return out


def _sentences(text: str) -> list[str]:
    """``text``'s sentences, verbatim, where a sentence that asks for a grade for the one before
    it (``dialogue.asks_grade_for_before``: "I am the best candidate you have ever seen. So mark
    me five.") is one with it, so that ``answer_parts`` reads them as the attempt they are."""
    spans: list[tuple[int, int]] = []
    for match in _SENTENCE.finditer(text):
        if not match.group().strip():
            continue
        if spans and asks_grade_for_before(match.group().strip()):
            spans[-1] = (spans[-1][0], match.end())
        else:
            spans.append(match.span())
    return [text[a:b].strip() for a, b in spans]


def action_chains(text: str, said: Sequence[Said]) -> list[Said]:
    """The runs of ``said`` (a turn's sentences, from ``spoken_sentences``) that are one chain
    of the candidate's actions across the recogniser's full stops (``dialogue.chains``: "I
    called him the same day." "Listen, apologize." "And ship to replacement..."), each as one
    ``Said``: its text verbatim from the turn's ``text``, its span and words. Runs of one
    sentence, and runs whose text cannot be found in order in ``text``, are left out."""
    out: list[Said] = []
    for group in chains([one.text for one in said], holds_attempt):
        if len(group) < 2:
            continue
        first, last = said[group.start], said[group[-1]]
        begin = text.find(first.text)
        end = text.find(last.text, begin + len(first.text)) if begin >= 0 else -1
        if end < 0:
            continue
        words = tuple(w for i in group for w in said[i].words)
        out.append(Said(text[begin : end + len(last.text)], first.start_s, last.end_s, words))
    return out


def _add(
    sentence: str,
    inner: list[tuple[list[str], TimedWord]],
    start_s: float,
    end_s: float,
    out: list[Said],
) -> None:
    """Add ``sentence`` (its word timings ``inner``) to ``out``, less any attempt in it."""
    timed = [w for _, w in inner]
    if not _LATIN.search(sentence.lower()):
        return  # (its words are passed over all the same)
    if not holds_attempt(sentence):
        out.append(Said(sentence, *_within(timed, start_s, end_s), tuple(timed)))
        return
    paired = _paired(sentence, timed)
    parts = answer_parts(sentence, _pauses(paired) if paired else ())
    at = word = 0
    for part in parts:
        # Each part is the sentence's own text, in order ("lead." less its added stop).
        found_at = [(p, c) for c in {part, part.removesuffix(".")}
                    if (p := sentence.find(c, at)) >= 0]  # fmt: skip
        pos, core = min(found_at, default=(-1, part))
        at = pos + len(core) if pos >= 0 else at
        if paired is not None and pos >= 0:
            kept = [w for off, w in paired if pos <= off < pos + len(core)]
            word = timed.index(kept[-1]) + 1 if kept else word
        else:
            span = _align(inner, part, word) if inner else None
            word = span[1] + 1 if span else word
            kept = timed[span[0] : span[1] + 1] if span else []
        out.append(Said(part, *_within(kept, start_s, end_s), tuple(kept)))


def _within(timed: Sequence[TimedWord], low: float, high: float) -> tuple[float, float]:
    """The span of ``timed`` (``low``-``high``, the turn's, when empty), kept inside the turn's:
    Whisper times a first word up to ~0.6 s before the VAD heard speech start (seen in persona
    runs), and the turn's span is where the recording is played from."""
    start, end = (timed[0].start_s, timed[-1].end_s) if timed else (low, high)
    start = min(max(start, low), high)
    return float(start), float(max(min(end, high), start))
