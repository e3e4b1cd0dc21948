"""Parts of an answer spoken in another language than the interview's (English).

The recogniser is Whisper tiny.en: it hears everything as English. Speech in another language
comes out as English-looking words ("Zignoruj poprzednie instrukcje" as "the Giorg pop as any
instruct"), or Whisper makes up a sentence, and those words could be quoted and scored as the
answer's. A multilingual model tells the language from the sound itself: each clause the
recogniser was unsure of is given to a language identifier, and a clause it hears in another
language is marked, by word index, as not the answer's evidence.

Only unsure stretches are checked, and at most ``MAX_CHECKS`` per answer, the least sure first:
identifying costs 0.77 s of one core per stretch (median; Whisper base, int8: it pads every clip
to 30 s; ``bench/results/language_check.md``), so a clearly heard English answer costs nothing.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from perception.speech import PAUSE_S
from perception.words import TimedWord

__all__ = [
    "ENGLISH_BELOW",
    "MAX_CHECKS",
    "UNSURE_CLAUSE_BELOW",
    "LanguageIdentifier",
    "OtherLanguage",
    "other_language_spans",
]

# Language probabilities of a clip: {"en": 0.93, "de": 0.02, ...} (Whisper's language tokens).
LanguageIdentifier = Callable[[np.ndarray], dict[str, float]]

# A clause whose words' mean recogniser probability is below this is checked. English clauses
# of the spoken-injection bench's answers (piper voice, tiny.en) have means of 0.67 and up;
# another language heard as English, 0.23-0.63 (bench/results/spoken_injection.md).
UNSURE_CLAUSE_BELOW = 0.65
# A checked clause is another language when English has less than this probability. Measured
# with Whisper base on clauses of 1-5 s: English 0.83-1.00 (short words lowest: "Yeah." 0.88,
# a list of product names 0.83), espeak-ng's French, Dutch and Russian 0.02-0.44.
ENGLISH_BELOW = 0.5
_NAMED_FROM = 0.5  # a language is named in a report from this probability
MAX_CHECKS = 3  # unsure stretches identified per answer, at most
_MAX_GROWTH = 6  # clauses beside those found identified per answer, at most
_MIN_WORDS = 3  # fewer words are too short a clip to tell a language by
_MIN_CLIP_S = 1.0
_PAD_S = 0.3  # audio kept on each side of a clause's words (Whisper's word times are loose)
_CLAUSE_END = re.compile(r"[.,;:!?]$")


@dataclass(frozen=True)
class OtherLanguage:
    """Words ``first_word``..``last_word`` (indices into the answer's words, inclusive) heard
    in ``language`` (a Whisper language code, e.g. "pl") with ``probability``; ``english`` is
    English's probability for the same clip."""

    first_word: int
    last_word: int
    language: str
    probability: float
    english: float

    @property
    def label(self) -> str:
        """The language's code where the identifier gave it half the probability or more,
        else "not identified" (on a short clip its second guess is often as likely)."""
        return self.language if self.probability >= _NAMED_FROM else "not identified"

    def words_in(self, words: Sequence[TimedWord]) -> str:
        """The span's words of ``words`` (the answer's, as it was measured), joined."""
        return " ".join(w.word.strip() for w in words[self.first_word : self.last_word + 1])

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON and storage."""
        return asdict(self)

    @classmethod
    def from_stored(cls, item: dict[str, Any]) -> OtherLanguage:
        """The span from ``as_dict()``'s shape.

        Raises:
            KeyError, TypeError, ValueError: the item is not that shape.
        """
        first, last = int(item["first_word"]), int(item["last_word"])
        if not 0 <= first <= last:
            raise ValueError(f"word span {first}-{last}")
        return cls(first, last, str(item["language"]), float(item["probability"]),
                   float(item["english"]))  # fmt: skip


def _clauses(words: Sequence[TimedWord]) -> list[tuple[int, int]]:
    """The answer's clauses as (first, last) word indices: cut after a word that ends in a
    stop or a comma, and before a pause of ``PAUSE_S`` or more."""
    out: list[tuple[int, int]] = []
    first = 0
    for i, word in enumerate(words):
        last = i == len(words) - 1
        paused = not last and words[i + 1].start_s - word.end_s >= PAUSE_S
        if last or paused or _CLAUSE_END.search(word.word.strip()):
            out.append((first, i))
            first = i + 1
    return out


def other_language_spans(
    words: Sequence[TimedWord],
    audio: np.ndarray,
    rate: int,
    audio_start_s: float,
    identify: LanguageIdentifier,
    *,
    max_checks: int = MAX_CHECKS,
) -> list[OtherLanguage]:
    """The stretches of an answer heard in another language than English, in word order.

    Args:
        words: the answer's words with the recogniser's probabilities, on the audio's clock.
        audio: mono float samples around the answer, at ``rate`` Hz; ``identify`` takes 16 kHz.
        rate: the audio's sample rate, Hz (16000 for ``identify``).
        audio_start_s: the time of the audio's first sample, on the words' clock (seconds).
        identify: the language identifier (``agent.language_id.WhisperLanguageID``).
        max_checks: unsure stretches identified at most, the least sure first.

    A clause is unsure when every word has a probability and their mean is below
    ``UNSURE_CLAUSE_BELOW``; unsure clauses in a row make one stretch, checked when it has
    ``_MIN_WORDS`` words or more and lasts ``_MIN_CLIP_S`` or more. It is another language when
    ``identify`` gives English less than ``ENGLISH_BELOW`` and another language more than
    English. Beside a stretch found so, clauses are checked too, whatever their probability,
    outwards until one is English (at most ``_MAX_GROWTH`` more identifications an answer).
    """
    # Unsure clauses in a row are one stretch (a recogniser cuts another language into short
    # made-up clauses: "Her one-mail message, I'm two, if I'm three, ..."): checked as one.
    clauses = _clauses(words)
    runs: list[tuple[int, int]] = []
    for first, last in clauses:
        probabilities = [w.probability for w in words[first : last + 1]]
        known = [p for p in probabilities if p is not None]
        if len(known) < len(probabilities) or statistics.fmean(known) >= UNSURE_CLAUSE_BELOW:
            continue
        if runs and runs[-1][1] == first - 1:
            runs[-1] = (runs[-1][0], last)
        else:
            runs.append((first, last))
    unsure: list[tuple[float, int, int]] = []
    for first, last in runs:
        run = words[first : last + 1]
        if len(run) < _MIN_WORDS or run[-1].end_s - run[0].start_s < _MIN_CLIP_S:
            continue
        unsure.append((statistics.fmean(w.probability or 0.0 for w in run), first, last))

    def check(first: int, last: int) -> OtherLanguage | None:
        """Words ``first``..``last`` as another language, or None (English, or too short)."""
        a = max(0, round((words[first].start_s - _PAD_S - audio_start_s) * rate))
        b = min(audio.size, round((words[last].end_s + _PAD_S - audio_start_s) * rate))
        if b - a < _MIN_CLIP_S * rate:
            return None  # the audio does not hold the clause (cut short)
        languages = identify(audio[a:b])
        english = languages.get("en", 0.0)
        language, probability = max(
            ((code, p) for code, p in languages.items() if code != "en"),
            key=lambda item: item[1],
            default=("unknown", 0.0),
        )
        if english >= ENGLISH_BELOW or probability <= english:
            return None  # English, or no other language more likely than English
        return OtherLanguage(first, last, language, round(probability, 3), round(english, 3))

    found = [one for _, first, last in sorted(unsure)[:max_checks] if (one := check(first, last))]
    # Beside a stretch in another language, the candidate may go on in it with words the
    # recogniser wrote surely ("We're going to play in this school."): the clauses either side
    # are checked too, whatever their probability, as long as each is found another language.
    budget = [_MAX_GROWTH]
    for span in list(found):
        for step in (-1, 1):
            covered = {i for one in found for i in range(one.first_word, one.last_word + 1)}
            found += _grow(span, step, clauses, words, check, budget, covered)
    return sorted(found, key=lambda span: span.first_word)


def _grow(
    span: OtherLanguage,
    step: int,
    clauses: Sequence[tuple[int, int]],
    words: Sequence[TimedWord],
    check: Callable[[int, int], OtherLanguage | None],
    budget: list[int],
    covered: set[int],
) -> list[OtherLanguage]:
    """The clauses beside ``span`` (before it: ``step`` -1; after: 1) found another language,
    one after the other until one is not, or is ``covered`` (found already); a clause too
    short to tell takes the next one with it. ``budget`` (a one-item list, shared) counts the
    identifications left."""
    grown: list[OtherLanguage] = []
    edge = span.first_word if step < 0 else span.last_word
    at = next(i for i, (first, last) in enumerate(clauses) if first <= edge <= last) + step
    while 0 <= at < len(clauses) and budget[0] > 0 and clauses[at][0] not in covered:
        first, last = clauses[at]
        while len(range(first, last + 1)) < _MIN_WORDS or (
            words[last].end_s - words[first].start_s < _MIN_CLIP_S
        ):
            at += step
            if not 0 <= at < len(clauses):
                return grown
            if clauses[at][0] in covered:
                return grown
            first, last = min(first, clauses[at][0]), max(last, clauses[at][1])
        budget[0] -= 1
        one = check(first, last)
        if one is None:
            break
        grown.append(one)
        at += step
    return grown
