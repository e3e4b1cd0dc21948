"""Which topic of a role an interviewer's own words ask about, and which follow-up they make.

An interviewer in practice asks in their own words, not the script's. A question is matched to
the role's questions (and to common off-script topics) by meaning (sentence vectors,
``recruiter_coaching.meaning``), with TF-IDF over character n-grams of its content words
(scikit-learn) as a second opinion and as the fallback when the sentence model is not
installed; a question that matches no topic well and asks for more on the one being
discussed is a follow-up, whose kind (result, own part, numbers, what they would do
differently, why, more detail) comes from the words that interview-training guides use for each
probe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from recruiter_coaching.meaning import shipped_encoder

__all__ = [
    "PROBES",
    "TopicMatch",
    "TopicMatcher",
    "follows_up",
    "own_words",
    "points_back",
    "probe_kind",
    "probe_kinds",
]

# The follow-ups a persona answers, in the order they are tested: a numbers probe ("how much
# did it improve?") is tested before a result probe, a why before own part ("Why did you choose
# to do it that way?").
PROBES = ("numbers", "result", "differently", "why", "own-part", "detail")
_PROBE_WORDS = {
    "numbers": r"how (?:many|much|long|often|big|quickly|fast)|quantif|number|percent|figure"
    r"|metric|measur",
    "result": r"outcome|result|turn(?:ed)? out|end(?:ed)? up|in the end"
    r"|happen(?:ed)? (?:next|then|after)|impact|effect|how did (?:it|that|things) (?:go|end)"
    r"|resolved?|what came of|did it work|success",
    "differently": r"differently|learn|again|hindsight|looking back|change anything|improve on"
    r"|next time|mistake",
    "own-part": r"you personally|your (?:own )?(?:role|part|contribution|responsibilit)"
    r"|you yourself|what did you (?:do|say|try)|you specifically|\byou\b.{0,20}\bdo\b|who did",
    "why": r"\bwhy\b|reason|what made you|how did you (?:decide|choose|know)|rationale|motivat",
    "detail": r"more|example|go on|elaborate|expand|detail|specific|walk me|what else|such as",
}
# Each probe's words begin a word ("more", not "moreover"; "learn" and "learnt").
_PROBE_RE = {
    kind: re.compile(rf"\b(?:{words})", re.IGNORECASE) for kind, words in _PROBE_WORDS.items()
}
# A question with this few words of its own (beside its probe and framing words) asks about what
# was just said ("And then?", "How many customers was that?", "What was the outcome for her?").
_OWN_WORDS = 1
# Score (``TopicMatcher``) a question needs with a topic to be about it. Set on the demo role's
# practice file: questions in other words than its phrasings scored 0.38-0.71 with their topic,
# unrelated ones ("What's your favourite film?") 0.14 or less
# (tests/unit/test_practice_candidate.py).
MIN_SIMILARITY = 0.25
# A question with words of its own is about another topic when it matches that topic at least
# ``MIN_SIMILARITY`` and by this much more than the topic being discussed (the demo role's
# paraphrases beat the next topic by 0.15 or more; tests/unit/test_practice_candidate.py).
_NEW_TOPIC_MARGIN = 0.1
# A question pointing back at what was just said ("that", "it", "the whole time") or naming a
# probe moves to another topic only when it matches it this closely (and by the margin):
# "When lots of customers complained at once, how did you handle that?" scored 0.36 with its
# topic on the demo role's own wording; "Any numbers on that, like how satisfaction changed?"
# 0.29 with an unrelated one.
_POINTED_NEW_TOPIC_SIMILARITY = 0.35
# ... and one with almost no words of its own ("Okay, and why is that, for the other
# customer?", 0.38 with the motivation question) only when it is nearly that topic's wording.
_POINTED_FEW_WORDS_SIMILARITY = 0.6
_POINTS_BACK = re.compile(
    r"\b(?:it|that|them|they|those|the whole time|the other|afterwards|so you|you said"
    r"|you mentioned)\b",
    re.IGNORECASE,
)
# With no topics to match against, a question pointing back follows up only when it has this
# few words of its own ("You stayed calm the whole time?"; not "When lots of customers
# complained at once, how did you handle that?").
_POINTED_OWN_WORDS = 3


def probe_kinds(question: str) -> set[str]:
    """Every follow-up ``question`` makes (keys of ``PROBES``; "What did you do, and how did it
    end?" makes two); empty when its words name none."""
    return {kind for kind in PROBES if _PROBE_RE[kind].search(question)}


def probe_kind(question: str) -> str | None:
    """The first follow-up ``question`` makes, in ``PROBES`` order, or None when it names none."""
    return next((kind for kind in PROBES if _PROBE_RE[kind].search(question)), None)


# Words a question cannot lose: "not good at" asks the opposite of "good at".
_KEPT = frozenset({"not", "no", "never", "least", "worst", "best", "most"})
# Words that frame any question ("tell me", "would you say", "do you like") and name no topic.
_FRAMING = frozenset(
    "like tell describe think say really just ever example walk talk kind sort bit little maybe"
    " okay ok right actually um uh so".split()
)
_STOP_WORDS = (ENGLISH_STOP_WORDS | _FRAMING) - _KEPT


def _content(text: str) -> str:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return " ".join(w for w in words if w not in _STOP_WORDS)


def _words(text: str) -> str:
    """What is matched: the content words, or every word when there are none ("Tell me about
    yourself.")."""
    return _content(text) or text.lower()


@dataclass(frozen=True)
class TopicMatch:
    """The topic a question is about (None: no topic is close) and its cosine similarity, 0-1."""

    topic: str | None
    similarity: float


@dataclass(frozen=True)
class _Scale:
    """The scores a decision needs, on one matcher's scale (``MIN_SIMILARITY`` and the
    ``_POINTED_*`` figures above say what each is for)."""

    least: float
    pointed: float
    few_words: float


_WORDS_SCALE = _Scale(MIN_SIMILARITY, _POINTED_NEW_TOPIC_SIMILARITY, _POINTED_FEW_WORDS_SIMILARITY)
# The same on the sentence model's scale, set on the practice files' phrasings, each left out in
# turn (bench.coaching): the right topic scored 0.46 or more nine times in ten, small talk
# ("How was your journey in?", "Can you hear me okay?") 0.44 or less against the demo role.
_MEANING_SCALE = _Scale(0.45, 0.55, 0.75)
# By meaning, the least a topic needs when the words pick it too (``TopicMatcher.match``).
_MEANING_WITH_WORDS = 0.3


class TopicMatcher:
    """Match a question to one of ``phrasings``: topic id -> ways of asking about it.

    With the sentence model (``meaning.shipped_encoder``, the default when it is installed), a
    topic's score is the mean of two cosines of sentence vectors: with the mean of the topic's
    phrasings and with its closest phrasing. Without it, the same two over TF-IDF character
    n-grams of the content words (IDF taken across topics, so words every topic shares weigh
    little). The first alone let what two topics share decide; the second alone let a short
    phrasing win ("Why do you want this job?" over "why do you want to leave your job?").
    On the practice files' other phrasings, each left out in turn, 300 of 375 found their
    question by meaning and 241 by words alone; against the script's wording alone, 247 and 200
    (``bench/results/coaching.md``).

    ``meaning``: False matches by words alone.

    Raises:
        ValueError: no phrasings.
    """

    def __init__(self, phrasings: dict[str, list[str]], *, meaning: bool = True) -> None:
        self._names = [topic for topic, texts in phrasings.items() if texts]
        if not self._names:
            raise ValueError("no topic phrasings to match questions against")
        self._owner = np.array([i for i, n in enumerate(self._names) for _ in phrasings[n]])
        texts = [t for n in self._names for t in phrasings[n]]
        self._encoder = shipped_encoder() if meaning else None
        self.scale = _MEANING_SCALE if self._encoder else _WORDS_SCALE
        if self._encoder is not None:
            self._vectors = self._encoder.encode_all(texts)
            centres = np.stack([self._vectors[self._owner == i].mean(axis=0)
                                for i in range(len(self._names))])  # fmt: skip
            self._centres = centres / np.linalg.norm(centres, axis=1, keepdims=True)
        documents = [" ".join(_words(t) for t in phrasings[n]) for n in self._names]
        self._vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True
        )
        self._documents = self._vectorizer.fit_transform(documents)
        self._phrasings = self._vectorizer.transform([_words(t) for t in texts])

    def similarities(self, question: str) -> dict[str, float]:
        """Each topic's score for ``question``, about 0-1 (a cosine): by meaning when the
        sentence model is there, else by words."""
        return self._meaning(question) if self._encoder is not None else self._by_words(question)

    def _scores(self, whole: np.ndarray, each: np.ndarray) -> dict[str, float]:
        closest = np.full(len(self._names), -1.0)
        np.maximum.at(closest, self._owner, each)
        return {n: float((whole[i] + closest[i]) / 2) for i, n in enumerate(self._names)}

    def _meaning(self, question: str) -> dict[str, float]:
        assert self._encoder is not None
        asked = self._encoder.encode(question)
        return self._scores(self._centres @ asked, self._vectors @ asked)

    def _by_words(self, question: str) -> dict[str, float]:
        vector = self._vectorizer.transform([_words(question)]).T
        # Rows are L2-normalised by TfidfVectorizer, so the dot product is the cosine.
        whole = np.asarray((self._documents @ vector).todense()).ravel()
        each = np.asarray((self._phrasings @ vector).todense()).ravel()
        return self._scores(whole, each)

    def match(self, question: str) -> TopicMatch:
        """The closest topic to ``question``, if it is close enough (``scale.least``; by
        meaning, a topic the words also pick needs only ``_MEANING_WITH_WORDS``: "So what
        draws you to this kind of work?" scored 0.38 against "... what draws you to customer
        support?")."""
        scores = self.similarities(question)
        best = max(scores, key=scores.__getitem__)
        score = scores[best]
        if score >= self.scale.least:
            return TopicMatch(best, score)
        if self._encoder is not None and score >= _MEANING_WITH_WORDS:
            words = self._by_words(question)
            if max(words, key=words.__getitem__) == best and words[best] >= MIN_SIMILARITY:
                return TopicMatch(best, score)
        return TopicMatch(None, score)

    def is_follow_up(self, question: str, match: TopicMatch, current: str | None) -> bool:
        """Whether ``question`` asks more about ``current`` rather than a new topic: it asks the
        same topic again, has almost no words of its own ("Why?", "How many was that?"), or
        points back at what was said or names a probe without matching another topic closely;
        a question closer to another topic by ``_NEW_TOPIC_MARGIN`` moves on."""
        if current is None:
            return False
        if match.topic == current:
            return True
        own = own_words(question)
        # A probe's words point back only in a short question: "Have you ever built a machine
        # learning model?" has "learn" in it and asks something new.
        pointed = points_back(question) or (
            probe_kind(question) is not None and len(own) <= _POINTED_OWN_WORDS
        )
        if match.topic is not None:
            scores = self.similarities(question)
            clear = match.similarity - scores.get(current, 0.0) >= _NEW_TOPIC_MARGIN
            # A probe or a pointer back moves on only on a close match ("How many customers was
            # that?" stays; "When lots complained at once, how did you handle that?" moves on).
            need = self.scale.least
            if pointed:
                few = len(own) <= _OWN_WORDS
                need = self.scale.few_words if few else self.scale.pointed
            if clear and match.similarity >= need:
                return False
        if len(own) <= _OWN_WORDS:
            return True
        return pointed and match.similarity < self.scale.pointed


def own_words(question: str) -> list[str]:
    """The words of ``question`` that are neither probe, framing nor stop words: what it asks
    about beyond what was just said."""
    rest = question
    for pattern in _PROBE_RE.values():
        rest = pattern.sub(" ", rest)
    return _content(rest).split()


def follows_up(question: str) -> bool:
    """Whether ``question``, with no role's topics to match it against, asks about what was
    just said: almost no words of its own, or a few and a word pointing back."""
    own = len(own_words(question))
    return own <= _OWN_WORDS or (own <= _POINTED_OWN_WORDS and bool(_POINTS_BACK.search(question)))


def points_back(question: str) -> bool:
    """Whether ``question`` asks about what was just said: it has at most ``_OWN_WORDS`` words
    of its own, or points back at it ("that", "it", "so you")."""
    return len(own_words(question)) <= _OWN_WORDS or bool(_POINTS_BACK.search(question))
