"""Room latency: end of candidate speech to the first recruiter audio heard, through LiveKit.

One run starts the real stack on loopback (``livekit-server``, the embedded LLM, the worker),
holds one interview of the demo role per persona written for it, as a simulated candidate in
the room (the persona's answers, spoken in real time over WebRTC), and times each reply from the
moment the answer's last sample left the candidate to the first audible recruiter audio
received. An answer the recruiter spoke over (a rambling answer closed politely, or a cut-off)
has no reply after it to time: it is counted per persona instead. In the same run, a headless
rehearsal of the demo role (``prepared`` persona) gives the foundation benchmark's figure on the
same machine and load, so the ratio shows what the room adds.

Results go to ``bench/results/room_latency.json`` and ``.md``.

Usage: ``.venv/bin/python -m bench.room_latency [--per-persona 5] [--personas a,b]
[--logs DIR]`` (``make bench`` runs it too).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import platform
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from agent.bootstrap import load_voice_models
from agent.room_candidate import RoomCandidate
from agent.rooms import InterviewJob, candidate_token
from recruiter_config.settings import Settings, usable_cpus
from recruiter_devstack.livekit_dev import server_binary
from recruiter_devstack.stack import DevStack
from recruiter_llm.client import OpenAIChatClient
from recruiter_rehearsal.candidates import Answer, CandidateVoice, load_persona, shipped_personas
from recruiter_rehearsal.run import MORE_ASKS, RehearsalOptions, run_rehearsal
from recruiter_rehearsal.summary import seconds_cell
from rubrics import load_role
from storage import InterviewSession, Turn, create_database, session_factory

RESULTS = Path(__file__).parent / "results"
ROLE, PERSONA = "demo", "prepared"
_REPLY_TIMEOUT_S = 60.0
_LOOK_BACK_S = 10.0  # the agent's states kept before an answer spoken over (s)
_PAUSE_S = 0.8  # a person's pause before answering, from the recruiter's last sound (s)


def _answers(settings: Settings, name: str) -> list[Answer]:
    """Persona ``name``'s utterances in the role's order (answers, then what it says to
    follow-ups), for a candidate that answers without knowing what was asked."""
    voice = CandidateVoice(load_voice_models(settings).tts.voice)
    persona = load_persona(ROLE, name, voice)
    role = load_role(ROLE)
    spoken: list[Answer] = []
    for ordinal, question in enumerate(role.questions, start=1):
        spoken.extend(a for a in persona.utterances(question.id, ordinal) if a is not None)
    return spoken


class _Persona:
    """Persona ``name``'s utterances, each question's in turn, rendered before the interview."""

    def __init__(self, settings: Settings, name: str) -> None:
        voice = CandidateVoice(load_voice_models(settings).tts.voice)
        persona = load_persona(ROLE, name, voice)
        self.filler = persona.filler()
        questions = load_role(ROLE).questions
        self._by_question = {q.id: persona.utterances(q.id, ordinal)
                             for ordinal, q in enumerate(questions, start=1)}  # fmt: skip
        self._said: dict[str, int] = {}

    def next_to(self, question_id: str) -> Answer | None:
        """What the persona says the next time it is asked for ``question_id`` (None: it stays
        silent this time); the filler once its utterances for it are used up.

        Raises:
            TimeoutError: asked for it ``MORE_ASKS`` times past that (going round in circles).
        """
        index = self._said.get(question_id, 0)
        self._said[question_id] = index + 1
        utterances = self._by_question.get(question_id, [])
        if index >= len(utterances) + MORE_ASKS:
            raise TimeoutError(f"asked about {question_id!r} {index + 1} times")
        return utterances[index] if index < len(utterances) else self.filler


class _Asked:
    """The question the recruiter waits for an answer to, read from what the worker stored:
    the last question or follow-up among the room's recruiter turns heard to the end (a reply
    cut off by the candidate going on is dropped and stepped again)."""

    def __init__(self, settings: Settings, room: str) -> None:
        self._engine = create_database(settings.resolved_database_url)
        self._db = session_factory(self._engine)
        self._room = room
        self._seen = 0  # recruiter turns read so far
        self.question_id: str | None = None
        self.ended = False  # the recruiter has said its closing

    async def after_next_turn(self, wait_s: float = 5.0) -> str | None:
        """The question asked, once a recruiter turn past those read is stored (or ``wait_s``
        seconds have passed: the last one known)."""
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if await asyncio.to_thread(self._read):
                break
            await asyncio.sleep(0.1)
        return self.question_id

    def _read(self) -> bool:
        with self._db() as s:
            turns = s.scalars(
                select(Turn).join(InterviewSession, Turn.session_id == InterviewSession.id)
                .where(InterviewSession.channel == self._room, Turn.speaker == "recruiter")
                .order_by(Turn.start_s)
            ).all()  # fmt: skip
            new, self._seen = turns[self._seen :], len(turns)
            heard = [t for t in new if not t.interrupted]
            for turn in heard:
                for event in turn.events or []:
                    if event.get("type") in ("question", "follow-up"):
                        self.question_id = event.get("question_id")
                    self.ended = self.ended or event.get("type") == "end"
            return bool(heard)

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()


@dataclass
class RoomRun:
    """One persona's interview in a room: each reply's latency (s), the answers spoken over,
    and from what the worker stored (``_count_turns``) its candidate turns, answers stored as
    two candidate turns in a row, and answer-began-late flags (issue 12's turn integrity);
    ``stopped`` why the simulated candidate stopped early (a wait that ran out), and ``ending``
    how the stored session ended: its status and reason, and whether the last answer stored got
    a reply (a closing already said, or a recruiter that fell silent)."""

    persona: str
    room: str = ""
    latencies: list[float] = field(default_factory=list)
    talked_over: int = 0
    candidate_turns: int = 0
    in_a_row: int = 0
    latency_flags: int = 0
    stopped: str | None = None
    spoken_over: list[str] = field(default_factory=list)  # when and what, for each
    ending: str = ""


async def _room_session(settings: Settings, persona: _Persona, name: str, want: int) -> RoomRun:
    """One interview in a room; the latency of each reply, until it ends or ``want`` are timed.

    After each recruiter turn the persona answers what was asked (``_Asked``), as the headless
    rehearsal's candidate does: a follow-up gets the persona's next utterance for that question,
    a silence in its script is kept silent. An answer during which the recruiter's audio was
    heard is counted in ``talked_over`` and not timed: what follows it is not a reply to its
    end."""
    room, token = exam_room(settings, ROLE, "iv-bench", ttl_s=600)
    candidate = RoomCandidate(queue_ms=20)  # speech leaves when captured: exact end times
    await candidate.join(settings.livekit.url, token)
    run = RoomRun(name, room)
    asked = _Asked(settings, room)
    try:
        spoke_at = await candidate.wait_for_state("speaking", 0.0, timeout_s=180)
        while True:
            await candidate.wait_for_state("listening", spoke_at, timeout_s=120)
            if any(e.get("type") == "ended" for e in candidate.heard.events):
                break
            question = await asked.after_next_turn()
            # A person's pause before answering, once the recruiter has stopped: a reply said
            # again (dropped for a sound with no words) plays after a moment of listening.
            await _quiet_for(candidate, _PAUSE_S)
            if asked.ended or question is None:
                break  # the closing was said (or the interview never got to its questions)
            answer = persona.next_to(question)
            if answer is None:  # silent this time: the recruiter prompts or asks again
                spoke_at = await candidate.wait_for_state("speaking", time.time(), timeout_s=90)
                continue
            began = time.time()
            ended = await candidate.say(answer.samples[: answer.voiced_end])
            if any(began < t < ended for t in candidate.heard.loud_at):
                run.talked_over += 1
                run.spoken_over.append(_spoken_over(candidate, question, began, ended))
                print(f"  answer spoken over ({run.talked_over}): {run.spoken_over[-1]}",
                      flush=True)  # fmt: skip
                spoke_at = ended
                continue
            # No reply within this: the interview has closed (the closing line was the last).
            spoke_at = await candidate.wait_for_state("speaking", ended, timeout_s=20)
            first = await _first_audio(candidate, ended)
            if first is not None:
                run.latencies.append(first - ended)
                print(f"  reply {len(run.latencies)}: {first - ended:.2f} s", flush=True)
            if len(run.latencies) >= want:
                break
    except TimeoutError as e:
        run.stopped = f"{e} (after {len(run.latencies)} replies timed)"
        print(f"  session stopped: {e}", flush=True)
    finally:
        asked.close()
        await candidate.leave()
    return run


def exam_room(settings: Settings, role_id: str, prefix: str, ttl_s: int) -> tuple[str, str]:
    """A new room for one interview of ``role_id`` in exam mode (no coaching tips between
    questions), named ``prefix``-random, and the simulated candidate's token for it, valid
    ``ttl_s`` seconds, which dispatches the interview's job to the worker."""
    room = f"{prefix}-{secrets.token_hex(4)}"
    job = InterviewJob(role_id=role_id, mode="exam")
    token = candidate_token(
        settings.livekit, room=room, identity="candidate-bench", job=job,
        agent_name=settings.web.agent_name, ttl_s=ttl_s,
    )  # fmt: skip
    return room, token


def _spoken_over(candidate: RoomCandidate, question: str, began: float, ended: float) -> str:
    """Where the recruiter's audio fell in an answer to ``question`` (seconds from its start)
    and the agent's states from ``_LOOK_BACK_S`` before it: a reply begun over the answer, or
    one still playing (or begun again) when it began."""
    loud = [t - began for t in candidate.heard.loud_at if began < t < ended]
    states = [f"{t - began:+.1f} {state}" for t, state in candidate.heard.agent_states
              if began - _LOOK_BACK_S <= t <= ended]  # fmt: skip
    return (f"{question}: audible {loud[0]:.1f}-{loud[-1]:.1f} s into a {ended - began:.1f} s "
            f"answer; agent states (s from its start): {', '.join(states) or 'none'}")  # fmt: skip


async def _quiet_for(candidate: RoomCandidate, quiet_s: float, timeout_s: float = 60.0) -> None:
    """Wait until the agent is listening and its audio has been silent for ``quiet_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        states, loud = candidate.heard.agent_states, candidate.heard.loud_at
        listening = bool(states) and states[-1][1] == "listening"
        last = max(loud[-1] if loud else 0.0, states[-1][0] if states else 0.0)
        if listening and time.time() - last >= quiet_s:
            return
        await asyncio.sleep(0.05)


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


def _count_turns(db: sessionmaker[Session], runs: list[RoomRun]) -> None:
    """Fill each run's turn-integrity counts from the turns and measurements stored for its
    room (read once every interview is over: a turn's measurement is written after it)."""
    with db() as s:
        for run in runs:
            turns = s.scalars(
                select(Turn).join(InterviewSession, Turn.session_id == InterviewSession.id)
                .where(InterviewSession.channel == run.room).order_by(Turn.index)
            ).all()  # fmt: skip
            speakers = [t.speaker for t in turns]
            run.candidate_turns = speakers.count("candidate")
            run.in_a_row = sum(a == b == "candidate" for a, b in itertools.pairwise(speakers))
            run.latency_flags = sum(
                f.get("kind") == "unusual-latency"
                for t in turns if t.measurement is not None for f in t.measurement.flags
            )  # fmt: skip
            run.ending = _ending(s, run.room, turns)


def _ending(s: Session, room: str, turns: Sequence[Turn]) -> str:
    """How the room's stored session ended: status (reason); the last turn stored."""
    record = s.scalars(select(InterviewSession).where(InterviewSession.channel == room)).first()
    if record is None:
        return "no session stored"
    said = f"{record.status}" + (f" ({record.end_reason})" if record.end_reason else "")
    last = turns[-1] if turns else None
    if last is None:
        return f"{said}; no turn stored"
    before = next((t for t in reversed(turns) if t.speaker == "recruiter"), None)
    recruiter = _recruiter_turn(before) if before is not None else "nothing"
    if last.speaker == "candidate":
        return f"{said}; the last answer stored has no reply (the recruiter's last: {recruiter})"
    return f"{said}; last: the recruiter's {recruiter}"


def _recruiter_turn(turn: Turn) -> str:
    """What a stored recruiter turn was (its events), and whether it was cut off."""
    kinds = [e.get("type") for e in turn.events or []]
    what = "closing" if "end" in kinds else "/".join(str(k) for k in kinds) or "line"
    return what + (" (cut off)" if turn.interrupted else "")


def _room_parts(db: sessionmaker[Session]) -> dict[str, Any]:
    """What the worker stored for the room's replies: its own latency and the parts."""
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


def _persona_rows(runs: list[RoomRun]) -> list[str]:
    """Markdown rows: per persona, replies timed, their median and worst (s), answers spoken
    over."""
    rows = [
        "| persona | replies | median s | worst s | answers spoken over | candidate turns"
        " | two candidate turns in a row | answer-began-late flags | stored session |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        median = seconds_cell(statistics.median(r.latencies)) if r.latencies else "-"
        worst = seconds_cell(max(r.latencies)) if r.latencies else "-"
        rows.append(
            f"| {r.persona} | {len(r.latencies)} | {median} | {worst} | {r.talked_over}"
            f" | {r.candidate_turns} | {r.in_a_row} | {r.latency_flags}"
            f" | {r.ending}{'; stopped early: ' + r.stopped if r.stopped else ''} |"
        )
    return rows


def _write(
    runs: list[RoomRun], headless: list[float], parts: dict[str, dict[str, Any]],
    settings: Settings,
) -> dict[str, object]:  # fmt: skip
    room = [v for r in runs for v in r.latencies]
    summary: dict[str, object] = {
        "taken": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, {usable_cpus()} cores",
        "llm": settings.llm.gguf, "stt": settings.stt.model, "role": ROLE,
        "personas": [r.persona for r in runs], "headless_persona": PERSONA,
        **timings("room", room), **timings("headless", headless), "parts_median_s": parts,
        "per_persona": [r.__dict__ for r in runs],
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
        f"`{settings.stt.model}`; role `{ROLE}`, every persona written for it in the room "
        f"(headless: `{PERSONA}`); livekit-server on loopback, the simulated candidate "
        "publishing over WebRTC, first audible frame heard.",
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
        "Per persona in the room (an answer the recruiter spoke over has no reply to time; the",
        "turn counts are read from what the worker stored):",
        "",
        *_persona_rows(runs),
        "",
        "Room replies (s): " + ", ".join(f"{v:.2f}" for v in room),
        "",
        "Headless replies (s): " + ", ".join(f"{v:.2f}" for v in headless),
        "",
    ]
    (RESULTS / "room_latency.md").write_text("\n".join(lines))
    return summary


async def _bench(
    per_persona: int, personas: list[str], logs: Path | None = None
) -> dict[str, object]:
    installed = Settings()
    with tempfile.TemporaryDirectory(prefix="room-bench-") as tmp:
        home = Path(tmp)
        (home / "models").symlink_to(installed.models_dir, target_is_directory=True)
        settings = Settings(home=home)
        with DevStack(settings, livekit_binary=server_binary(installed), log_dir=logs) as stack:
            assert stack.livekit is not None
            settings = settings.model_copy(update={"livekit": stack.livekit})
            print("headless rehearsal …", flush=True)
            headless, headless_parts = await _headless(settings, stack)
            runs: list[RoomRun] = []
            for persona in personas:
                print(f"room session, persona {persona} …", flush=True)
                runs.append(await _room_session(settings, _Persona(settings, persona), persona,
                                                per_persona))  # fmt: skip
            await asyncio.sleep(3.0)  # the last answers' measurements are written after them
            engine = create_database(settings.resolved_database_url)
            try:
                db = session_factory(engine)
                _count_turns(db, runs)
                parts = {"room": _room_parts(db), "headless": headless_parts}
            finally:
                engine.dispose()
        if not any(r.latencies for r in runs) or not headless:
            raise SystemExit("no replies were timed; see the logs above")
        return _write(runs, headless, parts, settings)


def main() -> None:
    """Run the benchmark and print the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--per-persona", type=int, default=5, help="room replies to time per persona (>= 1)"
    )
    parser.add_argument(
        "--personas", help="comma-separated personas (default: every one written for the role)"
    )
    parser.add_argument("--logs", type=Path, help="keep the stack's logs (worker, server) here")
    args = parser.parse_args()
    written = shipped_personas(ROLE)
    personas = args.personas.split(",") if args.personas else written
    unknown = sorted(set(personas) - set(written))
    if unknown:
        parser.error(f"no persona {', '.join(unknown)} for role {ROLE!r}; written: {written}")
    summary = asyncio.run(_bench(max(args.per_persona, 1), personas, args.logs))
    json.dump(summary, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
