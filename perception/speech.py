"""How an answer was spoken, from its word timings: pace, pauses, fillers, hedges, repeats.

Pure functions over ``TimedWord`` sequences (seconds). Each measurement comes
with a confidence: a value from too little speech says so instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from itertools import pairwise
from typing import Any

from perception.words import TimedWord

__all__ = ["SpeechMeasures", "measure_speech"]

PAUSE_S = 0.25  # a gap between words at least this long is a pause
LONG_PAUSE_S = 2.0
_FILLERS = ("um", "umm", "uh", "uhm", "er", "erm", "hmm", "ah")
_FILLER_PHRASES = ("you know", "i mean", "basically")
# "like" is a filler only between commas or after a filler; as a verb or preposition it is not.
_LIKE_FILLER = re.compile(r"(^|[,.]\s*|\b(um|uh|so|and)\s+)like\s*,")
_HEDGES = (
    "i think", "maybe", "kind of", "sort of", "probably", "i guess", "perhaps", "i believe",
    "possibly", "somewhat", "i suppose", "not sure",
)  # fmt: skip
_TOKEN = re.compile(r"[a-z']+")


@dataclass(frozen=True)
class SpeechMeasures:
    """Measurements of one answer (or a whole session)."""

    words: int
    duration_s: float
    words_per_minute: float | None
    articulation_rate: float | None  # words per minute of speaking time, pauses excluded
    pauses: int
    pause_total_s: float
    longest_pause_s: float
    pauses_over_2s: int
    long_pause_total_s: float  # the pauses over 2 s together (thinking time)
    fillers: int
    fillers_per_100_words: float | None
    hedges: int
    hedges_per_100_words: float | None
    repeated_words: int
    speaking_share: float | None
    response_latency_s: float | None
    confidence: float  # 0-1, from the amount of speech measured

    def as_dict(self) -> dict[str, Any]:
        """The measurements as plain data (for JSON and storage)."""
        return asdict(self)


def _count_phrases(text: str, phrases: Sequence[str]) -> int:
    return sum(len(re.findall(rf"\b{re.escape(p)}\b", text)) for p in phrases)


def measure_speech(
    words: Sequence[TimedWord],
    *,
    transcript: str | None = None,
    question_end_s: float | None = None,
    turn_start_s: float | None = None,
    turn_end_s: float | None = None,
) -> SpeechMeasures:
    """Measure one answer.

    Args:
        words: the answer's words, in order.
        transcript: the text to count fillers and hedges in (default: the words joined).
        question_end_s: when the question ended, for the response latency.
        turn_start_s: start of the answer turn (default: the first word); with
            ``question_end_s``, gives the response latency.
        turn_end_s: end of the answer turn (default: the last word).
    """
    text = transcript if transcript is not None else " ".join(w.word for w in words)
    lowered = " ".join(text.lower().split())
    tokens = _TOKEN.findall(lowered)
    n = len(words) if words else len(tokens)
    if words:
        first, last = words[0].start_s, words[-1].end_s
    else:
        first = last = 0.0
    span = max(0.0, last - first)
    gaps = [b.start_s - a.end_s for a, b in pairwise(words)]
    pauses = [g for g in gaps if g >= PAUSE_S]
    speaking = max(0.0, span - sum(pauses))
    start = turn_start_s if turn_start_s is not None else first
    end = turn_end_s if turn_end_s is not None else last
    fillers = sum(tokens.count(f) for f in _FILLERS) + _count_phrases(lowered, _FILLER_PHRASES)
    fillers += len(_LIKE_FILLER.findall(lowered))
    hedges = _count_phrases(lowered, _HEDGES)
    repeats = sum(1 for a, b in pairwise(tokens) if a == b and a not in ("that", "had"))
    # The rate is taken over the turn's speech span when the caller knows it (from the audio);
    # Whisper's word times alone read fast, because it trims the silence around words.
    rate_span = (end - start) if (turn_start_s is not None and turn_end_s is not None) else span
    enough = n >= 8 and rate_span >= 3.0
    per100 = (lambda k: round(100.0 * k / n, 2)) if n else (lambda _k: None)
    return SpeechMeasures(
        words=n,
        duration_s=round(end - start, 2) if words else 0.0,
        words_per_minute=round(n * 60.0 / rate_span, 1) if enough else None,
        articulation_rate=round(n * 60.0 / speaking, 1) if enough and speaking > 0 else None,
        pauses=len(pauses),
        pause_total_s=round(sum(pauses), 2),
        longest_pause_s=round(max(pauses, default=0.0), 2),
        pauses_over_2s=sum(p >= LONG_PAUSE_S for p in pauses),
        long_pause_total_s=round(sum(p for p in pauses if p >= LONG_PAUSE_S), 2),
        fillers=fillers,
        fillers_per_100_words=per100(fillers),
        hedges=hedges,
        hedges_per_100_words=per100(hedges),
        repeated_words=repeats,
        speaking_share=round(speaking / (end - start), 2) if words and end > start else None,
        # From the end of the question to the speech onset found in the audio when known:
        # Whisper often times the first word at the start of its segment (the VAD's padding).
        response_latency_s=(
            round((turn_start_s if turn_start_s is not None else first) - question_end_s, 2)
            if words and question_end_s is not None
            else None
        ),
        confidence=round(min(1.0, n / 40) * (1.0 if enough else 0.5), 2),
    )
