"""What kind of question an interviewer asked: open or closed, leading, multi-part, protected topic.

Rules over the words of one interviewer turn, as interview-training guides describe the kinds:

- **open** invites an explanation or a story (what, how, why, "tell me", "walk me through",
  "describe", and "can you describe..." whose answer is the description); **closed** is answered
  with yes or no, a number, a name or a choice (do you, have you, are you, which, how many,
  when, where, and a statement ending in "right?");
- **leading** puts the wanted answer in the question: a negative question ("Don't you think"),
  a tag ("..., right?"), an assumption ("I assume you", "surely", "you must have") or an
  option praised inside the question ("Wouldn't it be better to");
- **multi-part** asks two or more distinct questions in one turn (two question marks, or a
  second interrogative clause after "and", "also", a dash: "What did you do, and why?"); a
  lead-in, options joined by "or", a tag ("..., would you say?") and a question begun again or
  put another way ("sorry, how long...", "like, how would that work?") are one question;
- **protected topic**: see ``recruiter_coaching.protected`` (rules, with what to ask instead),
  and where they find none, the learned reader ``recruiter_coaching.protected_model``, which
  catches the euphemisms rules over words miss ("Sorry, is it Miss or Mrs? Just for the
  paperwork."). Figures: ``bench/results/coaching.md`` (``python -m bench.coaching``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from recruiter_coaching.meaning import shipped_encoder
from recruiter_coaching.protected import PROTECTED_TOPICS, protected_topic
from recruiter_coaching.protected_model import ProtectedModel, shipped_model
from recruiter_coaching.topics import probe_kinds

__all__ = ["PROTECTED_TOPICS", "QuestionKind", "classify_question"]


@dataclass(frozen=True)
class QuestionKind:
    """The kind of one interviewer turn.

    ``form``: "open" when any of its questions is open, else "closed"; ``leading`` and
    ``multi_part`` as the module says; ``protected``: a key of ``PROTECTED_TOPICS`` or None;
    ``instead``: what to ask in its place (empty when nothing is protected); ``questions``:
    the question clauses found; ``protected_by``: "rules" (a plain form), "model" (the learned
    reader alone: possible, for a human to check) or None.
    """

    form: str
    leading: bool
    multi_part: bool
    protected: str | None
    instead: str
    questions: int
    protected_by: str | None = None


_OPEN_VERB = (
    r"tell|describe|walk|talk|explain|share|give (?:me|us)|take (?:me|us)|run (?:me|us)"
    r"|outline|elaborate|expand|paint|think of|recall|remember a|go through|go over|say more"
    r"|help me understand|sell|pitch|convince|persuade|show me"
    r"|where (?:do|would|did|will) you (?:\w+ )?(?:start|begin|draw|see yourself|stand|go from"
    r"|look(?: first)?)"
)
_OPEN_START = re.compile(
    rf"^(?:what(?! (?:year|time|date|day|age|is your (?:notice|salary|current title)))"
    rf"|how(?! (?:many|much|long|old|often|soon|far|big)\b)|why|in what way|to what extent"
    rf"|{_OPEN_VERB})\b"
)
_CONTINUE = re.compile(
    r"^(?:and )?(?:then|what then|then what|how come|why not|such as|like what)$"
)
_POLITE_OPEN = re.compile(
    rf"^(?:can|could|would|will) you (?:please |just |briefly |quickly )?(?:{_OPEN_VERB})\b"
    rf"|^(?:kindly|please) (?:{_OPEN_VERB})\b"
    r"|^(?:i'd|i would|i'd really) (?:like|love) (?:you )?to (?:hear|know|understand)"
    rf"|^(?:i'm|i am) (?:curious|interested|keen) (?:to hear |to know |about |in |how |what |why )"
    rf"|^(?:let's|lets) (?:talk|go|start|hear)|^(?:say|tell) (?:me|us)\b"
)
# Questions for a fact, a name or a rating, though they start as open ones do.
_FACT = re.compile(
    r"^what(?:'s| is| are| was| were) (?:your|the) (?:\w+ ){0,3}(?:quota|salary|expectations?"
    r"|rate|number|title|notice period|notice|handle time|target|gpa|grade|budget|score"
    r"|availability|start date|commute|revenue|size|heritage|nationality|religion|background"
    r"|surname|name|good name)\b|^what (?:level|grade|band|size|colour|color) is\b"
    r"|^how (?:quickly|fast)\b|^what (?:sort of |kind of )?(?:salary|pay|money|nationality|religion"
    r"|background|heritage)\b|^(?:would|could) you describe yourself as\b"
    r"|^what \w+ is (?:that|it|this)\b|^what \w+ (?:do|did) you (?:go to|attend|belong to"
    r"|support|speak|drive)\b|^how would you rate\b"
)
_CLOSED_START = re.compile(
    r"^(?:do|does|did|are|is|was|were|have|has|had|can|could|will|would|should|shall|may"
    r"|might|must|am|don't|doesn't|didn't|aren't|isn't|wasn't|weren't|haven't|hasn't"
    r"|won't|wouldn't|can't|couldn't|shouldn't|which|who|whom|whose|when|where"
    r"|how (?:many|much|long|old|often|soon|far|big)|what (?:year|time|date|day|age))\b"
)
_AUX = (
    r"do|does|did|are|is|was|were|have|has|had|can|could|will|would|should|shall|may|might"
    r"|must|am|'s|'re|'d|'ll|of|kind|sort|type"
)
_NEGATIVE_AUX = (
    r"don't|doesn't|didn't|wouldn't|isn't|aren't|wasn't|weren't|shouldn't|won't|can't"
    r"|couldn't|haven't|hasn't"
)
_LEADING = re.compile(
    rf"^(?:{_NEGATIVE_AUX})\b"  # "Isn't agile the only sensible way...?"
    r"|\bour (?:brilliant|fantastic|amazing|excellent|great|lovely|award-winning)\b"
    r"|(?:,|^)\s*(?:right|correct|yes|yeah|no|abi|eh|lah|innit|na|ya|isn't it|aren't you|don't you"
    r"|didn't you|wouldn't"
    r" you|won't you|can't you|surely|true|agreed|ok|okay)\s*$"
    r"|, (?:would|wouldn't|could|couldn't|is|isn't|was|wasn't|do|don't|did|didn't|will|won't"
    r"|can|can't|are|aren't|have|haven't|should|shouldn't) (?:it|you|they|we|that|there|he"
    r"|she)\s*$"  # a tag: "..., would it?"
    r"|\b(?:you'd|you would|wouldn't you|would you) agree\b|\bagree that\b"
    r"|\bi (?:assume|presume|take it|imagine|bet|guess|expect|suppose|trust)(?: that)? you"
    r"|\bi'd (?:imagine|think|guess|say)\s*$|\b(?:is|was|are) clearly\b|\bi take it\s*$"
    r"|\bi'm (?:sure|guessing|assuming|certain)\b|\bi am (?:sure|assuming)\b"
    r"|\bi know (?:you|you'll|you've|you're|you'd)\b"
    r"|\bsurely\b|\bpresumably\b|\bobviously\b|\bof course you\b|\bclearly you\b"
    r"|(?<!have )(?<!do )(?<!did )(?<!are )(?<!were )(?<!would )(?<!will )(?<!can )(?<!could )"
    r"\byou (?:must|must've|must have|probably|always|never|certainly|definitely)\b"
    r"|\b(?:that|it|this) must (?:have|'ve) been\b|\bmust have been\b"
    r"|\b(?:wouldn't|isn't|won't) (?:it|that) be (?:better|best|easier|smarter|wiser)\b"
    r"|\b(?:better|best|smartest|right) (?:way|thing|approach) (?:is|would be|was)\b"
    r"|\byou're (?:comfortable|happy|fine|ok|okay|good|a team player|someone who)\b"
    r"|\byou'd be (?:happy|comfortable|fine|willing|ok|okay)\b"
    r"|\bas (?:a|an|such a) (?:strong|great|good|natural|excellent|experienced|brilliant"
    r"|seasoned|talented)\b|\bhow great\b|\bhow much did you enjoy\b"
    r"|\bwhat did you love\b|\bhow excited\b"
)
# A clause that asks: a question word ("when", "where", "which", "who" with an auxiliary after
# them: "when you're debugging" is not one), an auxiliary and its subject, or an open verb.
_CLAUSE_START = re.compile(
    rf"^(?:what|how|why|(?:where|when)(?:'s| (?:{_AUX}))|(?:which|whose)(?: \w+){{0,2}} (?:{_AUX})"
    r"|who(?:'s| (?!you\b|i\b|we\b|they\b|he\b|she\b)\w+)"
    r"|(?:do|does|did|have|has|had|can|could|will|would|should) \w+"
    r"|(?:are|is|was|were) (?:you|we|they|it|that|there|he|she|i)(?!')"
    r"|tell|describe|walk|explain|talk|give (?:me|us)|share|kindly)\b"
)
# Where a second question can be joined on ("or" joins the options of one question).
_JOINERS = re.compile(
    r",? (?:and|and also|also|plus|but|then|and then|as well as) |; |, |\s+[\u2014\u2013-]+\s+"
)
_LEADS_IN = re.compile(
    r"^(?:(?:so|then|and|if so|if not|also|plus|erm|um|uh|er)[,]?\s+|[\u2014\u2013-]+\s*)+"
)
# Words that take back or restate what came before: "Were you, um, sorry, how long were you
# there?", "Why us? Like, what pulled you here?"
_RESTATES = re.compile(r"^(?:sorry|i mean|or rather|rather|like|let me put it|in other words)\b")
_TAKES_BACK = re.compile(r"^(?:sorry|or rather)\b")
# A clarifying pick after a question: "how long were you there, was it two years or three?"
_CLARIFIES = re.compile(r"^(?:was|is|were|are) (?:it|that|they) (?:\w+ ){0,3}or\b")
# A tag after a question is not another question: "..., would you say?", "..., was it?"
_TAG = re.compile(
    r"^(?:would|do|did|does|is|was|are|were|will|can|could|have|has|had|isn't|wasn't|aren't"
    r"|don't|didn't|won't|wouldn't|can't|haven't)(?:n't)? (?:you|it|they|that|there|he|she|we)"
    r"(?: (?:say|think|reckon|reckon so|agree))?$"
)
# Sentences that set a scene for the question after them ("Picture this: ...").
_SCENE = re.compile(r"^(?:picture|imagine|suppose|say|let's say)\b")
_FILLERS = re.compile(
    r"^(?:(?:so|okay|ok|right|alright|all right|well|now|and|um|uh|er|great|good|thanks|"
    r"thank you|cool|sure|perfect|lovely|nice|yeah|yes|mm|hmm|next|moving on)[,.!]?\s+)+"
)


def _clauses(text: str) -> list[str]:
    """The question clauses of a turn: each sentence that asks, split where a second
    interrogative clause is joined on ("What did you do, and why?"). What comes before the
    first clause of a sentence is its lead-in ("Just out of curiosity, how old are you?"); a
    short question following one, with no question word of its own, goes with it ("You're
    healthy, right? No back problems?")."""
    sentences = [s.strip() for s in re.split(r"(?<=[?.!])\s+", text) if s.strip()]
    found: list[str] = []
    for sentence in sentences:
        asking = sentence.endswith("?")
        body = _FILLERS.sub("", sentence.rstrip("?.! ").strip())
        if not body:
            continue
        clauses: list[str] = []
        if found and _RESTATES.match(body):
            continue  # the question before, put another way
        restating = False
        for part in (p.strip() for p in _JOINERS.split(body)):
            part = _LEADS_IN.sub("", part)
            if part in ("like", "i mean", "in other words") and clauses and asking:
                restating = part != "i mean" or restating
                if part == "i mean" and len(clauses) >= 2:
                    clauses.pop()  # the question before, put another way
                continue
            if _TAKES_BACK.match(part):
                clauses = []  # what came before it in the sentence was taken back
                part = _TAKES_BACK.sub("", part).strip(" ,")
            if clauses and (_TAG.match(part) or _CLARIFIES.match(part)):
                continue
            short = len(clauses[-1].split()) <= 4 if clauses else False
            if short and " ".join(part.split()[:2]) == " ".join(clauses[-1].split()[:2]):
                clauses.pop()  # begun again: "would you be, ah, would you be happy..."
            if not asking and (found or _SCENE.match(body)):
                break  # a bid after a question restates it ("...? Just talk me through it.")
            if not asking:  # a statement asks only where it bids ("...and walk me through")
                part = re.sub(r"^(?:just|now|please|kindly|maybe|perhaps|also) ", "", part)
                if _OPEN_START.match(part) or _POLITE_OPEN.match(part):
                    clauses.append(part)
            elif part in ("why", "how") or (_CLAUSE_START.match(part) and len(part.split()) >= 2):
                if restating:  # "...? like, how would that work?": the same question again
                    clauses.pop()
                    restating = False
                clauses.append(part)
        if not clauses and asking:  # a statement asked as a question ("You're happy with it?")
            if found:
                continue  # goes with the question before it
            clauses = [body]
        found += clauses
    return found


def _form(clause: str) -> str:
    if _FACT.match(clause):
        return "closed"
    if _POLITE_OPEN.match(clause) or _OPEN_START.match(clause) or _CONTINUE.match(clause):
        return "open"
    return "closed"  # a yes/no, choice or fact question, or a statement asked as one


def classify_question(text: str, *, learned: ProtectedModel | bool = True) -> QuestionKind:
    """The kind of the interviewer turn ``text`` (one or more sentences, as spoken).

    ``learned``: the learned reader of protected topics consulted when the rules find none
    (True: the shipped one, ``protected_model.shipped_model``; a model: that one; False: the
    rules alone, which flag fewer lawful questions and miss more euphemisms).

    Raises nothing: a turn with no question in it is one closed, plain "question" (a statement
    the candidate answers), so that every turn gets a kind.
    """
    lowered = " ".join(text.lower().replace("\u2019", "'").split())
    clauses = _clauses(lowered) or [_FILLERS.sub("", lowered.rstrip("?.! "))]
    protected = protected_topic(lowered)
    by = "rules" if protected else None
    if protected is None and learned is not False:
        protected = (shipped_model() if learned is True else learned).topic(text)
        by = "model" if protected else None
    asked = [_FILLERS.sub("", x.rstrip("?! ")) for x in re.split(r"(?<=[?.!])\s+", lowered)
             if x.endswith("?")]  # fmt: skip
    leading = any(_LEADING.search(c) for c in [*clauses, *asked])
    return QuestionKind(
        form="open" if any(_form(c) == "open" for c in clauses) else "closed",
        leading=leading,
        # A question put again in a sentence of its own says one thing ("why teaching, why now
        # and why this school" joined in one sentence asks three).
        multi_part=len(clauses) >= 2 and not (len(asked) == len(clauses) and _restated(clauses)),
        protected=protected,
        instead=PROTECTED_TOPICS[protected] if protected else "",
        questions=len(clauses),
        protected_by=by,
    )


# Cosine of sentence vectors (``meaning``) from which two clauses naming the same kind of probe
# say one thing: "and how did that end up" and "what was the outcome" 0.50; "what did you do"
# and "how did it end" 0.40, "how many customers" and "how long did it take" 0.12.
_RESTATED = 0.45


def _restated(clauses: list[str]) -> bool:
    """Whether the clauses are one follow-up put more than one way ("And how did that end up?
    What was the outcome?"): the same kind of probe, and close in meaning."""
    kinds = [probe_kinds(c) for c in clauses]
    encoder = shipped_encoder()
    if encoder is None or not all(k and k == kinds[0] for k in kinds):
        return False
    first, *rest = encoder.encode_all(clauses)
    return all(float(first @ other) >= _RESTATED for other in rest)
