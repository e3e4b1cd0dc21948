"""Load and scale: interviews held at once through the real LiveKit server.

Two parts, one run:

1. **One machine.** The stack ``recruiter up`` starts (one ``livekit-server``, the embedded LLM
   server, one worker, SQLite) holds 1, 2, 3 … interviews at once, each with a simulated
   candidate in its own room (the demo role's ``prepared`` persona, spoken in real time over
   WebRTC). Each candidate gives ``--replies`` answers, then ends the interview. A level's
   figure is the median time from the end of an answer to the first recruiter audio the
   candidate hears, over all its candidates. A level is held when that median is under twice
   the one-interview median and every check below passes; the levels stop at the first one
   not held (or at ``--max``). The LLM server's access log gives its requests per reply.
2. **Two nodes.** The engines of a larger deployment on loopback: Redis, two
   ``livekit-server`` nodes sharing it, two workers (one registered with each node),
   PostgreSQL. ``--cluster`` interviews at once, twice, their candidates joining the two
   nodes in turn. A new room goes to the node hosting the fewest (``DevLiveKitServer``'s
   node selector). The nodes' logs say which node hosted each room (Redis routes a candidate
   who joined the other node), the workers' logs which worker took each job.

Checked for every interview in both parts, from the database and what each candidate heard:
no answer lost and none extra (one stored candidate turn per answer given), none duplicated
(turn indices 0…n-1, no turn stored twice), and each candidate heard only their own
interview: the one other participant in its room when the recruiter first spoke was an
agent, the session it was told at the end is no other candidate's, and every answer that
session stores is one this candidate gave (at most 35% of its words changed or added against
the closest, so that an answer stored in two parts is its candidate's in each, and closer to
its own answers than to those of any candidate held at the same time who says other
answers). Part 1's
candidates all say the ``prepared`` persona's answers (its latency levels stay comparable),
so there this finds answers lost or cut apart, not another room's. Part 2's candidates each
say another persona's answers (``prepared``, ``weak``, ``strong`` in turn), each answering
what the recruiter asked (read from what the worker stored) until the closing, and everything
each candidate hears is kept, transcribed with the product's Whisper model and aligned with
what the recruiter turns of its own session say: its own must be closer than those of the
other sessions held at the same time, at a word error rate of at most 0.25, and no run of 8
or more heard words may be missing from it (``LEAK_WORDS``). Audio of another room, be it a
question this candidate was asked too, heard twice, would be such a run: a whole-interview
rate alone would hide it (20 words in 400 are 5%).

Results go to ``bench/results/load.json`` and ``.md``.
Usage: ``.venv/bin/python -m bench.load [--replies 5] [--max 4] [--cluster 2]`` (about 20
minutes on 2 cores; ``--max 0`` runs part 2 alone, about 6 minutes, and keeps the last run's
part 1).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import secrets
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jiwer
import numpy as np
import psutil
from livekit import rtc

from agent.bootstrap import load_voice_models
from agent.room_candidate import RoomCandidate
from agent.rooms import InterviewJob, candidate_token
from agent.stt_whisper import WhisperSTT
from bench.room_latency import PERSONA, ROLE, _answers, _Asked, _first_audio, _Persona
from recruiter_config.settings import LiveKitSettings, Settings
from recruiter_devstack.livekit_dev import DevLiveKitServer, server_binary
from recruiter_devstack.llm_server import EmbeddedLLMServer, endpoint_env
from recruiter_devstack.phone_dev import DevRedis
from recruiter_devstack.stack import DevStack, StackPorts
from recruiter_rehearsal.candidates import Answer
from storage import SessionRepository, create_database, session_factory
from tests.integration.speech import normalise, word_error_rate
from tests.postgres import postgres_server

RESULTS = Path(__file__).parent / "results"
ROUNDS = 2  # part 2 holds its interviews at once this many times
PERSONAS = ("prepared", "weak", "strong")  # part 2's candidates, in turn: distinct answers
MAX_UTTERANCES = 20  # a persona answering what is asked stops here at the latest
OWN_ANSWER_WER = 0.35  # of a stored answer's words, the most changed or added (``_closest``)
HEARD_WER = 0.25  # all heard, transcribed, against the session's recruiter turns
# Heard words in a row that its own session's recruiter turns do not say: another room's
# audio. Whisper mishearing synthetic speech changes a word or three (a name, a number).
LEAK_WORDS = 8


@dataclass
class Interview:
    """One simulated candidate's interview and what it saw."""

    name: str
    livekit_url: str
    batch: str = ""  # the interviews held at the same time share it
    persona: str = PERSONA
    latencies: list[float] = field(default_factory=list)
    answers_given: int = 0
    said: list[str] = field(default_factory=list)  # the words of each answer given
    session_id: str | None = None
    others_in_room: list[str] = field(default_factory=list)
    error: str | None = None
    checks: dict[str, Any] = field(default_factory=dict)
    heard: np.ndarray | None = field(default=None, repr=False)  # where kept (not in results)


async def hold_interview(
    settings: Settings, livekit: LiveKitSettings, answers: list[Answer] | _Persona,
    replies: int, record: Interview, *, keep_audio: bool = False,
) -> Interview:  # fmt: skip
    """Join a fresh room as ``record.name``, give ``replies`` answers, end the interview, and
    return what was measured, with all it heard where ``keep_audio`` (never raises: a failure
    is kept in ``Interview.error``). ``answers``: said in order whatever is asked; or a
    persona, which answers what was asked (``bench.room_latency._Asked``: a follow-up gets
    its next line for that question) and stops once the closing is said."""
    name = record.name
    room = f"iv-load-{secrets.token_hex(4)}"
    token = candidate_token(
        livekit, room=room, identity=name, job=InterviewJob(role_id=ROLE, mode="exam"),
        agent_name=settings.web.agent_name, ttl_s=1200, name=name,
    )  # fmt: skip
    # The deep queue: several candidates share this event loop.
    candidate = RoomCandidate(keep_audio=keep_audio)
    asked = None if isinstance(answers, list) else _Asked(settings, room)
    try:
        await candidate.join(livekit.url, token)
        spoke_at = await candidate.wait_for_state("speaking", 0.0, timeout_s=300)
        # Who else is in the room once the recruiter speaks (the job leaves once it is over).
        record.others_in_room = [
            f"{p.identity} ({rtc.ParticipantKind.Name(p.kind)})"
            for p in candidate.room.remote_participants.values()
        ]
        for n in range(len(answers) if isinstance(answers, list) else MAX_UTTERANCES):
            await candidate.wait_for_state("listening", spoke_at, timeout_s=180)
            await asyncio.sleep(0.8)  # a person's pause before answering
            if asked is not None and isinstance(answers, _Persona):
                question = await asked.after_next_turn()
                if asked.ended or question is None:
                    break  # the closing was said: the interview ends by itself
                line = answers.next_to(question)
                if line is None:  # silent this time: the recruiter prompts or asks again
                    spoke_at = await candidate.wait_for_state("speaking", time.time(), 90)
                    continue
                answer = line
            else:
                answer = answers[n]
            ended = await candidate.say(answer.samples[: answer.voiced_end])
            record.answers_given += 1
            record.said.append(answer.text or "")
            spoke_at = await candidate.wait_for_state("speaking", ended, timeout_s=60)
            first = await _first_audio(candidate, ended)
            if first is not None:
                record.latencies.append(round(first - ended, 3))
            if len(record.latencies) >= replies:
                break
        if asked is None or not asked.ended:
            await candidate.end_interview()
        ended_event = await candidate.wait_for_event("ended", timeout_s=180)
        record.session_id = ended_event.get("session_id")
    except Exception as e:  # a level goes on with its other candidates; the failure is kept
        record.error = f"{type(e).__name__}: {e}"
    finally:
        if asked is not None:
            asked.close()
        await candidate.leave()
    if keep_audio:
        record.heard = candidate.heard.samples()
    return record


def check_stored(database_url: str, interviews: list[Interview]) -> None:
    """Fill each interview's ``checks`` from what the database stored for its session."""
    engine = create_database(database_url)
    db = session_factory(engine)
    seen: set[str] = set()
    try:
        for record in interviews:
            if record.session_id is None:
                record.checks = {"stored": False}
                continue
            with db() as s:
                turns = SessionRepository(s).turns(record.session_id)
                stored = SessionRepository(s).get(record.session_id)
            said = [t.text for t in turns if t.speaker == "candidate"]
            distinct = {(t.speaker, t.text, t.start_s) for t in turns}
            # Each stored answer is one this candidate gave (its words, heard by Whisper), and
            # closer to those than to any given by a candidate held at the same time.
            # (An answer stored in two parts, which "answers split" counts, is own in each.)
            others = [r for r in interviews if r.batch == record.batch and r is not record]
            own = bool(said) and all(
                _closest(heard, record.said) <= OWN_ANSWER_WER
                and all(_closest(heard, record.said) < _closest(heard, r.said) for r in others
                        if r.persona != record.persona)
                for heard in said
            )  # fmt: skip
            record.checks = {
                "stored": True,
                "stored_answers": said,  # the simulated candidate's scripted words, not a person's
                "status": stored.status if stored else None,
                "candidate_turns": len(said),
                "answers_lost": max(0, len(record.said) - len(said)),
                "extra_turns": max(0, len(said) - len(record.said)),
                "turns_duplicated": len(turns) - len(distinct),
                "indices_in_order": [t.index for t in turns] == list(range(len(turns))),
                "own_session_only": own
                and record.session_id not in seen
                and len(record.others_in_room) == 1
                and "AGENT" in record.others_in_room[0],
            }
            seen.add(record.session_id)
    finally:
        engine.dispose()


def _closest(heard: str, given: list[str]) -> float:
    """The share of ``heard``'s words (normalised) that the closest of ``given`` does not say
    where they align, words changed or added (1.0 for none): a stored answer is one given
    when few of its words are not, even where it holds only part of it (an answer stored in
    two parts)."""
    words = normalise(heard).split()
    shares = []
    for text in given:
        if not normalise(text) or not words:
            continue
        out = jiwer.process_words(normalise(text), " ".join(words))
        shares.append((out.substitutions + out.insertions) / len(words))
    return min(shares, default=1.0)


def check_heard(database_url: str, interviews: list[Interview], stt: WhisperSTT) -> None:
    """Add to each interview's ``checks`` whether all its candidate heard (transcribed) is its
    own session's recruiter turns: the closest of the sessions held at the same time, at a
    word error rate of at most ``HEARD_WER``."""
    engine = create_database(database_url)
    db = session_factory(engine)
    said: dict[str, str] = {}  # each session's recruiter turns, as one text
    try:
        for record in interviews:
            if record.session_id is not None:
                with db() as s:
                    turns = SessionRepository(s).turns(record.session_id)
                said[record.session_id] = " ".join(t.text for t in turns
                                                   if t.speaker == "recruiter")  # fmt: skip
    finally:
        engine.dispose()
    for record in interviews:
        if record.session_id is None or record.heard is None:
            record.checks["heard_own_only"] = False
            continue
        heard = stt.transcribe(record.heard).text
        own = word_error_rate(said[record.session_id], heard)
        held = [r.session_id for r in interviews if r.batch == record.batch and r is not record]
        others = [word_error_rate(said[i], heard) for i in held if i in said]
        unsaid = _longest_unsaid(said[record.session_id], heard)
        record.checks |= {
            "heard_s": round(record.heard.size / 16000, 1),
            "heard_wer_own": round(own, 3),
            "heard_wer_others": [round(x, 3) for x in others],
            "heard_unsaid_run": unsaid,
            "heard_own_only": own <= HEARD_WER
            and all(own < x for x in others)
            and unsaid < LEAK_WORDS,
        }
        record.checks["own_session_only"] = (
            record.checks.get("own_session_only") and record.checks["heard_own_only"]
        )


def _longest_unsaid(said: str, heard: str) -> int:
    """The longest run of ``heard``'s words (normalised) that ``said`` does not say where the
    two align: words inserted or changed, a deletion between them not ending the run."""
    truth, words = normalise(said), normalise(heard)
    if not truth or not words:
        return len(words.split())
    longest = run = 0
    for chunk in jiwer.process_words(truth, words).alignments[0]:
        if chunk.type == "equal":
            run = 0
        else:
            run += chunk.hyp_end_idx - chunk.hyp_start_idx
            longest = max(longest, run)
    return longest


async def run_level(
    settings: Settings, nodes: list[LiveKitSettings],
    answer_sets: list[tuple[str, list[Answer] | _Persona]], count: int, replies: int, label: str,
    *, keep_audio: bool = False, first: int = 0,
) -> list[Interview]:  # fmt: skip
    """``count`` interviews at once, candidates joining ``nodes`` in turn, 2 s apart; each
    says the answers of ``answer_sets`` (persona, answers) in turn, from the ``first`` (a
    ``_Persona`` answers what is asked: one per interview)."""

    async def one(i: int) -> Interview:
        await asyncio.sleep(2.0 * i)
        node = nodes[i % len(nodes)]
        persona, answers = answer_sets[(first + i) % len(answer_sets)]
        record = Interview(name=f"{label}-{i + 1}", livekit_url=node.url, batch=label,
                           persona=persona)  # fmt: skip
        return await hold_interview(settings, node, answers, replies, record,
                                    keep_audio=keep_audio)  # fmt: skip

    return list(await asyncio.gather(*(one(i) for i in range(count))))


def level_row(count: int, interviews: list[Interview]) -> dict[str, Any]:
    """One level's figures."""
    latencies = [x for r in interviews for x in r.latencies]
    return {
        "interviews": count,
        "replies": len(latencies),
        "median_s": round(statistics.median(latencies), 2) if latencies else None,
        "worst_s": round(max(latencies), 2) if latencies else None,
        "answers_lost": sum(r.checks.get("answers_lost", r.answers_given) for r in interviews),
        "turns_duplicated": sum(r.checks.get("turns_duplicated", 0) for r in interviews),
        "extra_turns": sum(r.checks.get("extra_turns", 0) for r in interviews),
        "indices_in_order": sum(bool(r.checks.get("indices_in_order")) for r in interviews),
        "own_session_only": sum(bool(r.checks.get("own_session_only")) for r in interviews),
        "heard_own_only": sum(bool(r.checks.get("heard_own_only")) for r in interviews),
        "completed": sum(r.checks.get("status") == "completed" for r in interviews),
        "errors": [f"{r.name}: {r.error}" for r in interviews if r.error],
        "detail": [{k: v for k, v in r.__dict__.items() if k != "heard"} for r in interviews],
    }


def _held(row: dict[str, Any], base: float | None) -> bool:
    """A level is held when every interview completed, nothing was lost, duplicated or mixed
    up, and the median reply is under twice the one-interview median."""
    n = row["interviews"]
    return (
        base is not None
        and row["median_s"] is not None
        and row["median_s"] < 2 * base
        and not row["errors"]
        and row["completed"] == n
        and row["own_session_only"] == n
        and row["indices_in_order"] == n
        and row["answers_lost"] == row["turns_duplicated"] == row["extra_turns"] == 0
    )


def _home(tmp: Path) -> Settings:
    (tmp / "models").symlink_to(Settings().models_dir, target_is_directory=True)
    return Settings(home=tmp)


async def one_machine(max_level: int, replies: int, logs: Path) -> list[dict[str, Any]]:
    """Part 1: levels of 1, 2, … interviews on ``recruiter up``'s stack."""
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="load-one-") as tmp:
        settings = _home(Path(tmp))
        answers: list[tuple[str, list[Answer] | _Persona]] = [
            (PERSONA, _answers(settings, PERSONA))
        ]
        stack = DevStack(settings, livekit_binary=server_binary(Settings()), log_dir=logs / "one")
        with stack:
            assert stack.livekit is not None
            settings = settings.model_copy(update={"livekit": stack.livekit})
            llm_log = stack.logs / "llm-server.log"
            for count in range(1, max_level + 1):
                print(f"one machine: {count} at once …", flush=True)
                requests, peak = _requests(llm_log), PeakMemory(settings.home)
                sampling = asyncio.create_task(peak.sample())
                interviews = await run_level(settings, [stack.livekit], answers, count,
                                             replies, f"one-{count}")  # fmt: skip
                sampling.cancel()
                check_stored(settings.resolved_database_url, interviews)
                row = level_row(count, interviews)
                row["llm_requests"] = _requests(llm_log) - requests
                row["peak_worker_gib"] = round(peak.bytes / 2**30, 2)
                rows.append(row)
                print(json.dumps({k: v for k, v in row.items() if k != "detail"}), flush=True)
                base = rows[0]["median_s"]
                if not _held(row, base):
                    break
    return rows


async def two_nodes(count: int, replies: int, logs: Path) -> dict[str, Any]:
    """Part 2: Redis, two LiveKit nodes, two workers, PostgreSQL; ``count`` at once."""
    installed = Settings()
    with tempfile.TemporaryDirectory(prefix="load-two-") as tmp, postgres_server() as pg:
        home = Path(tmp)
        settings = _home(home).model_copy(update={"database_url": pg.url})
        # One persona answering what is asked per interview (each keeps what it has said).
        answers: list[tuple[str, list[Answer] | _Persona]] = [
            (PERSONAS[i % len(PERSONAS)], _Persona(settings, PERSONAS[i % len(PERSONAS)]))
            for i in range(count * ROUNDS)
        ]
        redis = DevRedis(6391, log_path=logs / "two" / "redis.log", workdir=home / "redis")
        servers: list[Any] = [redis]
        stacks: list[DevStack] = []
        try:
            redis.start()
            nodes: list[LiveKitSettings] = []
            for i, base in enumerate((17880, 17890)):
                server = DevLiveKitServer(
                    settings, port=base, rtc_tcp_port=base + 1, udp_port=base + 2,
                    log_path=logs / "two" / f"livekit-{i + 1}.log",
                    binary=server_binary(installed), redis_address=redis.address,
                )  # fmt: skip
                servers.append(server)
                nodes.append(server.start())
            # The schema first: two workers' first jobs would otherwise both create it.
            create_database(pg.url).dispose()
            llm = EmbeddedLLMServer(settings, log_path=logs / "two" / "llm-server.log")
            servers.append(llm)
            endpoint = llm.start()
            for i, node in enumerate(nodes):
                stack = DevStack(
                    settings.model_copy(update={"livekit": node}), external_livekit=True,
                    ports=StackPorts(worker_http=18081 + i), log_dir=logs / "two" / f"w{i + 1}",
                )  # fmt: skip
                stack.env["RECRUITER_DATABASE_URL"] = pg.url
                stack.env.update(endpoint_env(endpoint))
                stack.start_livekit()
                stacks.append(stack)
                stack.start_worker()
            interviews: list[Interview] = []
            for round_ in range(1, ROUNDS + 1):  # the node hosting fewer rooms gets the next
                print(f"two nodes: {count} at once, round {round_} …", flush=True)
                interviews += await run_level(settings, nodes, answers, count, replies,
                                              f"two-{round_}", keep_audio=True,
                                              first=(round_ - 1) * count)  # fmt: skip
            check_stored(pg.url, interviews)
            check_heard(pg.url, interviews, load_voice_models(settings).stt)
            row = level_row(len(interviews), interviews) | {"at_once": count, "rounds": ROUNDS}
            row["jobs_per_worker"] = [
                _count(logs / "two" / f"w{i + 1}" / "worker.log", "received job request", "job_id")
                for i in range(len(stacks))
            ]
            # A room is hosted by one node, whichever the candidate joined (Redis routes).
            row["rooms_per_node"] = [
                _count(logs / "two" / f"livekit-{i + 1}.log", "starting RTC session", "room")
                for i in range(len(nodes))
            ]
        finally:
            for stack in stacks:
                stack.stop()
            for server in reversed(servers):
                server.stop()
    print(json.dumps({k: v for k, v in row.items() if k != "detail"}), flush=True)
    return row


class PeakMemory:
    """The most memory (PSS) the worker of the stack at ``home`` and its job processes held
    at once, sampled every 2 s."""

    def __init__(self, home: Path) -> None:
        self._home = f"RECRUITER_HOME={home}"
        self.bytes = 0

    async def sample(self) -> None:
        """Sample until cancelled."""
        while True:
            self.bytes = max(self.bytes, await asyncio.to_thread(self._now))
            await asyncio.sleep(2.0)

    def _now(self) -> int:
        for proc in psutil.process_iter(["cmdline"]):
            cmd = proc.info["cmdline"] or []
            if "worker" not in cmd or "start" not in cmd:
                continue
            with contextlib.suppress(psutil.Error):
                if self._home in (f"{k}={v}" for k, v in proc.environ().items()):
                    tree = [proc, *proc.children(recursive=True)]
                    return sum(_pss(p) for p in tree)
        return 0


def _pss(proc: psutil.Process) -> int:
    try:
        return int(proc.memory_full_info().pss)
    except psutil.Error:
        return 0


def _requests(log: Path) -> int:
    """Chat completions the embedded LLM server has answered (its access log)."""
    if not log.is_file():
        return 0
    return log.read_text(errors="replace").count('"POST /v1/chat/completions')


def _count(log: Path, marker: str, key: str) -> int:
    """Distinct values of ``"key"`` on the log's lines that contain ``marker``."""
    found = set()
    for line in log.read_text(errors="replace").splitlines():
        if marker in line and (m := re.search(rf'"{key}": "([^"]+)"', line)):
            found.add(m.group(1))
    return len(found)


def write_results(
    one: list[dict[str, Any]], two: dict[str, Any] | None, replies: int,
    one_when: str | None = None,
) -> None:  # fmt: skip
    """Write ``load.json`` and ``load.md``; ``one_when`` dates part 1's rows when they come
    from an earlier run (``--max 0``)."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "load.json").write_text(json.dumps(
        {"when": when, "machine": platform.platform(), "cpus": os.cpu_count(),
         "replies_per_interview": replies, "one_machine": one,
         "one_machine_when": one_when or when, "two_nodes": two},
        indent=2, default=str) + "\n")  # fmt: skip
    base = one[0]["median_s"] if one and one[0]["median_s"] else None
    lines = [
        "# Load and scale: interviews at once through LiveKit",
        "",
        f"Run {when} on {platform.platform()} ({os.cpu_count()} CPUs) by `python -m bench.load`"
        f"; {replies} replies timed per interview. Reply: end of the candidate's answer to "
        "the first recruiter audio the candidate hears (through the LiveKit server).",
        "",
        "## One machine (one LiveKit server, one worker, embedded LLM, SQLite)",
        "",
        *([f"From the run of {one_when} (this run was `--max 0`).", ""] if one_when else []),
        "| at once | replies | median | ratio to one | worst | answers lost | answers split "
        "| turns duplicated "
        "| own interview only | completed | LLM requests per reply | worker memory (PSS) "
        "| held |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in one:
        ratio = f"{row['median_s'] / base:.2f}" if base and row["median_s"] else "-"
        lines.append(
            f"| {row['interviews']} | {row['replies']} | {row['median_s']} s | {ratio} "
            f"| {row['worst_s']} s | {row['answers_lost']} | {row['extra_turns']} "
            f"| {row['turns_duplicated']} "
            f"| {row['own_session_only']} of {row['interviews']} "
            f"| {row['completed']} of {row['interviews']} "
            f"| {row.get('llm_requests', 0) / max(1, row['replies']):.1f} "
            f"| {row.get('peak_worker_gib', 0)} GiB "
            f"| {'yes' if _held(row, base) else 'no'} |"
        )
    held = [r["interviews"] for r in one if _held(r, base)]
    lines += ["", f"Held before the median doubled: **{max(held) if held else 0}**."]
    if two is not None:
        lines += [
            "",
            "## Two LiveKit nodes sharing Redis, two workers, PostgreSQL",
            "",
            f"- interviews: {two['interviews']} ({two['at_once']} at once, {two['rounds']} "
            f"rounds), replies timed: {two['replies']}, "
            f"median {two['median_s']} s, worst {two['worst_s']} s",
            f"- answers lost: {two['answers_lost']}; turns duplicated: "
            f"{two['turns_duplicated']}; answers split: {two['extra_turns']}; completed: "
            f"{two['completed']} of {two['interviews']}",
            f"- each candidate heard only their own interview: {two['own_session_only']} of "
            f"{two['interviews']} (candidates saying the personas {', '.join(PERSONAS)} in "
            "turn; all each heard, transcribed, closest to its own session's recruiter turns "
            f"with no run of {LEAK_WORDS} or more words they do not say: "
            f"{two.get('heard_own_only', 0)} of {two['interviews']}; word error rate against "
            "its own / the other session held at once, and the longest run of words heard that "
            f"its own does not say: {_heard_rates(two)})",
            f"- both workers took interviews and both nodes hosted rooms: "
            f"{'yes' if min(two['jobs_per_worker'] + two['rooms_per_node']) > 0 else 'no'}",
            f"- jobs taken by worker 1 and worker 2: {two['jobs_per_worker']}; rooms hosted by "
            f"node 1 and node 2: {two['rooms_per_node']} (a new room goes to the node hosting "
            "the fewest; a candidate who joined the other node is routed to it)",
        ]
    errors = [e for r in [*one, *([two] if two else [])] for e in r["errors"]]
    if errors:
        lines += ["", "Errors:", *(f"- {e}" for e in errors)]
    (RESULTS / "load.md").write_text("\n".join(lines) + "\n")


def _heard_rates(two: dict[str, Any]) -> str:
    """Each candidate's heard-audio word error rates, own / others, for the results."""
    rates = []
    for r in two["detail"]:
        own, others = r["checks"].get("heard_wer_own"), r["checks"].get("heard_wer_others", [])
        unsaid = r["checks"].get("heard_unsaid_run")
        rates.append(f"{own} / {', '.join(str(x) for x in others) or '-'}, {unsaid} words")
    return "; ".join(rates)


async def main_async(args: argparse.Namespace) -> None:
    logs = Path(args.logs or tempfile.mkdtemp(prefix="load-logs-"))
    started = time.monotonic()
    one: list[dict[str, Any]] = []
    one_when = None
    if args.max > 0:
        one = await one_machine(args.max, args.replies, logs)
    elif (RESULTS / "load.json").is_file():  # part 2 alone keeps the last run's part 1 …
        last = json.loads((RESULTS / "load.json").read_text())
        alike = (last["machine"], last["cpus"], last["replies_per_interview"]) == (
            platform.platform(), os.cpu_count(), args.replies)  # fmt: skip
        if alike and last.get("one_machine"):  # … where it ran on this machine, as this one
            one, one_when = last["one_machine"], last.get("one_machine_when", last["when"])
        else:
            print("part 1 of the last run is not kept: another machine or --replies")
    two = await two_nodes(args.cluster, args.replies, logs) if args.cluster > 0 else None
    write_results(one, two, args.replies, one_when)
    print(f"logs in {logs}; {time.monotonic() - started:.0f} s")


def main() -> None:
    """Run the benchmark and print the results table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--replies", type=int, default=5, help="replies timed per interview (at most 5)"
    )
    parser.add_argument("--max", type=int, default=4, help="most interviews at once (part 1)")
    parser.add_argument(
        "--cluster", type=int, default=2,
        help="interviews at once in part 2 (default 2: what one 2-core machine holds)",
    )  # fmt: skip
    parser.add_argument("--logs", help="keep the stack's logs here")
    args = parser.parse_args()
    asyncio.run(main_async(args))
    print((RESULTS / "load.md").read_text())


if __name__ == "__main__":
    main()
