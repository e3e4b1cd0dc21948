"""The short line that acknowledges an answer: prompt, validation of the LLM's reply, fallback."""

from __future__ import annotations

import re
from importlib import resources

__all__ = ["acknowledgement_messages", "fallback_acknowledgement", "validate_acknowledgement"]

_FALLBACKS = (
    "Thank you.",
    "Thanks, that's helpful.",
    "Okay, thank you for walking me through that.",
    "Got it, thanks.",
)

# Words that would leak an evaluation, the rubric or the prompt into the conversation.
_FORBIDDEN = re.compile(
    r"\b(score[sd]?|rating|rubric|grade[sd]?|points?|out of|instructions?|prompt|"
    r"language model|as an ai|excellent|perfect|impressive|great|good|nice|wonderful|"
    r"fantastic|amazing|awesome|brilliant|well done|"
    r"strong answer|weak|poor|wrong|incorrect|should|could have|make sure|remember to|"
    r"you need|try to|i recommend|i suggest)\b",
    re.IGNORECASE,
)
# The recruiter speaks to the candidate; a reply that narrates in the first person has taken the
# candidate's side (small models do this).
_NARRATES = re.compile(
    r"^\s*(i|we|my|our)\b(?!\s+(see|appreciate|understand|hear|like that))", re.I
)
_MARKUP = re.compile(r"[*#`_\[\]{}<>|~]|^\s*(\d+\.|-)\s", re.MULTILINE)
_EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")
_SENTENCE_END = re.compile(r"(?<=[.!])\s")
_WORD = re.compile(r"[a-z0-9']+")
# Talking about the candidate, or echoing the prompt, instead of talking to the candidate.
_META = re.compile(r"\b(candidate'?s?|recruiter|acknowledg\w*)\b", re.IGNORECASE)
_STOP = frozenset(
    "about after again also been before being could does doing from have having here into "
    "just like more most much only other over same some such than that their them then "
    "there these they this those very were what when where which while with would your "
    "yours thank thanks telling sharing walking through".split()
)
_ECHO_NGRAM = 8
_MIN_WORDS, _MAX_WORDS = 2, 25


def _prompt(name: str) -> str:
    return resources.files("dialogue").joinpath("prompts", name).read_text(encoding="utf-8")


def acknowledgement_messages(persona: str, question: str, answer: str) -> list[dict[str, str]]:
    """Build the chat messages that ask the LLM for a one-sentence acknowledgement."""
    # The system prompt and the worked example stay identical across turns, so the server can
    # reuse their cached prefix and only the new question and answer need processing.
    return [
        {"role": "system", "content": _prompt("acknowledge.txt").format(persona=persona)},
        {"role": "user", "content": _prompt("acknowledge_example_user.txt").strip()},
        {"role": "assistant", "content": _prompt("acknowledge_example_reply.txt").strip()},
        {
            "role": "user",
            "content": _prompt("acknowledge_user.txt").format(question=question, answer=answer),
        },
    ]


def fallback_acknowledgement(ordinal: int) -> str:
    """A scripted acknowledgement, varied by the answer's position in the interview."""
    return _FALLBACKS[(ordinal - 1) % len(_FALLBACKS)]


def _ngrams(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _content_words(words: list[str]) -> set[str]:
    return {w for w in words if len(w) >= 4 and w not in _STOP}


def validate_acknowledgement(reply: str, answer: str) -> str | None:
    """Return the sentence to speak, or None when the LLM's reply must not be used.

    Keeps the first sentence only; rejects questions, evaluations, advice, leaked instructions,
    talk about "the candidate", markup, emoji, replies too short or too long, long verbatim echoes
    of the answer, and generic replies that name nothing from the answer.
    """
    text = reply.strip().strip("\"'").strip()
    if not text:
        return None
    first = _SENTENCE_END.split(text, maxsplit=1)[0].strip()
    words = _WORD.findall(first.lower())
    if not (_MIN_WORDS <= len(words) <= _MAX_WORDS):
        return None
    if _NARRATES.search(first) or _META.search(first):
        return None
    if "?" in first or _FORBIDDEN.search(first) or _MARKUP.search(first) or _EMOJI.search(first):
        return None
    answer_words = _WORD.findall(answer.lower())
    if _ngrams(words, _ECHO_NGRAM) & _ngrams(answer_words, _ECHO_NGRAM):
        return None
    stems = {w[:4] for w in _content_words(answer_words)}
    if not any(w[:4] in stems for w in _content_words(words)):
        return None
    if first[-1] not in ".!":
        first += "."
    return first
