"""Follow-ups: which gap to probe, how to ask the LLM to phrase it, and what may be asked."""

from __future__ import annotations

import re
from importlib import resources

from dialogue.leaks import leaked_phrases, secret_phrases

__all__ = [
    "GAP_DESCRIPTIONS",
    "choose_gap",
    "fallback_follow_up",
    "follow_up_messages",
    "validate_follow_up",
]

GAP_DESCRIPTIONS = {
    "situation": "the situation or context they were in",
    "task": "what they were responsible for or trying to achieve",
    "action": "what they actually did, step by step",
    "result": "how it turned out in the end",
    "measurable-outcome": "a number or measure that shows the outcome",
    "own-role": "what they personally did, as opposed to the team",
    "trade-offs": "the trade-offs or alternatives they weighed",
    "depth": "more technical depth: how it works and why",
}

_FALLBACKS = {
    "situation": "Could you set the scene a little: where were you working, and what was going on?",
    "task": "What exactly were you responsible for in that situation?",
    "action": "What did you do, step by step?",
    "result": "How did it turn out in the end?",
    "measurable-outcome": "Can you put a number on the outcome, like time saved or people helped?",
    "own-role": "What was your own part in that, as opposed to the team's?",
    "trade-offs": "What else could you have done instead, and what would you give up with it?",
    "depth": "Could you say a bit more about that, with a concrete example?",
}

# A follow-up must be about the gap it was asked for.
_ABOUT = {
    "situation": r"situation|context|where|when|going on|background|happen|scene",
    "task": r"responsib|goal|task|role|expect|asked|trying|aim",
    "action": r"what did you (actually |really )?do|steps?|how did you|approach|what you did|"
    r"actions?|do next|handle",
    "result": r"turn out|turned out|result|outcome|end|happen|after|impact|effect|resolv|fix|"
    r"solv|work out|worked out|change",
    "measurable-outcome": r"number|measur|how many|how much|percent|time|metric|quantif|"
    r"figure|data|how long|how fast|size|ratio|rate\b",
    "own-role": r"you personally|your (own )?(role|part|contribution)|you yourself|did you|"
    r"were you|your responsib",
    "trade-offs": r"trade|alternative|instead|option|downside|cost|give up|choos|chose|why not|"
    r"risk|compare|pros|cons|versus|prefer",
    "depth": r"how|why|work|detail|explain|deeper|specific|exactly|complex|scale|memory|example",
}
_FORBIDDEN = re.compile(
    r"\b(score[sd]?|rating|rubric|grade[sd]?|points?|instructions?|prompt|language model|"
    r"as an ai|excellent|great|good answer|perfect|impressive|weak|poor|wrong|incorrect|"
    r"candidate'?s?|recruiter)\b",
    re.IGNORECASE,
)
# The LLM answered the request instead of asking the candidate (each seen in
# bench/results/spoken_injection.json, passing the other checks, or a near kin of one).
_META = re.compile(
    "|".join((
        # an assent: the lead-in before a follow-up has acknowledged already
        r"^\W*(sure|certainly|of course|absolutely|okay|ok|alright|all right|got it|"
        r"no problem|happy to|here'?s|here is)(?![\w-])",
        r"^\W*(you (could|might|can|should) ask|i('d| would) ask|ask (them|the))\b",  # advice
        r"^\W*[\w'-]+\s*:(?!\d)|\b(ask|asking|questions?|follow[- ]?up)\s*:",  # "You:"; 9:30
        r"^\W*(you|question|follow[- ]?up( question)?)\s*[-\u2013\u2014]\s",  # "You - ..."
        # the follow-up speaking of itself, and the prompt's terms
        r"\b(my|here'?s a|a good|one more)\s+follow[- ]?up\b|\bas a follow[- ]?up question\b",
        r"\bfollow[- ]?up questions? (for|about) (the candidate|you|more|their|the missing)\b",
        r"\bmissing part of (your|their|the) (answer|story|response)\b",
        r"\b(your|the|kind of|about( more)?)\s+technical depth\b|\bhow it works and why\?$",
    )),
    re.IGNORECASE,
)  # fmt: skip
# Curly quotes and apostrophes made straight, as the checks read them.
_STRAIGHT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_MARKUP = re.compile(r"[*#`_\[\]{}<>|~]|^\s*(\d+\.|-)\s", re.MULTILINE)
_WORD = re.compile(r"[a-z0-9']+")
_MAX_WORDS = 30
_SIMILAR = 0.6


def _prompt(name: str) -> str:
    return resources.files("dialogue").joinpath("prompts", name).read_text(encoding="utf-8")


def choose_gap(missing: list[str], probed: tuple[str, ...]) -> str | None:
    """The most important missing gap not probed yet (``missing`` is in priority order)."""
    return next((g for g in missing if g not in probed), None)


def follow_up_messages(persona: str, gap: str, question: str, answer: str) -> list[dict[str, str]]:
    """Chat messages asking the LLM to phrase one follow-up about ``gap``."""
    # The system prompt is the same for every request and the gap comes last, so the server
    # reuses its cached prefix (system prompt, question, the answer so far) between requests.
    system = _prompt("follow_up.txt").format(persona=persona)
    user = _prompt("follow_up_user.txt").format(
        question=question, answer=answer[-1500:], gap_description=GAP_DESCRIPTIONS[gap]
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def fallback_follow_up(gap: str, scripted: dict[str, str]) -> str:
    """The role's scripted follow-up for ``gap``, else a generic one."""
    return scripted.get(gap) or _FALLBACKS[gap]


def _similar(a: str, b: str) -> bool:
    wa, wb = set(_WORD.findall(a.lower())), set(_WORD.findall(b.lower()))
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= _SIMILAR


def validate_follow_up(
    reply: str, *, gap: str, asked: tuple[str, ...] | list[str], rubric_text: str = ""
) -> str | None:
    """The follow-up to ask, or None: one short question about ``gap``, new, nothing leaked.

    Rejects: no question or more than one, too long, markup, evaluation or rubric words, a
    reply to the request rather than a question to the candidate ("Sure! ...", "You could
    ask: ...", the prompt's terms), a question about something other than the gap, text that
    repeats a question already asked, and five-word runs copied from the rubric or from the
    LLM's prompts (``dialogue.leaks``).
    """
    text = " ".join(reply.translate(_STRAIGHT).strip().strip("\"'").split())
    if not text or text.count("?") != 1 or not text.endswith("?"):
        return None
    words = _WORD.findall(text.lower())
    if not (4 <= len(words) <= _MAX_WORDS):
        return None
    if _FORBIDDEN.search(text) or _MARKUP.search(text) or _META.search(text):
        return None
    if not re.search(_ABOUT[gap], text.lower()):
        return None
    if any(_similar(text, earlier) for earlier in asked):
        return None
    if leaked_phrases(text, secret_phrases([rubric_text])):
        return None
    return text
