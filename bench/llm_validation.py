"""The embedded models compared: replies that pass validation, time to first token, memory.

For every answer of the demo role's personas, the interviewer's real prompts are sent to each
embedded model: one acknowledgement, and one follow-up for the first gap the answer lacks. The
replies are checked by the same validators the interview uses; rejected ones would be replaced
by the script. Time to first token is taken on every request: the first is cold, the rest reuse
the server's cached prompt prefix (the persona's system prompt), as in an interview. Memory is
the llama.cpp server's peak resident set. Results go to ``bench/results/llm_validation.json``
and ``.md``.

Usage: ``.venv/bin/python -m bench.llm_validation [--models NAME ...]`` (default: every
installed model; the 1.5B is optional: ``recruiter models install --only qwen2.5-coder-1.5b``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
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
from recruiter_config.assets import asset_state
from recruiter_config.settings import LLMSettings, Settings
from recruiter_devstack.llm_server import EmbeddedLLMServer
from recruiter_llm.client import OpenAIChatClient
from recruiter_rehearsal.candidates import _persona_file
from rubrics import load_role, plan_for

RESULTS = Path(__file__).parent / "results"
MODELS = ("qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b", "smollm2-135m")
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
    ttfts: list[float] = []
    started = time.perf_counter()
    try:
        for persona, qid, question, answer in cases:
            ack = acknowledgement_messages(plan.persona, question, answer)
            reply = await _timed(chat, ack, ttfts)
            ack_ok += validate_acknowledgement(reply, answer) is not None
            q = plan.question(qid)
            gap = choose_gap(assess(answer, question=question, kind=q.kind).missing(q.probe), ())
            if gap is None:
                continue
            fu_total += 1
            ask = follow_up_messages(plan.persona, gap, question, answer)
            text = await _timed(chat, ask, ttfts)
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
        "ttft_cold_s": round(ttfts[0], 2),
        "ttft_cached_median_s": round(statistics.median(ttfts[1:]), 2),
        "ttft_cached_p90_s": round(statistics.quantiles(ttfts[1:], n=10)[-1], 2),
        "examples": examples,
    }


async def _timed(chat: OpenAIChatClient, messages: Any, ttfts: list[float]) -> str:
    """The streamed reply to ``messages``; its time to first token (s) is appended to ``ttfts``."""
    started = time.perf_counter()
    pieces: list[str] = []
    async for piece in chat.stream(messages, max_tokens=48, temperature=0.3, stop=("\n",)):
        if not pieces:
            ttfts.append(time.perf_counter() - started)
        pieces.append(piece)
    if not pieces:
        ttfts.append(time.perf_counter() - started)
    return "".join(pieces)


def _server_peak_rss_mb(port: int) -> float | None:
    """Peak resident memory (MB) of the llama.cpp server listening on ``port``, from /proc."""
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            if b"llama_cpp.server" not in cmdline or str(port).encode() not in cmdline:
                continue
            for line in (proc / "status").read_text(encoding="ascii").splitlines():
                if line.startswith("VmHWM:"):  # peak resident set, in kB
                    return round(int(line.split()[1]) / 1024, 0)
        except OSError:
            continue
    return None


def main() -> None:
    """Measure every installed model (or those named) and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", choices=MODELS, help="only these models")
    args = parser.parse_args()
    cases = _cases()
    results: dict[str, Any] = {}
    base = Settings()
    chosen = args.models or [m for m in MODELS if asset_state(base.models_dir, m).verified]
    for index, model in enumerate(chosen):
        settings = Settings(llm=LLMSettings(gguf=model, port=8870 + index))
        with EmbeddedLLMServer(settings) as endpoint:
            results[model] = asyncio.run(_run(endpoint, cases))
            results[model]["server_peak_rss_mb"] = _server_peak_rss_mb(settings.llm.port)
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
        f"Taken {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()}"
        " CPU cores, llama.cpp server, 2 threads. Time to first token (TTFT): the first request"
        " cold; the rest with the persona's system prompt cached, median and 90th percentile.",
        "",
        "| model | acknowledgements accepted | follow-ups accepted | TTFT cold s | "
        "TTFT cached median / p90 s | server peak memory MB | seconds |",
        "|---|---|---|---|---|---|---|",
    ]
    for model, r in results.items():
        lines.append(
            f"| {model} | {r['acknowledgements_accepted']}/{r['acknowledgements']} | "
            f"{r['follow_ups_accepted']}/{r['follow_ups']} | {r['ttft_cold_s']} | "
            f"{r['ttft_cached_median_s']} / {r['ttft_cached_p90_s']} | "
            f"{r['server_peak_rss_mb']} | {r['seconds']} |"
        )
    (RESULTS / "llm_validation.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
