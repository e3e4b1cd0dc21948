"""Latency benchmark: end of candidate speech to first recruiter audio, streaming vs naive.

Runs headless rehearsals of the demo role with every persona written for it through the real
pipeline and reports, per reply and as medians, the total and its parts: endpointing delay, STT,
LLM time to first token, TTS time to first audio. It also counts what the issue of turn-taking
cares about: answers stored as more than one candidate turn, replies taken back because the
candidate went on (cut-offs), "answer began late" flags, and how much of what the recruiter said
came from the LLM versus the script.

In the same run, for every answer, it measures the naive path on the same models: transcribe the
whole answer, wait for the LLM's whole reply, synthesize the whole reply, then play. The naive
figure gets the same endpointing delay as the streaming turn it mirrors, so the ratio compares
what happens after the turn ends. Results go to ``bench/results/latency.json`` and ``.md``.

Usage: ``.venv/bin/python -m bench.latency`` (or ``make bench``).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import platform
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from piper import SynthesisConfig

from agent.bootstrap import VoiceModels, load_voice_models
from agent.tts_piper import synthesize_pcm
from dialogue import acknowledgement_messages, follow_up_messages
from recruiter_config.settings import Settings
from recruiter_devstack.llm_server import EmbeddedLLMServer, resolve_endpoint
from recruiter_llm.client import ChatClient, LLMEndpoint, OpenAIChatClient
from recruiter_rehearsal.candidates import CandidateVoice, load_persona, shipped_personas
from recruiter_rehearsal.run import RehearsalOptions, RehearsalResult, run_rehearsal
from recruiter_rehearsal.summary import seconds_cell
from rubrics import load_role

RESULTS = Path(__file__).parent / "results"
PERSONAS = tuple(shipped_personas("demo"))


@dataclass
class Row:
    """One reply, measured both ways."""

    persona: str
    question_id: str
    streaming_s: float
    endpointing_s: float | None
    stt_s: float | None
    llm_ttft_s: float | None
    tts_ttfa_s: float | None
    naive_s: float
    naive_stt_s: float
    naive_llm_s: float
    naive_tts_s: float

    @property
    def ratio(self) -> float:
        """Streaming over naive (below 1: streaming is faster)."""
        return self.streaming_s / self.naive_s


async def _naive(
    models: VoiceModels, chat: ChatClient, persona_name: str, samples: object, question: str,
    reply_text: str, settings: Settings, follow_up_gap: str | None,
) -> tuple[float, float, float]:  # fmt: skip
    """Whole-answer STT, whole LLM reply, whole-reply TTS: seconds for each.

    The LLM request is the one the streaming reply made: a follow-up about the same gap, or
    an acknowledgement.
    """
    t = time.perf_counter()
    transcript = await asyncio.to_thread(models.stt.transcribe, samples)
    stt_s = time.perf_counter() - t
    t = time.perf_counter()
    if follow_up_gap is not None:
        messages = follow_up_messages(persona_name, follow_up_gap, question, transcript.text)
    else:
        messages = acknowledgement_messages(persona_name, question, transcript.text)
    async for _ in chat.stream(
        messages, max_tokens=settings.llm.max_reply_tokens, temperature=settings.llm.temperature
    ):
        pass
    llm_s = time.perf_counter() - t
    t = time.perf_counter()
    await asyncio.to_thread(
        lambda: b"".join(synthesize_pcm(models.tts.voice, reply_text, SynthesisConfig()))
    )
    tts_s = time.perf_counter() - t
    return stt_s, llm_s, tts_s


async def _bench(settings: Settings, endpoint: LLMEndpoint) -> list[Row]:
    models = load_voice_models(settings)
    chat = OpenAIChatClient(endpoint)
    role = load_role("demo")
    questions = {q.id: q.text for q in role.questions}
    rows: list[Row] = []
    try:
        for persona in PERSONAS:
            result = await run_rehearsal(
                settings, RehearsalOptions(role="demo", persona=persona), chat=chat, models=models
            )
            _count_turns(persona, result)
            if persona == "silent":
                continue  # nothing answered: no reply to time
            answers = load_persona("demo", persona, CandidateVoice(models.tts.voice))
            replies = [
                t for t in result.turns if t.speaker == "recruiter" and t.latency_s is not None
            ]
            heard: dict[str, int] = {}
            for sample, reply in zip(result.latency, replies, strict=True):
                # The answer this reply responds to: the persona's k-th utterance on the question.
                k = heard.get(sample.question_id, 0)
                heard[sample.question_id] = k + 1
                spoken = [u for u in answers.utterances(sample.question_id, 0) if u is not None]
                audio = (spoken[k] if k < len(spoken) else answers.filler()).samples
                gap = next((e["gap"] for e in reply.events if e["type"] == "follow-up"), None)
                stt_s, llm_s, tts_s = await _naive(
                    models, chat, role.persona.name, audio, questions[sample.question_id],
                    reply.text, settings, gap,
                )  # fmt: skip
                endpointing = sample.endpointing_s or 0.0
                rows.append(
                    Row(
                        persona=persona,
                        question_id=sample.question_id,
                        streaming_s=sample.end_of_speech_to_first_audio_s,
                        endpointing_s=sample.endpointing_s,
                        stt_s=sample.stt_s,
                        llm_ttft_s=sample.llm_ttft_s,
                        tts_ttfa_s=sample.tts_ttfa_s,
                        naive_s=round(endpointing + stt_s + llm_s + tts_s, 3),
                        naive_stt_s=round(stt_s, 3),
                        naive_llm_s=round(llm_s, 3),
                        naive_tts_s=round(tts_s, 3),
                    )
                )
                print(
                    f"{persona:9} {sample.question_id:22} streaming {rows[-1].streaming_s:5.2f} s"
                    f"  naive {rows[-1].naive_s:5.2f} s  ratio {rows[-1].ratio:.2f}",
                    file=sys.stderr,
                )
    finally:
        await chat.aclose()
    return rows


# Per persona: candidate turns per question, withdrawn replies, latency flags, text sources.
INTEGRITY: dict[str, dict[str, object]] = {}


def _count_turns(persona: str, result: RehearsalResult) -> None:
    """What the stored interview says about turn-taking, and where the spoken text came from."""
    speakers = [t.speaker for t in result.turns]
    in_a_row = sum(1 for a, b in itertools.pairwise(speakers) if a == b == "candidate")
    flags = sum(
        1 for m in result.measurements.values() for f in m.flags if f.kind == "unusual-latency"
    )
    sources: dict[str, int] = {}
    for turn in result.turns:
        for e in turn.events:
            if e.get("type") in ("follow-up", "acknowledgement"):
                key = f"{e['type']} {e.get('source')}"
                sources[key] = sources.get(key, 0) + 1
    INTEGRITY[persona] = {
        "candidate_turns": sum(t.speaker == "candidate" for t in result.turns),
        "candidate_turns_in_a_row": in_a_row,
        "interrupted_replies": sum(
            1 for t in result.turns if t.speaker == "recruiter" and t.interrupted
        ),
        "latency_flags": flags,
        "sources": sources,
    }


def _p95(values: list[float]) -> float | None:
    ordered = sorted(values)
    return (
        round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 3)
        if ordered
        else None
    )


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 3) if present else None


def _write(rows: list[Row], settings: Settings, endpoint: LLMEndpoint) -> dict[str, object]:
    summary = {
        "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}",
        "llm": endpoint.model,
        "stt": settings.stt.model,
        "replies": len(rows),
        "p95_streaming_s": _p95([r.streaming_s for r in rows]),
        "integrity": INTEGRITY,
        "median": {
            "streaming_s": _median([r.streaming_s for r in rows]),
            "endpointing_s": _median([r.endpointing_s for r in rows]),
            "stt_s": _median([r.stt_s for r in rows]),
            "llm_ttft_s": _median([r.llm_ttft_s for r in rows]),
            "tts_ttfa_s": _median([r.tts_ttfa_s for r in rows]),
            "naive_s": _median([r.naive_s for r in rows]),
            "streaming_over_naive": _median([r.ratio for r in rows]),
        },
        "rows": [{**asdict(r), "ratio": round(r.ratio, 3)} for r in rows],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latency.json").write_text(json.dumps(summary, indent=2) + "\n")
    m = summary["median"]
    assert isinstance(m, dict)
    lines = [
        "# Latency: end of candidate speech to first recruiter audio",
        "",
        f"Taken {summary['taken_at']} on {summary['machine']}; LLM `{endpoint.model}`, STT"
        f" `{settings.stt.model}`; {len(rows)} replies"
        f" (demo role, personas {', '.join(PERSONAS)}).",
        "",
        "| persona | question | streaming s | endpointing s | STT s | LLM TTFT s"
        " | TTS first audio s"
        " | naive s | streaming/naive |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.persona} | {r.question_id} | {r.streaming_s:.2f} | "
            + " | ".join(
                seconds_cell(v) for v in (r.endpointing_s, r.stt_s, r.llm_ttft_s, r.tts_ttfa_s)
            )
            + f" | {r.naive_s:.2f} | {r.ratio:.2f} |"
        )
    lines += [
        f"| **median** | | **{m['streaming_s']}** | {m['endpointing_s']} | {m['stt_s']}"
        f" | {m['llm_ttft_s']} | {m['tts_ttfa_s']} | **{m['naive_s']}**"
        f" | **{m['streaming_over_naive']}** |",
        "",
        f"p95 streaming: **{summary['p95_streaming_s']} s**.",
        "",
        "Naive = the same endpointing delay + STT of the whole answer + the whole LLM reply +"
        " synthesis of the whole reply (the LLM writes the reply: a follow-up, or an"
        " acknowledgement). '-': not recorded for that reply (e.g. LLM time to first token when"
        " no LLM text was waited for). STT runs while the endpointing delay elapses, so the"
        " streaming parts overlap and do not add up to the total.",
        "",
        "## Turn-taking and where the words came from, per persona",
        "",
        "| persona | candidate turns | two candidate turns in a row | replies talked over"
        " | answer-began-late flags | follow-ups LLM / script | acknowledgements script |",
        "|---|---|---|---|---|---|---|",
    ]
    for persona, c in INTEGRITY.items():
        src = c["sources"]
        assert isinstance(src, dict)
        lines.append(
            f"| {persona} | {c['candidate_turns']} | {c['candidate_turns_in_a_row']}"
            f" | {c['interrupted_replies']} | {c['latency_flags']}"
            f" | {src.get('follow-up llm', 0)} / {src.get('follow-up fallback', 0)}"
            f" | {src.get('acknowledgement script', 0)} |"
        )
    lines.append("")
    (RESULTS / "latency.md").write_text("\n".join(lines))
    return summary


def main() -> None:
    """Run the benchmark and write its results."""
    settings = Settings()
    endpoint = resolve_endpoint(settings)
    server = None
    if endpoint is None:
        server = EmbeddedLLMServer(settings)
        endpoint = server.start()
    try:
        rows = asyncio.run(_bench(settings, endpoint))
    finally:
        if server is not None:
            server.stop()
    summary = _write(rows, settings, endpoint)
    print(json.dumps(summary["median"], indent=2))


if __name__ == "__main__":
    main()
