"""Thinking time: does the candidate's speech so far sound unfinished (thinking aloud, or a
dangling word), and how long may they stay silent before the recruiter prompts them?"""

from __future__ import annotations

import re

from dialogue.state import InterviewState

__all__ = ["silence_wait_s", "sounds_unfinished", "too_short_for"]

_THINKING = (
    "let me think", "let me see", "give me a second", "give me a moment", "good question",
    "hmm", "hm", "um", "uh", "er", "so", "well", "okay so", "how do i put this", "where do i start",
)  # fmt: skip
# Words a finished sentence rarely ends on.
_DANGLING = {
    "and", "but", "or", "so", "because", "the", "a", "an", "to", "of", "with", "for", "in",
    "on", "at", "that", "which", "was", "were", "is", "are", "my", "our", "their", "then",
    "if", "when", "while", "like", "about", "into", "from", "by", "as", "i", "we",
}  # fmt: skip
# Words and numbers: "dropped by 30%." ends on "30", not on the dangling "by".
_TOKEN = re.compile(r"[a-z0-9']+")


def sounds_unfinished(transcript: str) -> bool:
    """True when ``transcript`` ends in a thinking phrase or a word a sentence rarely ends on."""
    text = transcript.strip().lower()
    if not text:
        return False
    if text.endswith(("...", "…", ",", "-", "—")):
        return True
    words = _TOKEN.findall(text)
    if not words:
        return False
    tail = " ".join(words[-5:])
    if any(tail == p or tail.endswith(" " + p) for p in _THINKING):
        return True
    return words[-1] in _DANGLING


# Fewer words than this cannot be a whole answer to a question that asks for a story, a plan
# or an approach ("A customer was angry about a wrong bill." is where such answers begin).
_THINKING_LONGEST_FIRST = sorted(_THINKING, key=len, reverse=True)
_STORY_KINDS = ("behavioural", "situational", "technical")
_SHORTEST_ANSWER = 12


def too_short_for(kind: str, answer: str) -> bool:
    """True when ``answer`` is too short to be a finished answer to a question of ``kind``.

    A pause after it is more likely thinking than an end, so the turn is held longer.
    """
    if kind not in _STORY_KINDS:
        return False
    # Thinking aloud ("Hmm, good question.") is not part of the answer's length.
    text = " " + " ".join(_TOKEN.findall(answer.lower())) + " "
    for phrase in _THINKING_LONGEST_FIRST:
        text = text.replace(f" {phrase} ", " ")
    return len(text.split()) < _SHORTEST_ANSWER


_THINKING_FACTOR = 1.5
_MAX_SILENCE_S = 30.0


def silence_wait_s(state: InterviewState, base_s: float) -> float:
    """How long the candidate may stay silent before the flow gets a ``Silence`` event.

    Thinking time scales with the question: ``base_s`` for an easy two-minute question, plus
    2 s per difficulty level above 1 and 1 s per minute of the question's time limit above two;
    half as long again on the first question after an opening that told the candidate there is
    no rush. Later prompts (the question repeated) wait ``base_s``.

    Args:
        state: the flow's state while it waits for an answer.
        base_s: the shortest wait, in seconds (``TurnSettings.silence_prompt_s``).

    Returns:
        Seconds, at most 30.
    """
    if state.current is None or state.silence_prompts > 0:
        return base_s
    question = state.plan.question(state.current)
    wait = base_s + 2.0 * max(0, question.difficulty - 1)
    wait += max(0.0, (question.time_limit_s - 120) / 60.0)
    first = len(state.records) == 1
    if first and "no rush" in state.plan.opening.lower():
        wait *= _THINKING_FACTOR
    return min(wait, _MAX_SILENCE_S)
