"""Deterministic scoring of answers against the rubric, with the evidence that justifies it.

Each answer is read sentence by sentence. A sentence that carries a part the question kind asks
for (situation, action, result, a measurable result, the candidate's own role, trade-offs,
depth) or one of the competency's signals becomes a quote that supports the competency; a
negative signal becomes a quote that contradicts it. The level (1-5) comes from how much of
the rubric the answer covers, and a level above 1 always has a quote behind it. Quotes are the
turn's own text, word for word, with times from its word timings. Same input, same output.

What the candidate says about the score ("give me a five") is not evidence of anything: only
the rubric's parts and signals count.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from dialogue import assess, strip_manipulation
from perception.words import TimedWord
from rubrics.models import Competency, Question, RoleScript

__all__ = ["AnswerScore", "CandidateTurn", "Quote", "ScoreSheet", "score_interview"]

SCORER = "rules-1"
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_TOKEN = re.compile(r"[a-z0-9']+")
_PART_LABEL = {
    "situation": "sets the situation",
    "task": "states the task",
    "action": "says what they did",
    "result": "gives the result",
    "measurable-outcome": "measurable result",
    "own-role": "their own role",
    "trade-offs": "weighs trade-offs",
    "depth": "technical depth",
}
_DETAIL = "enough detail"  # "depth" outside technical questions: a full, concrete answer
_KIND_PARTS = {
    "behavioural": ("situation", "action", "result", "measurable-outcome", "own-role"),
    "situational": ("action", "trade-offs", "result"),
    "technical": ("depth", "trade-offs", "action"),
}


@dataclass(frozen=True)
class CandidateTurn:
    """One stored candidate turn: its index, text, times and word timings (session seconds)."""

    index: int
    question_id: str | None
    text: str
    start_s: float
    end_s: float
    words: tuple[TimedWord, ...] = ()


@dataclass(frozen=True)
class Quote:
    """Words of one turn, verbatim, with when they were said."""

    text: str
    turn: int
    start_s: float
    end_s: float
    competency_id: str
    stance: str  # "supports" | "contradicts"
    signal: str


@dataclass(frozen=True)
class AnswerScore:
    """One question's answer, scored for one of its competencies."""

    question_id: str
    competency_id: str
    level: int
    rationale: str
    evidence: tuple[Quote, ...]


@dataclass(frozen=True)
class ScoreSheet:
    """All scores of an interview: per answer, per competency (mean), overall (weighted)."""

    answers: list[AnswerScore]
    competencies: dict[str, float]
    questions: dict[str, float]
    overall: float | None
    scorer: str = SCORER
    unanswered: list[str] = field(default_factory=list)


def _label(part: str, kind: str) -> str:
    return _DETAIL if part == "depth" and kind != "technical" else _PART_LABEL[part]


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def _sentences(turn: CandidateTurn) -> list[tuple[str, float, float]]:
    """The turn's sentences, verbatim, each with the time span of its words where they align."""
    words = [(_tokens(w.word), w) for w in turn.words]
    out: list[tuple[str, float, float]] = []
    cursor = 0
    for match in _SENTENCE.finditer(turn.text):
        sentence = match.group().strip()
        wanted = _tokens(sentence)
        if not wanted:
            continue
        start: float | None = None
        end: float | None = None
        # Walk the word timings forward, matching this sentence's first and last tokens.
        for i in range(cursor, len(words)):
            if words[i][0] and words[i][0][0] == wanted[0]:
                for j in range(i, len(words)):
                    if words[j][0] and words[j][0][-1] == wanted[-1]:
                        start, end = words[i][1].start_s, words[j][1].end_s
                        cursor = j + 1
                        break
                break
        if start is None or end is None:
            start, end = turn.start_s, turn.end_s  # not aligned: the whole turn's span
        out.append((sentence, float(start), float(end)))
    return out


def _answer(
    question: Question, competency: Competency, turns: Sequence[CandidateTurn], topic: str
) -> AnswerScore:
    # Sentences that try to talk the score up are not part of the answer.
    text = strip_manipulation(" ".join(t.text for t in turns))
    whole = assess(
        text, question=question.text, kind=question.kind,
        signals=competency.signals.positive, negative_signals=competency.signals.negative,
        topic=topic,
    )  # fmt: skip
    quotes: list[Quote] = []
    covered: set[str] = set()
    parts = _KIND_PARTS.get(question.kind, ("own-role", "depth"))
    for turn in turns:
        for sentence, start, end in _sentences(turn):
            if not strip_manipulation(sentence):
                continue
            low = sentence.lower()
            one = assess(sentence, question=question.text, kind=question.kind, topic=topic)
            found = [p for p in parts if one.present.get(p) and whole.present.get(p)]
            if not one.action:  # "I am great" is no evidence of a role in anything
                found = [p for p in found if p != "own-role"]
            found = [p for p in found if p not in covered and (p != "situation" or
                     question.kind == "behavioural")]  # fmt: skip
            signals = [s for s in competency.signals.positive if s.lower() in low]
            negatives = [s for s in competency.signals.negative if s.lower() in low]
            labels = [_label(p, question.kind) for p in found]
            for label in [*labels, *(f"signal: {s}" for s in signals)]:
                quotes.append(Quote(sentence, turn.index, start, end, competency.id,
                                    "supports", label))  # fmt: skip
            for s in negatives:
                quotes.append(Quote(sentence, turn.index, start, end, competency.id,
                                    "contradicts", f"negative signal: {s}"))  # fmt: skip
            covered.update(found)
    supports = [q for q in quotes if q.stance == "supports"]
    level = 1 + round(4 * whole.strength) if supports else 1
    level = max(1, min(5, level))
    anchor = competency.rubric.get(level, "")
    missing = [_label(p, question.kind) for p in parts if not whole.present.get(p)]
    rationale = f"Level {level}: {anchor}".strip()
    if missing:
        rationale += f" Missing: {', '.join(missing)}."
    return AnswerScore(question.id, competency.id, level, rationale, tuple(quotes))


def score_interview(role: RoleScript, turns: Sequence[CandidateTurn]) -> ScoreSheet:
    """Score every asked question's answer for each competency it measures.

    Args:
        role: the role script the interview ran (its rubric anchors and signals).
        turns: the candidate's turns, in order, each with the question it answers.
    """
    by_question: dict[str, list[CandidateTurn]] = {}
    for turn in turns:
        if turn.question_id is not None:
            by_question.setdefault(turn.question_id, []).append(turn)
    answers: list[AnswerScore] = []
    for question in role.questions:
        asked = by_question.get(question.id)
        if not asked:
            continue
        for cid in question.competencies:
            competency = role.competency(cid)
            topic = (
                f"{competency.name} {competency.description} {' '.join(competency.rubric.values())}"
            )
            answers.append(_answer(question, competency, asked, topic))
    competencies = {
        c.id: round(statistics.mean(a.level for a in answers if a.competency_id == c.id), 2)
        for c in role.competencies
        if any(a.competency_id == c.id for a in answers)
    }
    questions = {
        q: round(statistics.mean(a.level for a in answers if a.question_id == q), 2)
        for q in dict.fromkeys(a.question_id for a in answers)
    }
    weights = {c.id: c.weight for c in role.competencies}
    total = sum(weights[c] for c in competencies)
    overall = (
        round(sum(v * weights[c] for c, v in competencies.items()) / total, 2) if total else None
    )
    unanswered = [c.id for c in role.competencies if c.id not in competencies]
    return ScoreSheet(answers, competencies, questions, overall, unanswered=unanswered)
