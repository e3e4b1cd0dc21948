"""vLLM: time to first token, the judge's agreement with the rules, a replica's capacity.

Against vLLM's OpenAI-compatible server, through the project's own client:

- **Time to first token** of a follow-up request (the prompt the interview sends), streamed:
  *cold* when the prompt starts with text the server has never seen (a fresh nonce at the head of
  the system prompt, so no cached prefix applies), *cached* when the same prompt was just sent
  (vLLM's prefix cache holds it). Median and range over ``--repeats`` requests each.
- **Judge agreement** on the validity set (``tests/fixtures/validity/pairs.yaml``, the first
  ``--pairs`` pairs): each answer is scored by the deterministic rules and by the LLM's checked
  second opinion (``bench.validity.llm_scorer``, as ``bench.validity --llm`` does). Reported:
  each scorer's pair agreement (better answer ranked higher; a tie counts against) and how often
  the LLM's level equals the rules' level, or is within one of it.
- **Capacity**: ``--in-flight`` interviews' follow-up requests sent back to back for
  ``--load-seconds`` each (every request a different answer, the shared instructions cacheable,
  as in interviews): requests per second, end-to-end and first-token p50/p95, and the
  interviews one replica serves at ``INTERVIEW_RATE`` while its end-to-end p95 stays within the
  follow-up wait (``RECRUITER_LLM__FOLLOW_UP_WAIT_S``): the README's sizing rule per replica.
- **Start time and memory** when the bench starts the server itself (no ``--base-url``): seconds
  from launch to the first 200 from ``/v1/models`` (a GGUF converted beforehand, not counted),
  and the proportional set size (PSS, from ``/proc/<pid>/smaps_rollup``) summed over the
  server's process group, after the requests.

Results go to ``bench/results/vllm.md``.

Usage: ``.venv/bin/python -m bench.vllm [--base-url URL --model NAME] [--pairs N]
[--in-flight 1,8,32,64] [--load-seconds S]``; without
``--base-url`` vLLM is started with the configured GGUF (``scripts/install_vllm.sh`` first).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.validity import Pair, llm_scorer, load_pairs, outcome, rules_level
from dialogue.followups import follow_up_messages
from recruiter_config.settings import Settings
from recruiter_devstack.vllm_server import VLLMServer
from recruiter_llm.client import LLMEndpoint, OpenAIChatClient

RESULTS = Path(__file__).parent / "results"
QUESTION = "Tell me about a time you helped a frustrated customer."
ANSWER = (
    "Last spring a customer wrote in because his order had been lost twice. I called him the "
    "same day, apologised, and shipped a replacement with express delivery."
)
# Follow-up requests per second of one interview at its busiest: 0.8 LLM requests per reply
# (bench/results/load.md) and at most one reply every 20 s (an 8 s question, a 12 s answer;
# real answers run longer, so this errs on the side of more replicas).
INTERVIEW_RATE = 0.8 / 20


@dataclass(frozen=True)
class Timings:
    """Times to first token (s) of cold and cached-prefix requests, and decode speed (tok/s)."""

    cold_s: list[float]
    cached_s: list[float]
    pieces_per_s: list[float]


@dataclass(frozen=True)
class Judging:
    """Levels per pair: (pair, rules better, rules worse, LLM better, LLM worse), and time (s)."""

    rows: list[tuple[Pair, int, int, int, int]]
    seconds: float


async def _first_token(
    chat: OpenAIChatClient, messages: list[dict[str, str]]
) -> tuple[float, float]:
    """Time to the first streamed piece (s), and streamed pieces per second after it."""
    started = time.perf_counter()
    first: float | None = None
    pieces = 0
    async for _ in chat.stream(messages, max_tokens=48, temperature=0.0):
        if first is None:
            first = time.perf_counter() - started
        pieces += 1
    total = time.perf_counter() - started
    assert first is not None, "the server streamed nothing"
    rate = (pieces - 1) / (total - first) if pieces > 1 and total > first else 0.0
    return first, rate


async def measure_ttft(chat: OpenAIChatClient, repeats: int) -> Timings:
    """Cold and cached-prefix times to first token of the interview's follow-up request."""
    cold, cached, rates = [], [], []
    for _ in range(repeats):
        messages = follow_up_messages("Alex", "result", QUESTION, ANSWER)
        messages[0] = {**messages[0], "content": f"[{uuid.uuid4()}]\n{messages[0]['content']}"}
        t, rate = await _first_token(chat, messages)
        cold.append(t)
        rates.append(rate)
        t, rate = await _first_token(chat, messages)  # the same prompt again: its prefix cached
        cached.append(t)
        rates.append(rate)
    return Timings(cold, cached, rates)


@dataclass(frozen=True)
class Load:
    """Follow-up requests kept ``in_flight`` for ``seconds``: each one's time to its whole
    reply (``e2e_s``) and to its first piece (``ttft_s``), in seconds."""

    in_flight: int
    seconds: float
    e2e_s: list[float]
    ttft_s: list[float]


async def measure_load(chat: OpenAIChatClient, in_flight: int, seconds: float) -> Load:
    """``in_flight`` interviews, each sending its next follow-up request as soon as the last
    is answered, for ``seconds``."""
    e2e: list[float] = []
    ttft: list[float] = []
    deadline = time.perf_counter() + seconds

    async def interview() -> None:
        while time.perf_counter() < deadline:
            answer = f"{ANSWER} (Reference {uuid.uuid4().hex[:8]}.)"  # no two alike
            started = time.perf_counter()
            messages = follow_up_messages("Alex", "result", QUESTION, answer)
            first, _ = await _first_token(chat, messages)
            e2e.append(time.perf_counter() - started)
            ttft.append(first)

    started = time.perf_counter()
    await asyncio.gather(*(interview() for _ in range(in_flight)))
    return Load(in_flight, time.perf_counter() - started, e2e, ttft)


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) > 1 else values[0]


def capacity_rows(loads: list[Load], wait_s: float) -> list[str]:
    """The capacity table (Markdown lines): per level of requests in flight, the rate served,
    the latencies, and the interviews a replica serves there (none past the follow-up wait)."""
    lines = [
        f"| in flight | requests | requests/s | end to end p50 | p95 | first token p95 "
        f"| interviews at {INTERVIEW_RATE:.2f} requests/s each, p95 within {wait_s:.1f} s |",
        "|---|---|---|---|---|---|---|",
    ]
    for load in loads:
        rate = len(load.e2e_s) / load.seconds
        p95 = _p95(load.e2e_s)
        served = f"{rate / INTERVIEW_RATE:.0f}" if p95 <= wait_s else "none: p95 over the wait"
        lines.append(
            f"| {load.in_flight} | {len(load.e2e_s)} | {rate:.1f} "
            f"| {statistics.median(load.e2e_s):.2f} s | {p95:.2f} s | {_p95(load.ttft_s):.2f} s "
            f"| {served} |"
        )
    return lines


async def measure_judge(chat: OpenAIChatClient, pairs: list[Pair]) -> Judging:
    """The rules' and the LLM's levels for both answers of each pair."""
    llm = llm_scorer(chat)
    rows = []
    started = time.perf_counter()
    for pair in pairs:
        lb, lw = await llm(pair, pair.better), await llm(pair, pair.worse)
        rows.append((pair, rules_level(pair, pair.better), rules_level(pair, pair.worse), lb, lw))
    return Judging(rows, time.perf_counter() - started)


def _pss_mb(port: int) -> float | None:
    """PSS (MB) summed over the process group of the ``vllm serve`` listening on ``port``."""
    leader = None
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in cmd and b"--port" in cmd and str(port).encode() in cmd:
            leader = os.getpgid(int(pid))
            break
    if leader is None:
        return None
    total_kb = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.getpgid(int(pid)) != leader:
                continue
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except (OSError, ProcessLookupError):
            continue
        total_kb += next(
            int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")
        )
    return total_kb / 1024


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} s ({min(values):.3f}-{max(values):.3f})"


def _share(hits: int, n: int) -> str:
    return f"{hits / n:.0%} ({hits}/{n})" if n else "-"


def report(
    endpoint: LLMEndpoint,
    timings: Timings,
    judging: Judging,
    start_s: float | None,
    pss_mb: float | None,
    loads: Sequence[Load] = (),
    wait_s: float = 1.5,
) -> str:
    """The results as Markdown."""
    rows = judging.rows
    n = len(rows)
    rules_agree = sum(outcome(rb, rw) == "agree" for _, rb, rw, _, _ in rows)
    llm_agree = sum(outcome(lb, lw) == "agree" for _, _, _, lb, lw in rows)
    levels = [(r, v) for _, rb, rw, lb, lw in rows for r, v in ((rb, lb), (rw, lw))]
    exact = sum(r == v for r, v in levels)
    near = sum(abs(r - v) <= 1 for r, v in levels)
    taken = datetime.now(UTC).isoformat(timespec="seconds")
    lines = [
        f"## {platform.machine()}, {os.cpu_count()} cores: model `{endpoint.model}`",
        "",
        f"Taken {taken} with `python -m bench.vllm` against {endpoint.base_url}.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| server start (launch to ready) | {f'{start_s:.0f} s' if start_s else 'not measured'} |",
        f"| memory (PSS, server process group) | "
        f"{f'{pss_mb / 1024:.1f} GB' if pss_mb else 'not measured'} |",
        f"| time to first token, cold prompt | {_spread(timings.cold_s)} |",
        f"| time to first token, cached prefix | {_spread(timings.cached_s)} |",
        f"| streamed pieces per second | {statistics.median(timings.pieces_per_s):.0f} |",
        f"| pairs judged | {n} (first of `pairs.yaml`), {judging.seconds / max(1, 2 * n):.1f} s "
        "per answer |",
        f"| pair agreement, deterministic rules | {_share(rules_agree, n)} |",
        f"| pair agreement, LLM judge | {_share(llm_agree, n)} |",
        f"| LLM level = rules level | {_share(exact, len(levels))} |",
        f"| LLM level within 1 of rules level | {_share(near, len(levels))} |",
        "",
        "Levels (rules better/worse, LLM better/worse): "
        + ", ".join(f"`{p.id}` {rb}/{rw}, {lb}/{lw}" for p, rb, rw, lb, lw in rows),
        "",
    ]
    if loads:
        lines += ["Capacity (`--in-flight`):", "", *capacity_rows(list(loads), wait_s), ""]
    return "\n".join(lines)


def _write(section: str) -> None:
    """Put ``section`` in the results file, replacing the one with the same heading."""
    path = RESULTS / "vllm.md"
    text = path.read_text() if path.exists() else "# vLLM\n"
    parts = text.rstrip("\n").split("\n## ")
    heading = section.split("\n", 1)[0].removeprefix("## ")
    kept = [parts[0]] + [p for p in parts[1:] if p.split("\n", 1)[0] != heading]
    parts = [p.rstrip("\n") for p in [*kept, section.removeprefix("## ")]]
    path.write_text("\n\n## ".join(parts) + "\n")


async def _run(
    endpoint: LLMEndpoint, pairs: int, repeats: int, in_flight: list[int], load_s: float
) -> tuple[Timings, Judging, list[Load]]:
    chat = OpenAIChatClient(endpoint, timeout_s=600)
    try:
        await chat.ping(10)
        timings = await measure_ttft(chat, repeats)
        judging = await measure_judge(chat, load_pairs("pairs.yaml")[:pairs])
        loads = [await measure_load(chat, n, load_s) for n in in_flight]
    finally:
        await chat.aclose()
    return timings, judging, loads


def main() -> None:
    """Measure against a running endpoint, or start vLLM, and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base-url", help="a running vLLM server (default: start one)")
    parser.add_argument("--model", default="qwen2.5-coder-0.5b", help="its served model name")
    parser.add_argument("--pairs", type=int, default=50, help="validity pairs to judge")
    parser.add_argument("--repeats", type=int, default=5, help="requests per TTFT figure")
    parser.add_argument("--in-flight", default="1,8,32,64",
                        help="capacity levels, requests in flight (empty: none)")  # fmt: skip
    parser.add_argument("--load-seconds", type=float, default=30.0, help="seconds per level")
    args = parser.parse_args()
    levels = [int(n) for n in args.in_flight.split(",") if n.strip()]
    settings = Settings()
    wait_s = settings.llm.follow_up_wait_s
    if args.base_url:
        endpoint = LLMEndpoint(args.base_url, args.model)
        timings, judging, loads = asyncio.run(
            _run(endpoint, args.pairs, args.repeats, levels, args.load_seconds)
        )
        port = int(args.base_url.rsplit(":", 1)[1].split("/")[0])
        section = report(endpoint, timings, judging, None, _pss_mb(port), loads, wait_s)
    else:
        server = VLLMServer(settings)
        server.prepare()  # a GGUF converted beforehand: the start time is vLLM's own
        started = time.perf_counter()
        with server as endpoint:
            start_s = time.perf_counter() - started
            timings, judging, loads = asyncio.run(
                _run(endpoint, args.pairs, args.repeats, levels, args.load_seconds)
            )
            pss = _pss_mb(settings.llm.port)
            section = report(endpoint, timings, judging, start_s, pss, loads, wait_s)
    _write(section)
    print(section)


if __name__ == "__main__":
    main()
