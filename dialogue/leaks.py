"""What the candidate must never hear from the recruiter: the rubric and the LLM's prompts.

Text is compared as runs of five words (lower case, letters, digits and apostrophes): a run of
five is long enough that an ordinary question does not share one with an anchor or a prompt by
chance, and short enough to catch a sentence read out with a word or two changed around it.
The figure is this project's choice, used since the first follow-up validation. A run counts
only when at least two of its words have four letters or more, so that plain English such as "at
the end of the", which a prompt and a fair question can both contain, is never called a leak.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from importlib import resources

__all__ = ["RUN_WORDS", "leaked_phrases", "prompt_phrases", "secret_phrases", "word_runs"]

RUN_WORDS = 5
_WORD = re.compile(r"[a-z0-9']+")


def word_runs(text: str, n: int = RUN_WORDS) -> set[tuple[str, ...]]:
    """Every run of ``n`` consecutive words of ``text`` (lower-cased)."""
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


@functools.cache
def prompt_phrases() -> frozenset[tuple[str, ...]]:
    """The five-word runs of every prompt the LLM is sent (``dialogue/prompts``)."""
    prompts = resources.files("dialogue").joinpath("prompts")
    texts = [p.read_text(encoding="utf-8") for p in prompts.iterdir() if p.name.endswith(".txt")]
    return frozenset().union(*(_telling(word_runs(t)) for t in texts))


def _telling(runs: set[tuple[str, ...]]) -> set[tuple[str, ...]]:
    """The runs with at least two words of four letters or more (see the module's docstring)."""
    return {run for run in runs if sum(len(word) >= 4 for word in run) >= 2}


def secret_phrases(texts: Iterable[str]) -> frozenset[tuple[str, ...]]:
    """The five-word runs of ``texts`` (a role's anchors, signals, notes on strong answers),
    each text on its own, and of the LLM's prompts."""
    return prompt_phrases().union(*(_telling(word_runs(t)) for t in texts))


def leaked_phrases(text: str, secrets: frozenset[tuple[str, ...]]) -> list[str]:
    """The runs of ``text`` found in ``secrets`` (see :func:`secret_phrases`), in order."""
    words = _WORD.findall(text.lower())
    runs = (tuple(words[i : i + RUN_WORDS]) for i in range(len(words) - RUN_WORDS + 1))
    return [" ".join(run) for run in runs if run in secrets]
