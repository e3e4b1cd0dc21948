"""Words Whisper wrote without hearing them: a silence phrase or a sentence after the speech."""

from __future__ import annotations

from perception.words import TimedWord

__all__ = ["without_invented_sentence", "without_unheard_tail"]

# What Whisper writes into the silence after speech when nothing was said there (widely
# reported on openai/whisper; seen here on 9 of 399 persona segments with the prompt above).
# Dropped only at the end of a segment and only when Whisper itself gave the phrase's first
# word a probability under _UNHEARD_P: a candidate who says "Thank you." keeps it (0.9+ here;
# the unheard ones were 0.00-0.06).
_SILENCE_PHRASES = (
    "thank you", "thanks", "thanks for watching", "thank you for watching",
    "thank you for listening", "thank you very much", "see you next time",
    "we'll see you next time",
)  # fmt: skip
_SILENCE_PHRASES_LONGEST_FIRST = sorted(
    _SILENCE_PHRASES, key=lambda p: len(p.split()), reverse=True
)
_UNHEARD_P = 0.1
# A sentence whose words average this probability or more was heard (said words score 0.8-1.0
# mostly in the persona runs; the invented sentences seen averaged 0.24).
_HEARD_MEAN_P = 0.5


def without_invented_sentence(words: list[TimedWord]) -> list[TimedWord]:
    """``words`` less a last sentence Whisper wrote after the speech without hearing it.

    Seen at the end of decoding windows: after "...on two other services." came "This is the
    first time I've ever seen it." with its first word at probability 0.01, a mean of 0.24 and
    most words with no duration. A last sentence is dropped when it follows a finished one, its
    first word is under ``_UNHEARD_P`` (0.1) and its mean is under ``_HEARD_MEAN_P`` (0.5).
    Returns ``words`` itself when nothing is dropped.
    """
    for i in range(len(words) - 1, 0, -1):
        if not words[i - 1].word.rstrip().endswith((".", "?", "!")):
            continue
        tail = words[i:]
        known = [w.probability for w in tail if w.probability is not None]
        first = tail[0].probability
        if (
            first is not None
            and first < _UNHEARD_P
            and len(known) == len(tail)
            and sum(known) / len(known) < _HEARD_MEAN_P
        ):
            return words[:i]
        return words  # only the last sentence is looked at
    return words


def without_unheard_tail(words: list[TimedWord]) -> list[TimedWord]:
    """``words`` less a trailing silence phrase ("Thank you.") Whisper wrote without hearing it.

    A phrase is unheard when Whisper gave its first word a probability under ``_UNHEARD_P``
    (0.1); one the candidate said keeps it. The longest phrase the words end with decides, and
    at most one phrase is dropped. Returns ``words`` itself when nothing is dropped.
    """
    for phrase in _SILENCE_PHRASES_LONGEST_FIRST:
        n = len(phrase.split())
        if len(words) < n:
            continue
        tail = words[-n:]
        said = " ".join(w.word.lower().strip(".,!?") for w in tail)
        if said == phrase:
            unheard = tail[0].probability is not None and tail[0].probability < _UNHEARD_P
            return words[:-n] if unheard else words
    return words
