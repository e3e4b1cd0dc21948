"""The short line that acknowledges an answer, and the lead-in before a follow-up.

The flow chooses both from what the answer contained (no LLM on the way to the first word of a
reply); ``acknowledgement_messages`` and ``validate_acknowledgement`` remain for measuring how
well a model phrases acknowledgements (``bench/llm_validation.py``).
"""

from __future__ import annotations

import re
from importlib import resources

__all__ = [
    "ACKNOWLEDGEMENTS",
    "LEAD_INS",
    "acknowledgement_messages",
    "choose_acknowledgement",
    "choose_lead_in",
    "validate_acknowledgement",
]

# What the recruiter says after an answer, by what the answer contained. Each line names what
# the candidate did (told a story, explained an approach, weighed options), never how well:
# the same lines serve practice and exam mode.
ACKNOWLEDGEMENTS: dict[str, tuple[str, ...]] = {
    "story": (
        "Thanks for walking me through that example.",
        "Thank you for taking me through what happened.",
        "Okay, thanks for sharing that experience.",
    ),
    "outcome": (
        "Thank you for telling me how that turned out.",
        "Thanks, so that's how it ended up.",
    ),
    "trade-offs": (
        "Thanks for talking through the options you weighed.",
        "Okay, thank you for laying out the choices there.",
    ),
    "approach": (
        "Thanks for talking me through how you'd handle that.",
        "Okay, thank you for explaining your approach.",
    ),
    "motivation": (
        "Thanks for telling me what draws you to this.",
        "Thank you, that gives me a sense of what you're looking for.",
    ),
    "brief": ("Okay, thank you.", "Got it, thanks.", "Alright, thank you."),
}
# Said at once before a follow-up question, so the reply starts while the follow-up is phrased.
LEAD_INS = ("I see.", "Okay.", "Mm-hm.", "Right.")
_BRIEF_WORDS = 25

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


def _acknowledgement_kind(kind: str, present: dict[str, bool], words: int) -> str:
    if words < _BRIEF_WORDS:
        return "brief"
    if kind == "motivation":
        return "motivation"
    if present.get("trade-offs") and kind in ("situational", "technical", "coding"):
        return "trade-offs"
    if kind in ("situational", "technical", "coding"):
        return "approach"
    if present.get("situation") and present.get("action"):
        return "outcome" if present.get("measurable-outcome") else "story"
    return "brief"


def choose_acknowledgement(
    kind: str, present: dict[str, bool], words: int, said: tuple[str, ...] | list[str]
) -> str:
    """The acknowledgement for an answer to a question of ``kind``.

    Args:
        kind: the question's kind (behavioural, situational, technical, motivation, ...).
        present: what the answer contains, from ``Assessment.present``.
        words: the answer's length in words (under 25: a brief "Okay, thank you.").
        said: acknowledgements already spoken in this interview, most recent last; a line
            not used yet is preferred, and the last one is never repeated.
    """
    lines = ACKNOWLEDGEMENTS[_acknowledgement_kind(kind, present, words)]
    unused = [line for line in lines if line not in said]
    if unused:
        return unused[0]
    last = said[-1] if said else None
    return next(line for line in lines if line != last) if len(lines) > 1 else lines[0]


def choose_lead_in(follow_ups_asked: int) -> str:
    """A short lead-in before the ``follow_ups_asked``-th follow-up (from 0), varied in turn."""
    return LEAD_INS[follow_ups_asked % len(LEAD_INS)]


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
