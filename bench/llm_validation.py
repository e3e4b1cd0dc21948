"""How often each shipped model's follow-ups and acknowledgements pass validation.

For every answer of the demo role's personas, the interviewer's real prompts are sent to each
embedded model: one acknowledgement, and one follow-up for the first gap the answer lacks. The
replies are checked by the same validators the interview uses; rejected ones would be replaced
by the script. Results go to ``bench/results/llm_validation.json`` and ``.md``.

Usage: ``.venv/bin/python bench/llm_validation.py``
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path
from typing import Any

from dialogue import (
    acknowledgement_messages,
    assess,
    choose_gap,
    follow_up_messages,
    validate_acknowledgement,
    validate_follow_up,
)
from recruiter_config.settings import LLMSettings, Settings
from recruiter_devstack.llm_server import EmbeddedLLMServer
from recruiter_llm.client import OpenAIChatClient
from recruiter_rehearsal.candidates import _persona_file
from rubrics import load_role, plan_for

RESULTS = Path(__file__).parent / "results"
MODELS = ("qwen2.5-coder-0.5b", "smollm2-135m")
_MARK = re.compile(r"\[(pause [0-9.]+|silence)\]")


def _cases() -> list[tuple[str, str, str, str]]:
    """(persona, question id, question text, answer) for every first answer of every persona."""
    plan = plan_for(load_role("demo"))
    personas = _persona_file("demo")
    assert personas is not None
    cases = []
    for name, persona in sorted(personas.personas.items()):
        for qid, answers in persona.answers.items():
            first = next(
                (
                    a
                    for a in ([answers] if isinstance(answers, str) else answers)
                    if a != "[silence]"
                ),
                "",
            )
            text = " ".join(_MARK.sub(" ", first).split())
            cases.append((name, qid, plan.question(qid).text, text))
    return cases


async def _run(endpoint: Any, cases: list[tuple[str, str, str, str]]) -> dict[str, Any]:
    plan = plan_for(load_role("demo"))
    chat = OpenAIChatClient(endpoint)
    ack_ok = fu_ok = fu_total = 0
    examples: list[dict[str, Any]] = []
    started = time.perf_counter()
    try:
        for persona, qid, question, answer in cases:
            ack = acknowledgement_messages(plan.persona, question, answer)
            reply = "".join(
                [p async for p in chat.stream(ack, max_tokens=48, temperature=0.3, stop=("\n",))]
            )
            ack_ok += validate_acknowledgement(reply, answer) is not None
            q = plan.question(qid)
            gap = choose_gap(assess(answer, question=question, kind=q.kind).missing(q.probe), ())
            if gap is None:
                continue
            fu_total += 1
            ask = follow_up_messages(plan.persona, gap, question, answer)
            text = "".join(
                [p async for p in chat.stream(ask, max_tokens=48, temperature=0.3, stop=("\n",))]
            )
            valid = validate_follow_up(
                text, gap=gap, asked=[question], rubric_text=plan.rubric_text
            )
            fu_ok += valid is not None
            if len(examples) < 6:
                examples.append({"persona": persona, "gap": gap, "reply": text.strip(),
                                 "accepted": valid is not None})  # fmt: skip
    finally:
        await chat.aclose()
    return {
        "acknowledgements": len(cases),
        "acknowledgements_accepted": ack_ok,
        "follow_ups": fu_total,
        "follow_ups_accepted": fu_ok,
        "seconds": round(time.perf_counter() - started, 1),
        "examples": examples,
    }


def main() -> None:
    """Measure every shipped model and write the results."""
    cases = _cases()
    results: dict[str, Any] = {}
    for index, model in enumerate(MODELS):
        settings = Settings(llm=LLMSettings(gguf=model, port=8870 + index))
        with EmbeddedLLMServer(settings) as endpoint:
            results[model] = asyncio.run(_run(endpoint, cases))
        r = results[model]
        print(f"{model}: acknowledgements {r['acknowledgements_accepted']}/{r['acknowledgements']}"
              f" accepted, follow-ups {r['follow_ups_accepted']}/{r['follow_ups']}")  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "llm_validation.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = [
        "# LLM replies that pass the interviewer's validation",
        "",
        f"{len(cases)} first answers of the demo personas; the interview's own prompts and "
        "validators. A rejected reply is replaced by the script's line.",
        "",
        "| model | acknowledgements accepted | follow-ups accepted | seconds |",
        "|---|---|---|---|",
    ]
    for model, r in results.items():
        lines.append(
            f"| {model} | {r['acknowledgements_accepted']}/{r['acknowledgements']} | "
            f"{r['follow_ups_accepted']}/{r['follow_ups']} | {r['seconds']} |"
        )
    (RESULTS / "llm_validation.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
