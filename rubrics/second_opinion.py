"""An LLM's second opinion on a competency, checked before it is believed.

The LLM gets the rubric anchors and the candidate's answers and returns JSON: a score, verbatim
quotes, a rationale. Its JSON is validated, every quote must appear word for word in the
transcript (a paraphrase or an invention is rejected), the score is clamped to 1-5, and a large
disagreement with the deterministic score is flagged for a human. The deterministic score stays
the one the report leads with.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rubrics.models import Competency

__all__ = [
    "SECOND_OPINION_SCHEMA",
    "SecondOpinion",
    "normalise",
    "parse_second_opinion",
    "second_opinion_messages",
]

DISAGREEMENT = 2.0  # levels apart: a human should look
SECOND_OPINION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "score": {"type": "integer"},
        "quotes": {"type": "array", "items": {"type": "string"}},
        "rationale": {"type": "string"},
    },
    "required": ["score", "quotes", "rationale"],
    "additionalProperties": False,
}
_PROMPT = Path(__file__).with_name("prompts") / "second_opinion.txt"


@dataclass(frozen=True)
class SecondOpinion:
    """What survived checking: a clamped score, verified quotes, what was rejected and why."""

    score: int | None
    quotes: list[str]
    rejected_quotes: list[str]
    rationale: str
    needs_review: bool
    problem: str | None = None


def second_opinion_messages(competency: Competency, answers: str) -> list[dict[str, str]]:
    """The chat messages asking for one competency's score."""
    anchors = "\n".join(f"{level}: {text}" for level, text in sorted(competency.rubric.items()))
    system = _PROMPT.read_text(encoding="utf-8").format(
        name=competency.name, description=competency.description, anchors=anchors
    )
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": f"The candidate's answers:\n<<<\n{answers}\n>>>"},
    ]


def normalise(text: str) -> str:
    """Lower-case words only: how a quote is matched against the transcript."""
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


def parse_second_opinion(raw: str, transcript: str, deterministic: float | None) -> SecondOpinion:
    """Check the LLM's reply against the transcript and the deterministic score."""
    try:
        data = json.loads(raw)
        score = int(data["score"])
        quotes = [str(q) for q in data.get("quotes", [])]
        rationale = str(data.get("rationale", ""))
    except (ValueError, TypeError, KeyError) as e:
        return SecondOpinion(None, [], [], "", True, f"invalid JSON from the judge: {e}")
    clamped = max(1, min(5, score))
    heard = normalise(transcript)
    kept = [q for q in quotes if normalise(q) and normalise(q) in heard]
    rejected = [q for q in quotes if q not in kept]
    far = deterministic is not None and abs(clamped - deterministic) >= DISAGREEMENT
    problem = None
    if clamped != score:
        problem = f"score {score} clamped to {clamped}"
    if clamped > 1 and not kept:
        # A score above the floor with nothing verbatim behind it is not evidence-based.
        problem = (problem + "; " if problem else "") + "no verbatim quote supports the score"
    return SecondOpinion(clamped, kept, rejected, rationale, far or problem is not None, problem)
