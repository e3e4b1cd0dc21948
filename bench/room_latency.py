"""Room latency: end of candidate speech to the first recruiter audio heard, through LiveKit.

One run starts the real stack on loopback (``livekit-server``, the embedded LLM, the worker),
holds interviews of the demo role as a simulated candidate in the room (the ``prepared``
persona's answers, spoken in real time over WebRTC), and times each reply from the moment the
answer's last sample left the candidate to the first audible recruiter audio received. In the
same run, a headless rehearsal of the same role and persona gives the foundation benchmark's
figure on the same machine and load, so the ratio shows what the room adds.

Results go to ``bench/results/room_latency.json`` and ``.md``.

Usage: ``.venv/bin/python -m bench.room_latency [--turns 12] [--logs DIR]`` (``make bench``
runs it too).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from agent.bootstrap import load_voice_models
from agent.room_candidate import RoomCandidate
from agent.rooms import InterviewJob, candidate_token
from recruiter_config.settings import Settings
from recruiter_devstack.livekit_dev import server_binary
from recruiter_devstack.stack import DevStack
from recruiter_llm.client import OpenAIChatClient
from recruiter_rehearsal.candidates import Answer, CandidateVoice, load_persona
from recruiter_rehearsal.run import RehearsalOptions, run_rehearsal
from recruiter_rehearsal.summary import seconds_cell
from rubrics import load_role
from storage import InterviewSession, Turn, create_database, session_factory

RESULTS = Path(__file__).parent / "results"
ROLE, PERSONA = "demo", "prepared"
_REPLY_TIMEOUT_S = 60.0


def _answers(settings: Settings) -> list[Answer]:
    """The persona's utterances in the role's order (answers, then what it says to follow-ups)."""
    voice = CandidateVoice(load_voice_models(settings).tts.voice)
    persona = load_persona(ROLE, PERSONA, voice)
    role = load_role(ROLE)
    spoken: list[Answer] = []
    for ordinal, question in enumerate(role.questions, start=1):
        spoken.extend(a for a in persona.utterances(question.id, ordinal) if a is not None)
    return spoken


async def _room_session(settings: Settings, answers: list[Answer], want: int) -> list[float]:
    """One interview in a room; the latency of each reply, until it ends or ``want`` are timed."""
    room = f"iv-bench-{secrets.token_hex(4)}"
    job = InterviewJob(role_id=ROLE, mode="exam")  # exam: no coaching tips between questions
    token = candidate_token(
        settings.livekit, room=room, identity="candidate-bench", job=job,
        agent_name=settings.web.agent_name, ttl_s=600,
    )  # fmt: skip
    candidate = RoomCandidate(queue_ms=20)  # speech leaves when captured: exact end times
    await candidate.join(settings.livekit.url, token)
    latencies: list[float] = []
    try:
        spoke_at = await candidate.wait_for_state("speaking", 0.0, timeout_s=180)
        for answer in answers:
            await candidate.wait_for_state("listening", spoke_at, timeout_s=120)
            if any(e.get("type") == "ended" for e in candidate.heard.events):
                break
            await asyncio.sleep(0.8)  # a person's pause before answering
            ended = await candidate.say(answer.samples[: answer.voiced_end])
            # No reply within this: the interview has closed (the closing line was the last).
            spoke_at = await candidate.wait_for_state("speaking", ended, timeout_s=20)
            first = await _first_audio(candidate, ended)
            if first is not None:
                latencies.append(first - ended)
                print(f"  reply {len(latencies)}: {first - ended:.2f} s", flush=True)
            if len(latencies) >= want:
                break
    except TimeoutError as e:
        print(f"  session stopped: {e}", flush=True)
    finally:
        await candidate.leave()
    return latencies


async def _first_audio(candidate: RoomCandidate, after: float) -> float | None:
    deadline = time.monotonic() + _REPLY_TIMEOUT_S
    while time.monotonic() < deadline:
        found = candidate.first_loud_after(after)
        if found is not None:
            return found
        await asyncio.sleep(0.02)
    return None


PARTS = ("endpointing_s", "stt_s", "llm_ttft_s", "tts_ttfa_s")


def _medians(rows: list[dict[str, float | None]]) -> dict[str, float | None]:
    """The median of each pipeline part over the replies that have it."""
    out: dict[str, float | None] = {}
    for part in ("agent_latency_s", *PARTS):
        values = [v for r in rows if (v := r.get(part)) is not None]
        out[part] = round(statistics.median(values), 3) if values else None
    return out


async def _headless(settings: Settings, stack: DevStack) -> tuple[list[float], dict[str, Any]]:
    assert stack.endpoint is not None
    chat = OpenAIChatClient(stack.endpoint)
    try:
        result = await run_rehearsal(
            settings, RehearsalOptions(role=ROLE, persona=PERSONA), chat=chat,
            models=load_voice_models(settings),
        )  # fmt: skip
    finally:
        await chat.aclose()
    rows = [
        {"agent_latency_s": s.end_of_speech_to_first_audio_s} | {p: getattr(s, p) for p in PARTS}
        for s in result.latency
    ]
    return [s.end_of_speech_to_first_audio_s for s in result.latency], _medians(rows)


def _room_parts(settings: Settings) -> dict[str, Any]:
    """What the worker stored for the room's replies: its own latency and the parts."""
    db = session_factory(create_database(settings.resolved_database_url))
    with db() as s:
        turns = s.scalars(
            select(Turn).join(InterviewSession, Turn.session_id == InterviewSession.id)
            .where(InterviewSession.channel.like("iv-bench-%"))
            .where(Turn.speaker == "recruiter").where(Turn.latency_s.is_not(None))
        ).all()  # fmt: skip
        rows = [{"agent_latency_s": t.latency_s, **{p: getattr(t, p) for p in PARTS}}
                for t in turns]  # fmt: skip
    return _medians(rows)


def parts_table(parts: dict[str, dict[str, Any]]) -> list[str]:
    """Markdown rows of each path's median parts (s), in the order of ``parts``."""
    return [
        "| path | agent | endpointing | STT | LLM TTFT | TTS first audio |",
        "|---|---|---|---|---|---|",
        *(
            f"| {name} | "
            + " | ".join(seconds_cell(row.get(p)) for p in ("agent_latency_s", *PARTS))
            + " |"
            for name, row in parts.items()
        ),
    ]


def timings(path: str, values: list[float]) -> dict[str, Any]:
    """One path's replies in a summary: ``<path>_s`` (each, s), ``_median_s`` and ``_p95_s``."""
    return {f"{path}_s": [round(v, 3) for v in values],
            f"{path}_median_s": round(statistics.median(values), 3),
            f"{path}_p95_s": round(_p95(values), 3)}  # fmt: skip


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _write(
    room: list[float], headless: list[float], parts: dict[str, dict[str, Any]], settings: Settings
) -> dict[str, object]:
    summary: dict[str, object] = {
        "taken": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}",
        "llm": settings.llm.gguf, "stt": settings.stt.model, "role": ROLE, "persona": PERSONA,
        **timings("room", room), **timings("headless", headless), "parts_median_s": parts,
    }  # fmt: skip
    summary["median_ratio_room_to_headless"] = round(
        statistics.median(room) / statistics.median(headless), 3
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "room_latency.json").write_text(json.dumps(summary, indent=2) + "\n")
    lines = [
        "# Room latency: end of candidate speech to first recruiter audio, through LiveKit",
        "",
        f"Taken {summary['taken']} on {summary['machine']}; LLM `{settings.llm.gguf}`, STT "
        f"`{settings.stt.model}`; role `{ROLE}`, persona `{PERSONA}`; livekit-server on "
        "loopback, the simulated candidate publishing over WebRTC, first audible frame heard.",
        "",
        "| path | replies | median s | p95 s |",
        "|---|---|---|---|",
        f"| room (LiveKit) | {len(room)} | {summary['room_median_s']} | {summary['room_p95_s']} |",
        f"| headless (same run) | {len(headless)} | {summary['headless_median_s']} | "
        f"{summary['headless_p95_s']} |",
        "",
        f"Median ratio room/headless: **{summary['median_ratio_room_to_headless']}**.",
        "",
        "Where the time goes (medians, s, as stored with each reply). *Agent* is the pipeline's",
        "own figure: in the room, livekit-agents' end-to-end latency (from the end of speech as",
        "its VAD saw it); headless, the rehearsal's (from the true end of speech). It runs on a",
        "different clock from the figure heard above, so compare the parts row against row.",
        "",
        *parts_table(parts),
        "",
        "Room replies (s): " + ", ".join(f"{v:.2f}" for v in room),
        "",
        "Headless replies (s): " + ", ".join(f"{v:.2f}" for v in headless),
        "",
    ]
    (RESULTS / "room_latency.md").write_text("\n".join(lines))
    return summary


async def _bench(turns: int, logs: Path | None = None) -> dict[str, object]:
    installed = Settings()
    with tempfile.TemporaryDirectory(prefix="room-bench-") as tmp:
        home = Path(tmp)
        (home / "models").symlink_to(installed.models_dir, target_is_directory=True)
        settings = Settings(home=home)
        answers = _answers(settings)
        with DevStack(settings, livekit_binary=server_binary(installed), log_dir=logs) as stack:
            assert stack.livekit is not None
            settings = settings.model_copy(update={"livekit": stack.livekit})
            print("headless rehearsal …", flush=True)
            headless, headless_parts = await _headless(settings, stack)
            room: list[float] = []
            for session in range(1, 6):
                if len(room) >= turns:
                    break
                print(f"room session {session} …", flush=True)
                room += await _room_session(settings, answers, turns - len(room))
            parts = {"room": _room_parts(settings), "headless": headless_parts}
        if not room or not headless:
            raise SystemExit("no replies were timed; see the logs above")
        return _write(room, headless, parts, settings)


def main() -> None:
    """Run the benchmark and print the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=12, help="room replies to time (>= 10)")
    parser.add_argument("--logs", type=Path, help="keep the stack's logs (worker, server) here")
    args = parser.parse_args()
    summary = asyncio.run(_bench(max(args.turns, 10), args.logs))
    json.dump(summary, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
