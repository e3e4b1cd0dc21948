"""Spelling and grammar notes on an answer's text, offline (``pyspellchecker`` plus a few rules).

Notes are observations for the candidate's report, never a score. A transcript's spelling is the
recogniser's, so spelling notes are meant for typed answers; the rules (doubled words, "a"/"an",
run-on sentences) apply to both. Deeper language suggestions are the LLM's job, not this module's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

from spellchecker import SpellChecker

__all__ = ["LanguageNote", "language_notes"]

RUN_ON_WORDS = 45  # a spoken sentence this long without a stop is hard to follow
_WORD = re.compile(r"[A-Za-z][A-Za-z']*")
_SENTENCE = re.compile(r"[^.!?]+[.!?]?")
# Words of the trade the general dictionary lacks; a role can add its own.
_TRADE = frozenset(
    "api apis backend frontend kubernetes postgres postgresql microservice microservices refactor "
    "refactored refactoring devops sql nosql json yaml http https saas okr okrs kpi kpis roadmap "
    "onboarding stakeholder stakeholders async repo repos config workflow workflows dataset "
    "datasets signup checkout ui ux qa ci cd linter runtime"
    .split()
)  # fmt: skip
# "an" before these consonant letters is right ("an hour", "an MBA" are spoken vowels).
_AN_EXCEPTIONS = ("hour", "honest", "honor", "honour", "heir")
_A_EXCEPTIONS = ("uni", "use", "usu", "eu", "one", "once")


@dataclass(frozen=True)
class LanguageNote:
    """One note: what kind, the text it is about, and a suggestion."""

    kind: str  # "spelling" | "repeated-word" | "article" | "run-on"
    text: str
    suggestion: str

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON and storage."""
        return asdict(self)


@lru_cache(maxsize=1)
def _checker() -> SpellChecker:
    return SpellChecker(language="en")


def _spelling(words: list[str], known: frozenset[str]) -> list[LanguageNote]:
    # Capitalised words are names and products; the dictionary cannot judge them.
    candidates = [w for w in words if w.islower() and len(w) > 2 and w not in known]
    unknown = _checker().unknown(candidates)
    notes = []
    for word in dict.fromkeys(w for w in candidates if w in unknown):
        # The most frequent candidate; ties by alphabet, so the note is the same on every run.
        options = sorted(_checker().candidates(word) or ())
        fix = max(options, key=_checker().word_usage_frequency) if options else None
        if fix and fix != word:
            notes.append(LanguageNote("spelling", word, fix))
    return notes


def _article(first: str, second: str) -> LanguageNote | None:
    word = second.lower()
    vowel_sound = word[0] in "aeiou" and not word.startswith(_A_EXCEPTIONS)
    vowel_sound = vowel_sound or word.startswith(_AN_EXCEPTIONS)
    if first.lower() == "a" and vowel_sound:
        return LanguageNote("article", f"{first} {second}", f"an {second}")
    if first.lower() == "an" and not vowel_sound and not second.isupper():
        return LanguageNote("article", f"{first} {second}", f"a {second}")
    return None


def language_notes(text: str, *, vocabulary: Iterable[str] = ()) -> list[LanguageNote]:
    """Notes on ``text``: misspelt words, doubled words, "a"/"an" and run-on sentences.

    Args:
        text: the answer (typed or transcribed).
        vocabulary: extra words to accept (e.g. the role script's terms).
    """
    words = _WORD.findall(text)
    known = _TRADE | {v.lower() for v in vocabulary}
    notes = _spelling(words, known)
    for first, second in pairwise(words):
        if first.lower() == second.lower() and first.lower() not in ("that", "had", "very"):
            notes.append(LanguageNote("repeated-word", f"{first} {second}", first))
        elif (note := _article(first, second)) is not None:
            notes.append(note)
    for sentence in _SENTENCE.findall(text):
        count = len(_WORD.findall(sentence))
        if count > RUN_ON_WORDS:
            start = " ".join(sentence.split()[:6])
            notes.append(LanguageNote("run-on", f"{start} …", f"split this {count}-word sentence"))
    return notes
