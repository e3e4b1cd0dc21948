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
_PLACEHOLDER = re.compile(r"\{\w+\}")


def _runs(words: list[str]) -> list[tuple[str, ...]]:
    return [tuple(words[i : i + RUN_WORDS]) for i in range(len(words) - RUN_WORDS + 1)]


def word_runs(text: str) -> set[tuple[str, ...]]:
    """Every run of ``RUN_WORDS`` consecutive words of ``text`` (lower-cased)."""
    return set(_runs(_WORD.findall(text.lower())))


def _telling(runs: set[tuple[str, ...]]) -> set[tuple[str, ...]]:
    """The runs with at least two words of four letters or more (see the module's docstring)."""
    return {run for run in runs if sum(len(word) >= 4 for word in run) >= 2}


@functools.cache
def prompt_phrases() -> frozenset[tuple[str, ...]]:
    """The five-word runs of the instructions the LLM is sent (``dialogue/prompts``); not of
    the worked example in them, whose made-up answer a fair question may echo."""
    prompts = resources.files("dialogue").joinpath("prompts")
    texts = [
        piece  # the text between placeholders ("{answer}"): no run spans one
        for p in prompts.iterdir()
        if p.name.endswith(".txt") and "_example_" not in p.name
        for piece in _PLACEHOLDER.split(p.read_text(encoding="utf-8"))
    ]
    return frozenset().union(*(_telling(word_runs(t)) for t in texts))


def secret_phrases(texts: Iterable[str]) -> frozenset[tuple[str, ...]]:
    """The five-word runs of ``texts`` and of the LLM's prompts. For a role, ``texts`` is its
    plan's ``rubric_text`` (``rubrics.plan_for``: anchors, signals, descriptions and notes on
    strong answers, a line each; a run across two lines is kept too, which only adds runs)."""
    return prompt_phrases().union(*(_telling(word_runs(t)) for t in texts))


def leaked_phrases(text: str, secrets: frozenset[tuple[str, ...]]) -> list[str]:
    """The runs of ``text`` found in ``secrets`` (see :func:`secret_phrases`), in order."""
    return [" ".join(run) for run in _runs(_WORD.findall(text.lower())) if run in secrets]
