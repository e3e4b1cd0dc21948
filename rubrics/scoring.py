"""Deterministic scoring of answers against the rubric, with the evidence that justifies it.

Each answer is read sentence by sentence. A sentence that carries a part the question kind asks
for (situation, action, result, a measurable result, the candidate's own role, trade-offs,
depth) or one of the competency's signals, and that names a referent of its own (see
``rubrics.substance``: not the rubric's words, jargon or self-praise), becomes a quote that
supports the competency; a negative signal becomes a quote that contradicts it. The level (1-5)
comes from the parts shown in such sentences and the answer's specific detail, less jargon,
self-praise and hedging; a level above 1 always has a quote behind it. Quotes are the turn's
own text, word for word, with times from its word timings. Same input, same output.

What the candidate says about the score ("give me a five") is not evidence of anything: only
the rubric's parts and signals count.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from dialogue import assess
from rubrics.checks import content_words
from rubrics.models import Competency, Question, RoleScript
from rubrics.said import action_chains, spoken_sentences
from rubrics.substance import (
    UNSURE_BELOW,
    heard_unclearly,
    sentence_substance,
    stem,
    vocabulary,
)
from rubrics.turn import CandidateTurn

__all__ = [
    "NOT_ENOUGH_EVIDENCE",
    "AnswerScore",
    "CandidateTurn",
    "CodeOutcome",
    "Quote",
    "ScoreSheet",
    "code_level",
    "score_interview",
]

SCORER = "rules-5"
NOT_ENOUGH_EVIDENCE = "not enough evidence: nothing in the answer shows this competency"
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
    "coding": ("depth", "trade-offs", "action"),
}


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
    # True when the question does not measure this competency: the candidate showed it in
    # passing (a safety story told while answering about leading a shift). Counts towards the
    # competency's score, not the question's rating.
    credited: bool = False
    # Scored from the code of a coding question (its tests and growth), not from words.
    coded: bool = False
    # Languages of clauses of the answer not read (heard in another language): a person checks.
    other_language: tuple[str, ...] = ()
    # Sentences not read because the recogniser could not make them out: a person checks.
    unclear: int = 0

    @property
    def needs_review(self) -> bool:
        """Part of the answer was left out (another language, or not made out)."""
        return bool(self.other_language or self.unclear)


@dataclass(frozen=True)
class CodeOutcome:
    """How a coding question's code did (its best submit), as measured by the judge.

    ``as_expected``: the running time grew no faster than the problem expects (None: not
    measured); ``lint_findings``: on that submit (None: not linted); ``hints``: given on it."""

    passed: int
    total: int
    as_expected: bool | None = None
    lint_findings: int | None = None
    hints: int = 0


def code_level(outcome: CodeOutcome) -> tuple[int, str]:
    """The level (1-5) the code earns and why, on the coding round's scale: 1 no hidden test
    passed, 2 some, 3 all but slower than expected, 4 all and as fast as expected, 5 that with
    no linter finding and no hint."""
    tests = f"{outcome.passed} of {outcome.total} hidden tests passed"
    if outcome.total == 0 or outcome.passed == 0:
        return 1, f"The code: {tests}."
    if outcome.passed < outcome.total:
        return 2, f"The code: {tests}."
    if outcome.as_expected is False:
        return 3, f"The code: {tests}; its running time grew faster than expected."
    clean = outcome.lint_findings == 0 and outcome.hints == 0
    extra = "; no linter finding and no hint" if clean else ""
    return (5 if clean else 4), f"The code: {tests}; its running time grew as expected{extra}."


@dataclass(frozen=True)
class ScoreSheet:
    """All scores of an interview: per answer, per competency, overall (weighted by competency).

    A competency's score is the mean level of the answers to its questions; what other answers
    showed of it (``AnswerScore.credited``) stands in for an own answer that showed nothing; a
    question's rating is the mean over the competencies it measures. ``overall`` is None for a
    partial interview: when ``unanswered`` lists a competency none of whose questions was
    answered.
    """

    answers: list[AnswerScore]
    competencies: dict[str, float]
    questions: dict[str, float]
    overall: float | None
    scorer: str = SCORER
    unanswered: list[str] = field(default_factory=list)


def _label(part: str, kind: str) -> str:
    return _DETAIL if part == "depth" and kind not in ("technical", "coding") else _PART_LABEL[part]


_QUESTION = re.compile(
    r"^\s*(what|how|who|when|where|which|why|is|are|do|does|did|could|can|would|will|should)\b"
    r"|\b(i'd like to know|i'd love to (know|hear)|i was wondering|i wonder|(can|could) you tell "
    r"me|i'm curious)\b"
)
_WEIGHTS = {
    "behavioural": {"situation": 0.15, "action": 0.25, "result": 0.2, "measurable-outcome": 0.2,
                    "own-role": 0.2},
    "situational": {"action": 0.45, "trade-offs": 0.35, "result": 0.2},
    "technical": {"depth": 0.45, "trade-offs": 0.35, "action": 0.2},
    "coding": {"depth": 0.45, "trade-offs": 0.35, "action": 0.2},
}  # fmt: skip
_OTHER_WEIGHTS = {"own-role": 0.5, "depth": 0.5}
# Distinct specific words of a full answer: a concrete two-minute story has 20 or more.
_FULL_DETAIL = 20
# "Enough detail" outside technical questions: as many specific words as a short, concrete
# example has (one situation, one action, one result).
_ENOUGH_DETAIL = 10
# A technical sentence naming this many specific things (tables, keys, steps) shows depth.
_DEEP_SENTENCE = 4
_LATIN_TOKEN = re.compile(r"[a-z0-9']+")
# Stems of a competency's own words a sentence to another question must use to be credited to
# it: one shared word is chance ("customer"), two name what the competency is about.
_CREDIT_WORDS = 2
# What a sentence beside one shown in passing may add: the situation before, the result after.
_BEFORE = frozenset({"situation"})
_AFTER = frozenset({"result", "measurable-outcome"})
# Words of competency descriptions that say nothing about which competency it is.
_GENERIC_STEMS = frozenset(
    stem(w) for w in ("the", "and", "a", "an", "to", "of", "in", "on", "for", "with", "by",
                      "what", "when", "how", "why", "who", "their", "they", "them", "it", "is",
                      "are", "be", "or", "as", "at", "from", "that", "this", "candidate",
                      "answer", "work", "team", "people", "others", "clear", "clearly", "keeps",
                      "makes", "takes", "gives", "uses", "good", "well", "own", "way")
)  # fmt: skip


def _unsure(turn: CandidateTurn) -> frozenset[str]:
    return frozenset(
        t
        for w in turn.words
        if w.probability is not None and w.probability < UNSURE_BELOW
        for t in _LATIN_TOKEN.findall(w.word.lower())  # as rubrics.substance reads them
    )


def _answer(
    question: Question,
    competency: Competency,
    turns: Sequence[CandidateTurn],
    topic: str,
    only: Callable[[str], bool] | None = None,
) -> AnswerScore:
    """Score one answer: rubric parts and signals count only in sentences that say something.

    A part (situation, action, result...) or a signal found in a sentence with no referent of
    its own (see :mod:`rubrics.substance`) is not evidence; the level rests on how many parts
    are shown in specific sentences and on how much specific detail the answer gives, less
    jargon, self-praise and hedging; a sentence the recogniser mostly did not make out is not read
    (``heard_unclearly``). With ``only``, the sentences it rejects are left out (the
    part of another question's answer that shows this competency): only the sentences it
    accepts and their neighbours in the same turn are read.
    """
    rubric_words = vocabulary(
        [question.text, topic, *competency.signals.positive, *competency.signals.negative]
    )
    quotes: list[Quote] = []
    covered: set[str] = set()
    parts = _KIND_PARTS.get(question.kind, ("own-role", "depth"))
    weights = _WEIGHTS.get(question.kind, _OTHER_WEIGHTS)
    detail: set[str] = set()
    richest: tuple[int, Quote] | None = None  # the sentence with most specific words
    sentences = referents = jargon = content = praise = hedges = asked = unclear = 0
    other: set[str] = set()  # languages of clauses not read
    for turn in turns:
        unsure = _unsure(turn)
        # Each sentence less an attempt to manipulate the interviewer (gone when that is all it
        # was): the answer's words run into an attempt count, the attempt never does.
        said = spoken_sentences(turn.text, turn.words, turn.start_s, turn.end_s, turn.not_read)
        # Sentences the recogniser did not make out are not read (their place is kept empty).
        dropped = [heard_unclearly(one.words) for one in said]
        unclear += sum(dropped) if only is None else 0
        said = [s._replace(text="") if out else s for s, out in zip(said, dropped, strict=True)]
        other.update(span.label for span in turn.left_out)
        # Per sentence, what it may show: everything, or (beside a sentence that shows the
        # competency in passing) only the situation set just before it or the result just after.
        allowed: list[tuple[str, float, float, frozenset[str] | None]]
        if only is None:
            allowed = [(*one[:3], None) for one in said]
        else:
            shown = {i for i, one in enumerate(said) if one.text and only(one.text)}
            allowed = [
                (*one[:3], None if i in shown else _BEFORE if i + 1 in shown else _AFTER)
                for i, one in enumerate(said)
                if i in shown or i + 1 in shown or i - 1 in shown
            ]
        for sentence, start, end, context in allowed:
            if not sentence:
                continue
            sub = sentence_substance(sentence, rubric_words, unsure)
            if context is not None:
                # A neighbour: its situation or result, nothing else of it counts.
                if not sub.has_referent:
                    continue
                one = assess(sentence, question=question.text, kind=question.kind, topic=topic)
                for part in [p for p in parts if p in context and one.present.get(p)]:
                    if part not in covered:
                        quotes.append(Quote(sentence, turn.index, start, end, competency.id,
                                            "supports", _label(part, question.kind)))  # fmt: skip
                        covered.add(part)
                continue
            sentences += 1
            jargon += sub.jargon
            content += sub.content
            praise += sub.self_praise
            hedges += sub.hedges
            low = sentence.lower()
            negatives = [s for s in competency.signals.negative if s.lower() in low]
            for s in negatives:
                quotes.append(Quote(sentence, turn.index, start, end, competency.id,
                                    "contradicts", f"negative signal: {s}"))  # fmt: skip
            if not sub.has_referent:
                continue  # a claim without a referent is not evidence
            referents += 1
            detail.update(stem(w) for w in sub.specific)
            is_question = question.kind == "candidate-questions" and (
                sentence.rstrip().endswith("?") or bool(_QUESTION.search(low))
            )
            asked += is_question
            one = assess(sentence, question=question.text, kind=question.kind, topic=topic)
            found = [p for p in parts if one.present.get(p)]
            if "depth" in found and question.kind not in ("technical", "coding"):
                found.remove("depth")  # judged on the whole answer's detail below
            if question.kind in ("technical", "coding") and len(sub.specific) >= _DEEP_SENTENCE:
                found.append("depth")  # "join orders to customers on customer id..."
            if richest is None or len(sub.specific) > richest[0]:
                richest = (len(sub.specific), Quote(sentence, turn.index, start, end,
                           competency.id, "supports", _label("depth", question.kind)))  # fmt: skip
            if is_question:
                quotes.append(Quote(sentence, turn.index, start, end, competency.id,
                                    "supports", "asks a specific question"))  # fmt: skip
            if not one.action:  # "I am great" is no evidence of a role in anything
                found = [p for p in found if p != "own-role"]
            found = [p for p in found if p not in covered and (p != "situation" or
                     question.kind == "behavioural")]  # fmt: skip
            signals = [s for s in competency.signals.positive if s.lower() in low]
            labels = [_label(p, question.kind) for p in found]
            for label in [*labels, *(f"signal: {s}" for s in signals)]:
                quotes.append(Quote(sentence, turn.index, start, end, competency.id,
                                    "supports", label))  # fmt: skip
            covered.update(found)
        # A chain of the candidate's actions the recogniser broke into sentences ("I called
        # him the same day." "Listen, apologize." "And ship to replacement...") shows them too.
        for chain in action_chains(turn.text, said) if only is None else []:
            wanted = [p for p in ("action", "own-role") if p in parts and p not in covered]
            if not wanted or not sentence_substance(chain.text, rubric_words, unsure).has_referent:
                continue
            one = assess(chain.text, question=question.text, kind=question.kind, topic=topic)
            chained = [p for p in wanted if one.present.get(p) and one.action]
            quotes += [Quote(chain.text, turn.index, chain.start_s, chain.end_s, competency.id,
                             "supports", _label(p, question.kind)) for p in chained]  # fmt: skip
            covered.update(chained)
    if "depth" in parts and "depth" not in covered and len(detail) >= _ENOUGH_DETAIL:
        covered.add("depth")
        if richest is not None:
            quotes.append(richest[1])
    if question.kind == "candidate-questions":
        covered.update(["own-role"] if asked else [])
    structure = sum(weights.get(p, 0.0) for p in covered)
    strength = (
        0.45 * structure
        + 0.4 * min(1.0, len(detail) / _FULL_DETAIL)
        + 0.15 * min(1.0, referents / 3)
        - 0.6 * max(0.0, jargon / max(content, 1) - 0.2)
        - 0.3 * (praise + hedges) / max(sentences, 1)
    )
    supports = [q for q in quotes if q.stance == "supports"]
    level = 1 + round(4 * max(0.0, min(1.0, strength))) if supports else 1
    missing = [_label(p, question.kind) for p in parts if p not in covered]
    # The why of a level is what the quoted words showed, never the rubric's anchor (which says
    # what a level means, and may name things this answer never said).
    showed = list(dict.fromkeys(q.signal for q in supports))
    against = list(dict.fromkeys(q.signal for q in quotes if q.stance == "contradicts"))
    if quotes:
        rationale = f"Level {level}:"
        rationale += f" shown: {', '.join(showed)}." if showed else ""
        rationale += f" Against: {', '.join(against)}." if against else ""
    else:
        # The lowest anchor describes an answer that shows the opposite (a quote contradicts
        # the competency); an answer that shows nothing is not described by it.
        rationale = f"Level {level}: {NOT_ENOUGH_EVIDENCE}."
    if missing:
        rationale += f" Missing: {', '.join(missing)}."
    if other:
        rationale += f" Not read: speech in another language ({', '.join(sorted(other))})."
    if unclear:
        rationale += f" Not read: {unclear} sentence(s) the recogniser could not make out."
    return AnswerScore(
        question.id, competency.id, level, rationale, tuple(quotes), credited=only is not None,
        other_language=tuple(sorted(other)), unclear=unclear,
    )  # fmt: skip


def _topic(competency: Competency) -> str:
    return f"{competency.name} {competency.description} {' '.join(competency.rubric.values())}"


def _shows(competency: Competency, question: Question, role: RoleScript) -> Callable[[str], bool]:
    """Whether a sentence said to ``question`` shows ``competency``, which it does not measure.

    It does when it contains one of the competency's signals as whole words (positive or
    negative, as the role's author wrote them) or at least ``_CREDIT_WORDS`` (2) content-word
    stems of the competency's own name, description and signals that neither the question nor
    the competencies it measures use (function words and question frames never count, see
    ``rubrics.checks.content_words``): "a forklift was reversing without a spotter, so I stopped
    the work and reported the near miss" shows "stops unsafe work, reports near misses" whatever
    question it answered.
    """
    own = content_words(
        " ".join([competency.name, competency.description, *competency.signals.positive,
                  *competency.signals.negative])
    )  # fmt: skip
    theirs = content_words(
        " ".join([question.text, *(_topic(role.competency(c)) for c in question.competencies)])
    )
    distinctive = set(own) - set(theirs) - _GENERIC_STEMS
    signals = [
        re.compile(rf"(?<![a-z0-9']){re.escape(s.lower())}(?![a-z0-9'])")
        for s in (*competency.signals.positive, *competency.signals.negative)
    ]

    def shows(sentence: str) -> bool:
        low = sentence.lower()
        if any(s.search(low) for s in signals):
            return True
        return len(set(content_words(sentence)) & distinctive) >= _CREDIT_WORDS

    return shows


def _competency_level(cid: str, answers: Sequence[AnswerScore]) -> float | None:
    """The mean level of the competency's own answers, None when it has none and none credited.

    What was shown in passing stands in only where the own answers showed nothing (an answer
    with no quote, or a question never answered): it fills a gap in the evidence, it does not
    outvote what the candidate said when asked, and stuffing other answers with a competency's
    words cannot raise a score the own answers earned.
    """
    own = [a for a in answers if a.competency_id == cid and not a.credited]
    credited = [a.level for a in answers if a.competency_id == cid and a.credited]
    best = max(credited, default=None)
    if best is None:
        levels = [a.level for a in own]
    else:
        levels = [a.level if a.evidence or a.coded else best for a in own] or [best]
    return round(statistics.mean(levels), 2) if levels else None


def score_interview(
    role: RoleScript, turns: Sequence[CandidateTurn], code: Mapping[str, CodeOutcome] | None = None
) -> ScoreSheet:
    """Score every asked question's answer for each competency it measures.

    Args:
        role: the role script the interview ran (its rubric anchors and signals).
        turns: the candidate's turns, in order, each with the question it answers.
        code: by coding question id, how its code did: the question's first competency is
            scored from the code (``code_level``), the others from what was said.
    """
    code = code or {}
    by_question: dict[str, list[CandidateTurn]] = {}
    for turn in turns:
        if turn.question_id is not None:
            by_question.setdefault(turn.question_id, []).append(turn)
    answers: list[AnswerScore] = []
    for question in role.questions:
        asked = by_question.get(question.id)
        outcome = code.get(question.id) if question.kind == "coding" else None
        if outcome is not None:
            rated, why = code_level(outcome)
            answers.append(AnswerScore(question.id, question.competencies[0], rated, why, (),
                                       coded=True))  # fmt: skip
        if not asked:
            continue
        for cid in question.competencies[1 if outcome is not None else 0 :]:
            competency = role.competency(cid)
            answers.append(_answer(question, competency, asked, _topic(competency)))
        for competency in role.competencies:
            if competency.id in question.competencies:
                continue
            shows = _shows(competency, question, role)
            # Read as an answer to the competency's own question (its kind decides which parts
            # count), filed under the question it was said to.
            lens = next((q for q in role.questions if competency.id in q.competencies), question)
            credited = _answer(lens, competency, asked, _topic(competency), only=shows)
            if credited.evidence:
                answers.append(replace(credited, question_id=question.id))
    competencies = {
        c.id: level for c in role.competencies if (level := _competency_level(c.id, answers))
    }
    own = [a for a in answers if not a.credited]
    questions = {
        q: round(statistics.mean(a.level for a in own if a.question_id == q), 2)
        for q in dict.fromkeys(a.question_id for a in own)
    }
    weights = {c.id: c.weight for c in role.competencies}
    total = sum(weights[c] for c in competencies)
    # A competency none of whose questions was answered makes the interview partial, whatever
    # it showed in passing.
    unanswered = [c.id for c in role.competencies if not any(a.competency_id == c.id for a in own)]
    # A partial interview has no overall: a mean over the competencies it reached would read
    # as a verdict on all of them.
    overall = (
        round(sum(v * weights[c] for c, v in competencies.items()) / total, 2)
        if total and not unanswered
        else None
    )
    return ScoreSheet(answers, competencies, questions, overall, unanswered=unanswered)
