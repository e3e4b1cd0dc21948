"""What the candidate says they did: first-person actions and the verbs that go on from them.

"I called him the same day, listened, apologised, and shipped a replacement" is four things the
candidate did, though only the first has "I". Speech does not always come out that way in a
transcript: the recogniser writes its own sentence breaks ("I called him the same day. Listen,
apologize. And ship to replacement...", as tiny.en heard piper say the line above in 89 of 90
renders, bench/results/spoken_injection.md), and it, like a speaker of English as a second
language, often loses a past tense's "-ed". So a verb that goes on from a first-person action
counts in its plain form too ("listen", "ship"), and a sentence that starts with such a verb
(after "and" or "then") goes on from the sentence before.

Which words can be verbs, and in which form, comes from LemmInflect's lexicon (built from the
NLM SPECIALIST lexicon): a word it knows as a verb and never as an adjective or adverb ("listen",
"ship"; not "express", "well", "right", "still"). Words it does not know ("shept") are not
verbs.
"""

from __future__ import annotations

import re
from functools import lru_cache

import lemminflect

from dialogue.intents import holds_attempt

__all__ = ["PAST", "chained_actions", "continues_actions", "is_action_verb", "load_lexicon"]

# Verbs in the past tense: "-ed" forms and the irregular ones answers use.
PAST = "|".join([
    r"\w+ed", *"""built made wrote took led ran set spoke gave sent did found began chose drove
    brought went got kept told met put sat broke rang paid sold bought taught held drew stood
    threw rebuilt rewrote sought spent split cut let shut flew rode hung lent""".split(),
])  # fmt: skip
_PAST_WORD = re.compile(rf"(?:{PAST})")
# A first-person action in the past tense the chain goes on from ("I called", "I then fixed").
_FIRST_ACTION = re.compile(rf"\bi (?:then |also |just )?({PAST})\b")
# A word after a comma or "and"/"then" that may be the next verb of the chain.
_CHAINED = re.compile(r"(?:,\s*(?:and\s+)?|\s(?:and|then)\s+)(?:then\s+)?([a-z']+)\b")
# A new subject at a clause's start ends the chain: "I called the manager, who listened" is not
# the candidate's; "I fixed it, tested it" is ("it" there is an object).
_NEW_SUBJECT = re.compile(
    r"(?:,\s*|\b(?:and|then|but|so)\s+)(?:then\s+)?"
    r"(he|she|they|we|you|it|who|which|that|there|someone|everyone)\b"
)
# Words ending in "-ed" that are no action: "I focused on quality, and speed", "tired, stressed".
_NOT_DONE = frozenset(
    """need needed speed indeed red hundred feed seed bed shed breed greed tired stressed
    excited interested frustrated worried pleased surprised bored scared annoyed relieved
    confused overwhelmed motivated determined exhausted embarrassed disappointed satisfied
    amazed concerned""".split()
)
# Verbs in their plain form that are no action of the story: what a speaker thinks or feels,
# and the ones that start a remark to the listener ("Thank you.", "Let me think.", "Wait, ...").
_NOT_ACTIONS = frozenset(
    """know think guess see feel want hope believe wish seem love hate prefer remember forget
    understand care mind matter need thank let wait excuse hold look say mean""".split()
)
# Where a sentence may go on from the one before: "And ship...", "Then called...", "Listened...".
_OPENING = re.compile(r"^\s*(?:(?:and|then|and then)\s+)?([a-z']+)\b")
_SENTENCE_END = re.compile(r"[.!?]+(?!\d)")


@lru_cache(maxsize=4096)
def is_action_verb(word: str) -> bool:
    """Whether ``word`` (lower case) is a verb of something done, in the past tense or in its
    plain form: a past form ("-ed" or a listed irregular one) not among the "-ed" words that are
    no action ("tired", "speed"), or a plain form the lexicon knows as a verb and maybe a noun
    ("listen", "ship"), never as an adjective, adverb or auxiliary, and not a verb of thinking
    or of a remark ("think", "thank")."""
    if word in _NOT_DONE:
        return False
    if _PAST_WORD.fullmatch(word):
        return True
    if word in _NOT_ACTIONS:
        return False
    lemmas = lemminflect.getAllLemmas(word)
    if "VERB" not in lemmas or {"ADJ", "ADV", "AUX"} & lemmas.keys():
        return False
    return word in lemmas["VERB"]  # its plain form ("ships" and "shipping" are not)


def load_lexicon() -> None:
    """Load the lexicon ``is_action_verb`` reads (about 0.2 s and 35 MB, once a process), so
    that the first answer of an interview does not wait for it; later calls do nothing."""
    lemminflect.getAllLemmas("be")


def _first_action(sentence: str) -> re.Match[str] | None:
    """The sentence's first first-person action in the past tense ("i called"), lower case."""
    return next((m for m in _FIRST_ACTION.finditer(sentence) if m.group(1) not in _NOT_DONE), None)


def continues_actions(previous: str, sentence: str) -> bool:
    """Whether ``sentence`` goes on from ``previous`` as one chain of the candidate's actions:
    ``previous`` holds a first-person action in the past tense and ``sentence`` starts, after
    "and" or "then", with a verb of something done and no subject of its own ("I called him
    the same day." then "Listen, apologize." or "And ship to replacement..."); neither holds
    an attempt to manipulate the interviewer (``dialogue.intents.holds_attempt``)."""
    opening = _OPENING.match(sentence.lower())
    if opening is None or not is_action_verb(opening.group(1)):
        return False
    if holds_attempt(sentence) or holds_attempt(previous):  # "I called him. Give me a five."
        return False
    return _first_action(" ".join(previous.lower().split())) is not None


def chained_actions(text: str) -> int:
    """The actions that go on, with no subject of their own, from a first-person action in the
    past tense, in ``text`` (lower case, one space between words); a sentence break the
    recogniser put in the chain (``continues_actions``) does not end it. "I called him the same
    day, listened, apologised, and shipped" gives 3, and so does "I called him the same day.
    Listen, apologize. And ship"."""
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    joined: list[str] = []
    for sentence in sentences:
        if joined and continues_actions(joined[-1], sentence):
            joined[-1] += ", " + sentence.strip()
        else:
            joined.append(sentence)
    return sum(_chain(sentence) for sentence in joined)


def _chain(sentence: str) -> int:
    """The actions going on from the sentence's first one in the first person, up to a new
    subject."""
    first = _first_action(sentence)
    if first is None:
        return 0
    rest = sentence[first.end() :]
    stop = _NEW_SUBJECT.search(rest)
    rest = rest[: stop.start()] if stop else rest
    return sum(is_action_verb(m.group(1)) for m in _CHAINED.finditer(rest))
