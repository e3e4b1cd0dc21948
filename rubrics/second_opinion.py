"""An LLM's second opinion on a competency, checked before it is believed.

The LLM gets the rubric anchors and the candidate's answers and returns JSON: a score, verbatim
quotes, a rationale. Its JSON is validated, every quote must appear word for word in the
transcript (a paraphrase or an invention is rejected), the score is clamped to 1-5, and a large
disagreement with the deterministic score is flagged for a human. The deterministic score stays
the one the report leads with. The judge runs after an interview only for a model whose recorded
agreement with the validity sets (``judge_validity.yaml``) reaches ``JUDGE_MIN_AGREEMENT``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from rubrics.models import Competency

__all__ = [
    "JUDGE_MIN_AGREEMENT",
    "SECOND_OPINION_MAX_TOKENS",
    "SECOND_OPINION_SCHEMA",
    "JudgeValidity",
    "SecondOpinion",
    "judge_validity",
    "normalise",
    "parse_second_opinion",
    "record_judge_validity",
    "second_opinion_messages",
]

DISAGREEMENT = 2.0  # levels apart: a human should look
# Bounds the server's constrained decoding enforces (vLLM's xgrammar and llama.cpp's grammar
# both keep maxLength and maxItems), so a reply that loops inside a string ends as valid JSON
# within SECOND_OPINION_MAX_TOKENS instead of being cut mid-string: the prompt asks for up to
# three short passages and one sentence. A quote cut at its length is still verbatim.
MAX_QUOTES = 3
QUOTE_MAX_CHARS = 160
RATIONALE_MAX_CHARS = 240
SECOND_OPINION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "score": {"type": "integer", "enum": [1, 2, 3, 4, 5]},
        "quotes": {
            "type": "array",
            "items": {"type": "string", "maxLength": QUOTE_MAX_CHARS},
            "maxItems": MAX_QUOTES,
        },
        "rationale": {"type": "string", "maxLength": RATIONALE_MAX_CHARS},
    },
    "required": ["score", "quotes", "rationale"],
    "additionalProperties": False,
}
# Tokens for the longest reply the schema allows: 3 x 160 + 240 characters of text and about 50
# of JSON. Qwen2.5's tokenizer read such a reply (602 characters of interview English) as 141
# tokens; 400 leaves room for text at under 2 characters a token.
SECOND_OPINION_MAX_TOKENS = 400
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
    """Check the LLM's reply against the transcript and the deterministic score. A quote must
    stand within one line of ``transcript`` (a turn, or a part of one: words around a clause
    not read do not make a quote together)."""
    try:
        data = json.loads(raw)
        score = int(data["score"])
        quotes = [str(q) for q in data.get("quotes", [])]
        rationale = str(data.get("rationale", ""))
    except (ValueError, TypeError, KeyError) as e:
        return SecondOpinion(None, [], [], "", True, f"invalid JSON from the judge: {e}")
    clamped = max(1, min(5, score))
    heard = [normalise(line) for line in transcript.splitlines()]
    kept = [q for q in quotes if normalise(q) and any(normalise(q) in line for line in heard)]
    rejected = [q for q in quotes if q not in kept]
    far = deterministic is not None and abs(clamped - deterministic) >= DISAGREEMENT
    problem = None
    if clamped != score:
        problem = f"score {score} clamped to {clamped}"
    if clamped > 1 and not kept:
        # A score above the floor with nothing verbatim behind it is not evidence-based.
        problem = (problem + "; " if problem else "") + "no verbatim quote supports the score"
    return SecondOpinion(clamped, kept, rejected, rationale, far or problem is not None, problem)


# The LLM judge runs after an interview only when its model ranked the validity set at least as
# well as the deterministic scorer is required to (90%, tests/unit/test_validity.py, issue 14).
JUDGE_MIN_AGREEMENT = 0.9
_VALIDITY = Path(__file__).with_name("judge_validity.yaml")


@dataclass(frozen=True)
class JudgeValidity:
    """How one model's second opinion ranked the validity sets (``bench/validity.py --llm``).

    ``validity`` and ``holdout`` are the shares of pairs (0-1) where it scored the better answer
    higher; None where the model was never measured.
    """

    model: str
    validity: float | None = None
    holdout: float | None = None
    taken: str | None = None

    @property
    def trusted(self) -> bool:
        """Both sets measured and both at least ``JUDGE_MIN_AGREEMENT``."""
        return all(
            v is not None and v >= JUDGE_MIN_AGREEMENT for v in (self.validity, self.holdout)
        )

    def describe(self) -> str:
        """One line for logs and the CLI: the figures and whether the judge may run."""
        if self.validity is None or self.holdout is None:
            return f"{self.model}: not measured on the validity set (bench/validity.py --llm)"
        verdict = "trusted" if self.trusted else f"below {JUDGE_MIN_AGREEMENT:.0%}"
        return (
            f"{self.model}: {self.validity:.0%} of the validity set and {self.holdout:.0%} of "
            f"the holdout ranked right ({verdict})"
        )


def judge_validity(model: str, path: Path = _VALIDITY) -> JudgeValidity:
    """The recorded validity of ``model`` as a judge; unmeasured when it has no entry.

    Raises:
        ValueError: the table at ``path`` is not YAML, or not the mapping
            ``record_judge_validity`` writes (the message names the file).
    """
    if not path.is_file():
        return JudgeValidity(model)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise ValueError(f"{path}: not YAML ({e})") from e
    models = data.get("models") if isinstance(data, dict) else None
    if not isinstance(models, dict):
        raise ValueError(f"{path}: expected a 'models' mapping")
    entry = models.get(model) or {}
    return JudgeValidity(model, entry.get("validity"), entry.get("holdout"), entry.get("taken"))


def record_judge_validity(measured: JudgeValidity, path: Path = _VALIDITY) -> None:
    """Keep ``measured`` in the table at ``path`` (other models' entries are kept)."""
    data: dict[str, Any] = {"models": {}}
    if path.is_file():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or data
    data.setdefault("models", {})[measured.model] = {
        "validity": measured.validity, "holdout": measured.holdout, "taken": measured.taken,
    }  # fmt: skip
    header = (
        "# Each LLM's second opinion on the validity sets (tests/fixtures/validity), written by\n"
        "# `python -m bench.validity --llm`. The judge runs after an interview only for a model\n"
        f"# at {JUDGE_MIN_AGREEMENT:.0%} or more on both (rubrics/second_opinion.py).\n"
    )
    path.write_text(header + yaml.safe_dump(data, sort_keys=True), encoding="utf-8")
