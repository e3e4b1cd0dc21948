"""Validity: does each scorer rank a better answer above a worse one, as a recruiter would?

Two sets of answer pairs live in ``tests/fixtures/validity/``: ``pairs.yaml`` (50 pairs, the set
the deterministic scorer was tuned on) and ``holdout.yaml`` (30 pairs written apart from it,
never used for tuning). Each pair holds two spoken answers to one question of a shipped role,
the better one first, in one of five categories: buzzword-stuffed vs concrete, plain-spoken
strong vs weak, medium vs weak, long-but-empty vs short-and-specific, and answers with
speech-recognition errors.

A pair **agrees** when the scorer gives the better answer a higher level (1-5) for the pair's
competency; an equal level is a **tie** and counts against agreement, as a recruiter would see
two answers rated alike. Results go to ``bench/results/validity.json`` and ``.md``, per set,
per category and per question kind.

Usage: ``.venv/bin/python -m bench.validity [--llm]``; ``--llm`` also asks the embedded LLM
for its second opinion on every answer (about 10 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, get_args

import yaml

from recruiter_config.settings import LLMSettings, Settings
from recruiter_devstack.llm_server import EmbeddedLLMServer
from recruiter_llm.client import ChatClient, LLMUnavailableError, OpenAIChatClient
from rubrics import RoleScript, load_role
from rubrics.scoring import SCORER, CandidateTurn, score_interview
from rubrics.second_opinion import (
    SECOND_OPINION_MAX_TOKENS,
    SECOND_OPINION_SCHEMA,
    JudgeValidity,
    parse_second_opinion,
    record_judge_validity,
    second_opinion_messages,
)

RESULTS = Path(__file__).parent / "results"
FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "validity"
SETS = {"validity set": "pairs.yaml", "holdout": "holdout.yaml"}


@dataclass(frozen=True)
class Pair:
    """Two answers to one question, ``better`` first, for one competency."""

    id: str
    role: str
    question: str
    competency: str
    category: str
    better: str
    worse: str

    @property
    def kind(self) -> str:
        """The question's kind (behavioural, situational, technical...)."""
        return next(q.kind for q in _role(self.role).questions if q.id == self.question)


@cache
def _role(role_id: str) -> RoleScript:
    return load_role(role_id)


def load_pairs(name: str) -> list[Pair]:
    """The pairs of ``tests/fixtures/validity/<name>``, answers with their line breaks folded."""
    data = yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))
    return [Pair(**{k: " ".join(str(v).split()) for k, v in p.items()}) for p in data["pairs"]]


def rules_level(pair: Pair, answer: str) -> int:
    """The deterministic scorer's level (1-5) for ``answer`` to the pair's question."""
    turn = CandidateTurn(1, pair.question, answer, 0.0, 30.0)
    sheet = score_interview(_role(pair.role), [turn])
    return next(a.level for a in sheet.answers if a.competency_id == pair.competency)


def llm_scorer(chat: ChatClient) -> Callable[[Pair, str], Awaitable[int]]:
    """The LLM's checked second opinion as a scorer: its level, 1 when it gave none, 0 when the
    server did not answer."""

    async def level(pair: Pair, answer: str) -> int:
        competency = _role(pair.role).competency(pair.competency)
        try:
            raw = await chat.complete_json(
                second_opinion_messages(competency, answer),
                SECOND_OPINION_SCHEMA,
                max_tokens=SECOND_OPINION_MAX_TOKENS,
            )
        except LLMUnavailableError:
            return 0  # no opinion: the pair cannot agree, which is what trust should see
        return parse_second_opinion(raw, answer, None).score or 1

    return level


def outcome(better: int, worse: int) -> str:
    """``agree``, ``tie`` or ``disagree`` for the two levels of a pair."""
    return "agree" if better > worse else "tie" if better == worse else "disagree"


def agreement(outcomes: list[tuple[Pair, str]], key: Callable[[Pair], str]) -> dict[str, Any]:
    """Counts and the share agreeing, overall and per ``key`` (category or kind)."""
    groups: dict[str, list[str]] = {"all": [o for _, o in outcomes]}
    for pair, o in outcomes:
        groups.setdefault(key(pair), []).append(o)
    return {
        g: {
            "pairs": len(os),
            "agree": os.count("agree"),
            "tie": os.count("tie"),
            "disagree": os.count("disagree"),
            "agreement": round(os.count("agree") / len(os), 3),
        }
        for g, os in groups.items()
    }


async def _score_all(
    scorers: dict[str, Callable[[Pair, str], Awaitable[int]]],
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for scorer, level in scorers.items():
        for set_name, file in SETS.items():
            outcomes = []
            disagreements = []
            for pair in load_pairs(file):
                b, w = await level(pair, pair.better), await level(pair, pair.worse)
                outcomes.append((pair, outcome(b, w)))
                if b <= w:
                    disagreements.append({"id": pair.id, "better": b, "worse": w})
            results.setdefault(scorer, {})[set_name] = {
                "by_category": agreement(outcomes, lambda p: p.category),
                "by_kind": agreement(outcomes, lambda p: p.kind),
                "not_agreeing": disagreements,
            }
    return results


def _cell(g: dict[str, Any] | None) -> str:
    if g is None:
        return "-"
    return f"{g['agreement']:.0%} ({g['agree']}/{g['pairs']}; {g['tie']} tied)"


def _write(results: dict[str, Any], llm_model: str | None) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    taken = datetime.now(UTC).isoformat(timespec="seconds")
    summary = {"taken": taken, "machine": platform.machine(), "llm": llm_model, **results}
    (RESULTS / "validity.json").write_text(json.dumps(summary, indent=2) + "\n")
    lines = [
        "# Validity: better answer ranked above worse, per scorer",
        "",
        f"Taken {taken}. A pair agrees when the scorer's level (1-5) for the better answer is "
        "higher; a tie counts against. `pairs.yaml` is the set the rules were tuned on; "
        "`holdout.yaml` was written apart and never used for tuning.",
        "",
    ]
    for scorer, sets in results.items():
        for set_name, r in sets.items():
            lines += [f"## {scorer}: {set_name}", "", "| group | agreement |", "|---|---|"]
            for table in ("by_category", "by_kind"):
                for group, g in r[table].items():
                    if table == "by_kind" and group == "all":
                        continue
                    lines.append(f"| {group} | {_cell(g)} |")
            if r["not_agreeing"]:
                lines += ["", "Not agreeing (levels better/worse): " + ", ".join(
                    f"`{d['id']}` {d['better']}/{d['worse']}" for d in r["not_agreeing"]
                )]  # fmt: skip
            lines.append("")
    (RESULTS / "validity.md").write_text("\n".join(lines))


def main() -> None:
    """Score every pair with every scorer and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--llm", action="store_true", help="also score with the embedded LLM")
    parser.add_argument(
        "--gguf",
        choices=get_args(LLMSettings.model_fields["gguf"].annotation),
        help="the embedded model to judge with (default: the configured one)",
    )
    args = parser.parse_args()

    async def rules(pair: Pair, answer: str) -> int:
        return rules_level(pair, answer)

    scorers: dict[str, Callable[[Pair, str], Awaitable[int]]] = {f"deterministic ({SCORER})": rules}
    if not args.llm:
        results = asyncio.run(_score_all(scorers))
        _write(results, None)
    else:
        settings = Settings()
        if args.gguf:
            settings = settings.model_copy(
                update={"llm": settings.llm.model_copy(update={"gguf": args.gguf})}
            )
        model = settings.llm.gguf
        with EmbeddedLLMServer(settings) as endpoint:
            # Agreement is measured here, not speed: a slow answer on a busy CPU still counts.
            chat = OpenAIChatClient(endpoint, timeout_s=300.0)
            scorers[f"LLM second opinion ({model})"] = llm_scorer(chat)
            results = asyncio.run(_score_all(scorers))
        _write(results, model)
        judged = results[f"LLM second opinion ({model})"]
        measured = JudgeValidity(
            model,
            judged["validity set"]["by_category"]["all"]["agreement"],
            judged["holdout"]["by_category"]["all"]["agreement"],
            datetime.now(UTC).isoformat(timespec="seconds"),
        )
        record_judge_validity(measured)  # the judge runs after interviews only when trusted
        print(measured.describe())
    for scorer, sets in results.items():
        for set_name, r in sets.items():
            print(f"{scorer}, {set_name}: {_cell(r['by_category']['all'])}")


if __name__ == "__main__":
    main()
