"""Deterministic, fast assessment of an answer: which parts are there and which are missing.

Structure (situation, task, action, result), a measurable result, the candidate's own role,
trade-offs, technical depth, specificity, relevance to the question's competencies, and length.
It drives follow-ups and difficulty, never a score by itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from dialogue.actions import PAST, chain_length, chains, first_action
from dialogue.intents import holds_attempt

__all__ = ["Assessment", "assess"]

_WORD = re.compile(r"[a-z0-9']+")
_SENTENCE = re.compile(r"(?:[^.!?]|[.!?](?=\d))+[.!?]*")  # with its stop ("3.5" is no stop)
_SITUATION = re.compile(
    r"\b(when i was|at my (last|previous|old|current) (job|role|company|team)|last (year|month|"
    r"week|spring|summer|autumn|fall|winter|quarter)|in my (last|previous|current|first) (job|"
    r"role|position|team)|there was|we had|one time|once|a few (months|years|weeks) ago|"
    r"the situation|during my|while i was|at \w+ (ltd|inc)|a customer|a client|a colleague|"
    r"our team|on a project)\b"
)
_TASK = re.compile(
    r"\b(my (job|task|goal|role|responsibility) was|i was (responsible|asked|tasked|in charge)|"
    r"i (needed|had) to|the (goal|task|challenge|problem) was|we needed to|i wanted to)\b"
)
_ACTION = re.compile(
    rf"\b(i|i've|i'd) ({PAST}|"
    r"would|will|start|check|prioriti[sz]e|tell|ask|handle|call|look|explain|make)\b"
    # A plan in the first person ("I'd reply and ask...", "I'll pull...") is an action too.
    r"|\b(i'd|i would|i'll|i will) (?!say|think|like|love|guess|hope|be\b|have\b|probably|"
    r"just|always|never|really|try)[a-z]+"
)
_RESULT = re.compile(
    r"\b(as a result|in the end|turned out|the outcome|resulted|which meant|that meant|so that|"
    r"reduced|increased|improved|saved|received|finally|led to|success\w*|solved|resolved|"
    r"worked|fixed|delivered|launched|grew|dropped|cut|won|review|thanked|happy|satisf\w+)\b"
)
_MEASURE = re.compile(
    r"(\b\d+([.,]\d+)?\s*(%|percent|per cent|hours?|days?|weeks?|months?|minutes?|seconds?|"
    r"times|x\b|customers|users|people|tickets|calls|stars?|points|dollars|euros|pounds|k\b)|"
    r"[$€£]\s?\d|\b(twice|half|doubled|tripled|halved|five star|four star|one star|"
    r"(one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|fifty|hundred)\s+"
    r"(percent|hours|days|weeks|minutes|customers|users|people|tickets|calls|stars|times)))"
)
_TRADE_OFF = re.compile(
    r"\b(trade[- ]?offs?|trading|trade|on the other hand|instead of|rather than|versus|"
    r"the downside|downsides|"
    r"at the cost|cost of|pros and cons|alternatively|the risk|risks|balance|compromise|"
    r"depends on|it depends|but then|however)\b"
)
_DEPTH = re.compile(
    r"\b(o of|o\(|complexity|linear|logarithmic|quadratic|constant time|memory|cache|index|"
    r"hash|sort\w*|queue|heap|tree|graph|scale|scaling|throughput|latency|concurren\w+|"
    r"database|partition\w*|shard\w*|edge cases?|worst case|big o)\b"
)
_FIRST_PERSON = re.compile(r"\b(i|i'm|i've|i'd|i'll|me|my|myself)\b")
_COLLECTIVE = re.compile(r"\b(we|we're|we've|we'd|our|us|the team)\b")
_STOP = frozenset(
    "the a an and or but so to of in on at for with from by as is are was were be been it "
    "this that these those i we you they he she my our your their me us them what when how "
    "why which who would could should will can do did does have has had about there then "
    "just really very also like some any into out up down over more most".split()
)


@dataclass(frozen=True)
class Assessment:
    """What an answer contains, as measured from its words."""

    words: int
    situation: bool
    task: bool
    action: bool
    result: bool
    measurable: bool
    own_role: bool
    trade_offs: bool
    depth: bool
    specificity: float  # 0-1: numbers, names, concrete detail per word
    relevance: float  # 0-1: rubric signals and question words found
    negative_signals: int
    strength: float  # 0-1 overall, used for difficulty
    present: dict[str, bool] = field(default_factory=dict)

    def missing(self, gaps: list[str] | tuple[str, ...]) -> list[str]:
        """The gaps of ``gaps`` (in that order) this answer does not cover."""
        return [g for g in gaps if not self.present.get(g, True)]

    def detail(self) -> dict[str, Any]:
        """What a stored ``assessment`` event holds: strength, words, present and missing."""
        present = [k for k, v in self.present.items() if v]
        missing = [k for k, v in self.present.items() if not v]
        return {"strength": self.strength, "words": self.words, "present": present,
                "missing": missing}  # fmt: skip


def _stems(words: list[str]) -> set[str]:
    """Content words cut to four letters, so "helped", "helping" and "helps" meet."""
    return {w[:4] for w in words if len(w) > 3 and w not in _STOP}


def _chained_actions(text: str) -> int:
    """The first-person actions in ``text`` (lower case, one space between words) that
    ``_ACTION`` does not find: those that go on from one, across the recogniser's full stops
    (``dialogue.actions.chains``), and one told in the present tense that starts a chain
    ("last year i fix the build, and ship ...")."""
    sentences = [s for s in _SENTENCE.findall(text) if s.strip()]
    count = 0
    for group in chains(sentences, holds_attempt):
        joined = ", ".join(sentences[i].strip(" .!?") for i in group)
        first = first_action(joined)
        if first is not None:
            count += chain_length(joined) + (_ACTION.match(joined, first.start()) is None)
    return count


def assess(
    answer: str,
    *,
    question: str,
    kind: str,
    signals: list[str] | tuple[str, ...] = (),
    negative_signals: list[str] | tuple[str, ...] = (),
    topic: str = "",
) -> Assessment:
    """Assess ``answer`` to ``question`` (of ``kind``) against the competencies' signals.

    ``topic`` is more text about what the question is after (competency names, descriptions,
    anchors); sharing words with it or the question is what makes an answer relevant.
    """
    text = " ".join(answer.lower().split())
    words = _WORD.findall(text)
    n = len(words)
    mine = len(_FIRST_PERSON.findall(text))
    chained = _chained_actions(text)
    ours = len(_COLLECTIVE.findall(text))
    numbers = len(re.findall(r"\b\d", text))
    names = len(re.findall(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+", answer))
    specificity = min(
        1.0, (numbers * 2 + names + len(_MEASURE.findall(text)) * 2) / max(8.0, n / 6)
    )
    hits = sum(1 for s in signals if s.lower() in text)
    negatives = sum(1 for s in negative_signals if s.lower() in text)
    overlap = len(_stems(words) & _stems(_WORD.findall(f"{question} {topic}".lower())))
    relevance = min(1.0, (hits * 0.35) + (overlap * 0.1)) if n else 0.0
    present = {
        "situation": bool(_SITUATION.search(text)) or kind not in ("behavioural",),
        "task": bool(_TASK.search(text)) or bool(_SITUATION.search(text)),
        "action": bool(_ACTION.search(text)) or chained > 0,
        "result": bool(_RESULT.search(text)) or bool(_MEASURE.search(text)),
        "measurable-outcome": bool(_MEASURE.search(text)),
        # Two things the candidate says they did ("I led...", "I split...", or "I called him,
        # listened") show their own part even in a story full of "we" and "the team".
        "own-role": (mine >= 2 and mine >= ours) or len(_ACTION.findall(text)) + chained >= 2,
        "trade-offs": bool(_TRADE_OFF.search(text)),
        "depth": bool(_DEPTH.search(text)) if kind in ("technical", "coding") else n >= 60,
        # Motivation answers are about the candidate; only other kinds can be off topic.
        # Short answers can be on topic without sharing a word with it: judge longer ones only.
        "relevance": relevance > 0 or n < 20 or kind in ("motivation", "candidate-questions"),
    }
    if kind == "behavioural":
        parts = ["situation", "task", "action", "result", "measurable-outcome", "own-role"]
        weights = [0.15, 0.1, 0.2, 0.2, 0.2, 0.15]
    elif kind == "situational":
        parts, weights = ["action", "trade-offs", "result"], [0.45, 0.35, 0.2]
    elif kind in ("technical", "coding"):
        parts, weights = ["depth", "trade-offs", "action"], [0.45, 0.35, 0.2]
    else:
        parts, weights = ["own-role", "depth"], [0.5, 0.5]
    structure = sum(w for p, w in zip(parts, weights, strict=True) if present[p])
    length = min(1.0, n / 70)
    strength = 0.6 * structure + 0.15 * specificity + 0.15 * relevance + 0.1 * length
    strength -= 0.1 * negatives
    if n < 12:
        strength = min(strength, 0.2)
    return Assessment(
        words=n,
        situation=present["situation"],
        task=present["task"],
        action=present["action"],
        result=present["result"],
        measurable=present["measurable-outcome"],
        own_role=present["own-role"],
        trade_offs=present["trade-offs"],
        depth=present["depth"],
        specificity=round(specificity, 2),
        relevance=round(relevance, 2),
        negative_signals=negatives,
        strength=round(max(0.0, min(1.0, strength)), 2),
        present=present,
    )
