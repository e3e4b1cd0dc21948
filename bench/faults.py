"""Faults in parts: the LLM server killed, hung, answering 500 or garbage; STT and TTS raising.

Each fault is held through headless interviews (``run_rehearsal``: the real Whisper, Piper,
silero VAD and embedded LLM server) of a ten-question script until it has met at least
``--trials`` replies to answers (20 by default; at most four interviews a fault). What the
bench measures, from the stored turns:

- for each reply, the gap from the end of the candidate's speech to the recruiter's first
  audio less the turn-taking hold (``gap_s``); the issue's bar is 2 s. The whole time from the
  end of speech is reported beside it, and the same figures without a fault (``none``) come
  from the same run;
- candidate turns left without a reply;
- nothing recorded lost: the answers the simulated candidate spoke against the candidate turns
  stored, every planned question asked once and answered, the session completed and scored.

How each fault is made:

- LLM faults go through ``bench.fault_proxy.FaultyLLM`` (aiohttp) in front of the real server,
  switched on once the first question has been asked (before that the rehearsal checks the
  server): ``killed`` stops listening and resets every connection (what a killed server's
  host answers), ``hung`` accepts requests and never answers, ``http-500`` answers every
  request with an error, ``broken-stream`` answers 200 with an event stream that is not JSON,
  and ``nonsense`` streams well-formed chunks of nonsense text;
- ``restarted``: the real LLM server's process is killed with SIGKILL as the first question is
  asked (the product talks to it directly: its port refuses), and started again after
  ``RESTART_AFTER`` more recruiter turns; the bench counts the LLM's text used after it is back
  (the product asks it again on each reply; nothing keeps it marked down);
- ``stt-raises`` and ``tts-raises``: the first attempt of every transcription (of every
  sentence synthesized) raises, as a model runtime does on a transient fault; later attempts
  work. Each interview starts with the TTS's sentence cache empty;
- ``postgres-restart``: the interview is stored in PostgreSQL, which is stopped (fast
  shutdown: open connections cut) as the candidate starts an answer and started again 5 s
  later, over and over until it has been restarted ``--trials`` times; the journal's log says
  which outages met a write it had to keep and retry.

Results go to ``bench/results/faults.json`` and ``.md``.
Usage: ``.venv/bin/python -m bench.faults [--trials 20] [--only killed,hung]`` (about 3.5
minutes an interview on 2 cores; about 40 minutes for all). With ``--only``, the other faults'
results already in ``faults.json`` are kept, each with the time it was taken.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import platform
import signal
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from agent.bootstrap import VoiceModels, load_voice_models
from agent.headless_io import CandidateMic
from bench.fault_proxy import LLM_FAULTS, FaultyLLM
from recruiter_config.settings import LLMSettings, Settings
from recruiter_devstack.llm_server import EmbeddedLLMServer
from recruiter_llm.client import OpenAIChatClient
from recruiter_rehearsal.run import RehearsalOptions, run_rehearsal
from storage import SessionRepository, create_database, session_factory
from tests.postgres import PostgresServer, postgres_server

RESULTS = Path(__file__).parent / "results"
BAR_S = 2.0  # the bar: a reply within 2 s of the end of the answer
MODEL_FAULTS = ("stt-raises", "tts-raises")
FAULTS = ("none", *LLM_FAULTS, "restarted", *MODEL_FAULTS, "postgres-restart")
RESTART_AFTER = 4  # "restarted": recruiter turns said while the LLM server is down
OUTAGE_S = 5.0  # how long PostgreSQL stays down each time (the figure)
MAX_INTERVIEWS = 4  # per fault: a fault that leaves no replies to count stops here

# Ten questions, one follow-up each where the answer leaves room: every reply asks the LLM for
# an acknowledgement and, on the first answer to a question, for a follow-up.
TOPICS = [
    ("first-job", "Tell me about your first job.",
     "I packed orders in a warehouse and learned to check every label twice."),
    ("hard-customer", "Tell me about a time you helped an upset customer.",
     "A customer had a wrong bill, so I refunded the fee and fixed the address that day."),
    ("busy-day", "How do you stay calm on a very busy day?",
     "I write a short list, take one ticket at a time and breathe between calls."),
    ("mistake", "Tell me about a mistake you made at work.",
     "I sent a report with old numbers, told my manager within the hour and sent a fix."),
    ("teamwork", "Describe a time you helped a colleague.",
     "A new colleague was stuck on refunds, so I sat with her for two mornings."),
    ("change", "Tell me about a change at work you found hard.",
     "We moved to a new ticket system, so I wrote a one page guide for the team."),
    ("priorities", "How do you decide what to do first?",
     "I look at what blocks a customer most and start there, then the rest by age."),
    ("feedback", "Tell me about feedback that changed how you work.",
     "My lead said my emails were long, so now I put the answer in the first line."),
    ("learning", "What did you learn most recently?",
     "I learned basic spreadsheet formulas to track returns without asking anyone."),
    ("why-us", "Why do you want this job?",
     "I like helping people and your team is known for fixing problems properly."),
]  # fmt: skip
FOLLOW_UP_ANSWER = "It took about a week, and the team still uses it."


def role_yaml() -> str:
    """The bench's ten-question script (each question may get one LLM follow-up)."""
    rubric = {1: "No example and no action described.",
              2: "An example without the candidate's own actions.",
              3: "An example with own actions and an outcome.",
              4: "Own actions, an outcome and a follow-up step.",
              5: "Own actions, a measurable outcome and prevention."}  # fmt: skip
    script = {
        "id": "fault-bench", "version": "1", "title": "Fault bench screen",
        "duration_minutes": 40, "persona": {"name": "Alex", "introduction": "Hi, I'm Alex."},
        "intro": "Ten short questions today.", "closing": "That's all, thank you. Goodbye!",
        "competencies": [{"id": "service", "name": "Customer service",
                          "description": "Helps customers and follows through.",
                          "rubric": rubric}],
        "questions": [{"id": qid, "kind": "behavioural", "text": text,
                       "competencies": ["service"],
                       "follow_up": {"max": 1, "probe": ["result"]}}
                      for qid, text, _ in TOPICS],
    }  # fmt: skip
    return yaml.safe_dump(script, sort_keys=False)


ANSWERS: dict[str, str | list[str]] = {qid: [answer, FOLLOW_UP_ANSWER] for qid, _, answer in TOPICS}


@contextlib.contextmanager
def first_attempts_raise(models: VoiceModels, fault: str) -> Iterator[dict[str, int]]:
    """Make the first attempt of every transcription (``stt-raises``) or synthesis
    (``tts-raises``) raise ``RuntimeError``; yields the count of faults raised."""
    counts = {"raised": 0}
    if fault == "stt-raises":
        target: Any = models.stt
        name = "transcribe"
    elif fault == "tts-raises":
        target, name = models.tts, "_synthesize_sentence"
    else:
        yield counts
        return
    real: Callable[..., Any] = getattr(target, name)
    seen: set[int] = set()
    lock = threading.Lock()

    def flaky(arg: Any, *args: Any, **kwargs: Any) -> Any:
        key = hash(arg.tobytes()) if isinstance(arg, np.ndarray) else hash(arg)
        with lock:
            first = key not in seen
            seen.add(key)
            counts["raised"] += first
        if first:
            raise RuntimeError(f"injected {fault} fault")
        return real(arg, *args, **kwargs)

    setattr(target, name, flaky)
    try:
        yield counts
    finally:
        delattr(target, name)


class Restarts:
    """Restarts PostgreSQL for ``OUTAGE_S`` each time the candidate starts an answer, while
    none is under way; counts restarts, the journal's writes kept for retry, and the outages
    that met at least one write."""

    def __init__(self, pg: PostgresServer) -> None:
        self.pg = pg
        self.done = 0
        self.retried = 0
        self.met: set[int] = set()  # outages (numbered from 1) during which a write was kept
        self._down: int | None = None
        self._busy = threading.Lock()
        self._threads: list[threading.Thread] = []

    def answer_started(self) -> None:
        """Begin an outage in the background unless one is under way."""
        if self._busy.acquire(blocking=False):
            thread = threading.Thread(target=self._outage)
            self._threads.append(thread)
            thread.start()

    def write_kept(self) -> None:
        """The journal kept a write for retry (its log said so)."""
        self.retried += 1
        if self._down is not None:
            self.met.add(self._down)

    def join(self) -> None:
        """Wait for the outage under way to end (the server is up afterwards)."""
        for thread in self._threads:
            thread.join(timeout=60)

    def _outage(self) -> None:
        try:
            self.pg.stop()
            self._down = self.done + 1
            time.sleep(OUTAGE_S)
            self.pg.start()
            self.done += 1
        finally:
            # A write kept just after the restart was refused during the outage.
            threading.Timer(1.0, self._up).start()
            self._busy.release()

    def _up(self) -> None:
        if self._down == self.done:
            self._down = None


class _KeptWrites(logging.Handler):
    def __init__(self, restarts: Restarts) -> None:
        super().__init__(logging.ERROR)
        self._restarts = restarts

    def emit(self, record: logging.LogRecord) -> None:
        if "kept and retried" in record.getMessage():
            self._restarts.write_kept()


@contextlib.contextmanager
def restarting(restarts: Restarts | None) -> Iterator[None]:
    """While open, each answer the simulated candidate starts restarts PostgreSQL."""
    if restarts is None:
        yield
        return
    speak = CandidateMic.speak

    async def speak_and_restart(self: CandidateMic, *args: Any, **kwargs: Any) -> Any:
        restarts.answer_started()
        return await speak(self, *args, **kwargs)

    handler = _KeptWrites(restarts)
    journal_log = logging.getLogger("recruiter.agent")  # where agent.journal logs
    journal_log.addHandler(handler)
    CandidateMic.speak = speak_and_restart  # type: ignore[method-assign]
    try:
        yield
    finally:
        CandidateMic.speak = speak  # type: ignore[method-assign]
        journal_log.removeHandler(handler)
        restarts.join()


def gap_s(latency_s: float, endpointing_s: float | None, stt_s: float | None) -> float:
    """End of speech to first recruiter audio, less the turn-taking hold: the part of
    endpointing not spent waiting for the transcript (a slower transcript counts)."""
    hold = max(0.0, (endpointing_s or 0.0) - (stt_s or 0.0))
    return round(latency_s - hold, 3)


def _llm_written(turn: Any) -> int:
    """How many of a recruiter turn's acknowledgements and follow-ups the LLM wrote."""
    return sum(e.get("source") == "llm" for e in (turn.events or [])
               if e.get("type") in ("acknowledgement", "follow-up"))  # fmt: skip


def _replies(db: Any, session_id: str, back_at: datetime | None = None) -> dict[str, Any]:
    """The stored replies to answers, and whether every planned question was asked once and
    answered, each answer on its question; with ``back_at`` (when a killed LLM server was
    back), how many replies after it used the LLM's text."""
    with db() as s:
        record = SessionRepository(s).get(session_id)
        turns = SessionRepository(s).turns(session_id)
    recruiter = [t for t in turns if t.speaker == "recruiter"]
    replies = [t for t in recruiter if t.latency_s is not None]
    answered = [str(t.question_id) for t in turns if t.speaker == "candidate"]
    asked = [str(e.get("question_id")) for t in recruiter for e in (t.events or [])
             if e.get("type") == "question"]  # fmt: skip
    # A candidate turn followed by another candidate turn (or by nothing) got no reply.
    unanswered = sum(
        1 for a, b in zip(turns, [*turns[1:], None], strict=True)
        if a.speaker == "candidate" and (b is None or b.speaker != "recruiter")
    )  # fmt: skip
    planned = [qid for qid, _, _ in TOPICS]
    sources = [e.get("source") for t in recruiter for e in (t.events or [])
               if e.get("type") in ("acknowledgement", "follow-up")]  # fmt: skip
    after = [t for t in recruiter if back_at is not None
             and (t.created_at if t.created_at.tzinfo else t.created_at.replace(tzinfo=UTC))
             > back_at]  # fmt: skip
    return {
        "status": record.status if record is not None else None,
        "gaps_s": [gap_s(t.latency_s, t.endpointing_s, t.stt_s) for t in replies],  # type: ignore[arg-type]
        "from_end_of_speech_s": [t.latency_s for t in replies],
        "answers": len(answered),
        "unanswered": unanswered,
        "every_question_answered": sorted(asked) == sorted(planned)
        and set(answered) == set(planned),
        "llm_sources": sources,
        "back": back_at is not None,
        "llm_after_back": sum(_llm_written(t) for t in after),
        # Why each follow-up after it was the script's: "not ready in time" (the server was
        # reached, but slow) or the server's fault ("llm-unavailable", "timeout", "failed").
        "fallbacks_after_back": [
            str(e.get("fallback_reason"))
            for t in after
            for e in (t.events or [])
            if e.get("type") == "follow-up" and e.get("source") == "fallback"
        ],
        "recruiter_texts": [t.text for t in recruiter],
    }


def _killed(server: EmbeddedLLMServer) -> None:
    """SIGKILL the server's process group, as a crash or the OOM killer would."""
    if server.pid is not None:
        os.killpg(server.pid, signal.SIGKILL)
    server.stop()  # (reaps it)


async def one_interview(
    settings: Settings, models: VoiceModels, proxy: FaultyLLM, fault: str,
    restarts: Restarts | None = None, server: EmbeddedLLMServer | None = None,
) -> dict[str, Any]:  # fmt: skip
    """One rehearsal of the bench's script with ``fault`` held from the first question on
    (``restarted``: ``server`` killed then, and started again ``RESTART_AFTER`` turns later)."""
    proxy.set_mode("pass")
    role_path = settings.home / "fault-bench.yaml"
    role_path.write_text(role_yaml(), encoding="utf-8")
    said = 0
    back_at: list[datetime] = []  # when the restarted server answered again
    helpers: list[threading.Thread] = []

    def in_background(target: Callable[[], None]) -> None:
        helpers.append(threading.Thread(target=target))
        helpers[-1].start()

    def on_event(message: str) -> None:
        nonlocal said
        if not message.startswith("assistant"):
            return
        said += 1
        if said == 1 and fault in LLM_FAULTS:
            in_background(lambda: proxy.set_mode(fault))
        elif fault == "restarted" and server is not None and said in (1, 1 + RESTART_AFTER):
            in_background(partial(_killed, server) if said == 1 else partial(_back, server))

    def _back(server: EmbeddedLLMServer) -> None:
        server.start()
        back_at.append(datetime.now(UTC))

    restarted = fault == "restarted" and server is not None
    chat = OpenAIChatClient(server.endpoint if restarted and server else proxy.endpoint)
    # Every interview starts as a job process's first does, with no sentence synthesized yet
    # (else the questions would come from the last interview's cache, never meeting a fault).
    models.tts.clear_cache()
    misses = models.tts.cache_misses
    before = (restarts.done, restarts.retried, len(restarts.met)) if restarts else (0, 0, 0)
    started = time.perf_counter()
    row: dict[str, Any] = {"fault": fault, "error": None, "spoken": 0}
    session_id, counts = None, {}
    try:
        with first_attempts_raise(models, fault) as counts, restarting(restarts):
            result = await run_rehearsal(
                settings, RehearsalOptions(role=str(role_path), answers=ANSWERS),
                chat=chat, models=models, on_event=on_event,
            )  # fmt: skip
        session_id = result.session_id
        row |= {"spoken": len(result.speech_starts),
                "scored": result.report_error is None and "json" in result.reports}  # fmt: skip
    except Exception as e:  # the bench records what broke, and goes on
        row["error"] = f"{type(e).__name__}: {e}"
    finally:
        await chat.aclose()
        proxy.set_mode("pass")
        for helper in helpers:
            helper.join()
        if restarted and server is not None and not server.running:
            server.start()  # the interview ended before it was due back
    row["injected"] = dict(counts) | {
        "synthesized_while_speaking": models.tts.cache_misses - misses
    }
    if restarts is not None:
        row["injected"] = {"restarts": restarts.done - before[0],
                           "writes_retried": restarts.retried - before[1],
                           "outages_meeting_a_write": len(restarts.met) - before[2]}  # fmt: skip
    if session_id is not None:
        engine = create_database(settings.resolved_database_url)
        row |= _replies(session_factory(engine), session_id, back_at[0] if back_at else None)
        engine.dispose()
    row["seconds"] = round(time.perf_counter() - started, 1)
    return row


def summarise(fault: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One fault's figures over its interviews."""
    gaps = [g for r in rows for g in r.get("gaps_s", [])]
    speech = [x for r in rows for x in r.get("from_end_of_speech_s", [])]
    injected: dict[str, int] = {}
    for r in rows:
        for k, v in (r.get("injected") or {}).items():
            injected[k] = injected.get(k, 0) + v
    return {
        "fault": fault,
        "interviews": len(rows),
        "replies": len(gaps),
        "unanswered": sum(r.get("unanswered", 0) for r in rows),
        "within_bar": sum(g < BAR_S for g in gaps),
        "median_gap_s": round(statistics.median(gaps), 2) if gaps else None,
        "worst_gap_s": round(max(gaps), 2) if gaps else None,
        "median_from_end_of_speech_s": round(statistics.median(speech), 2) if speech else None,
        "from_speech_within_bar": sum(x < BAR_S for x in speech),
        "answers_spoken": sum(r["spoken"] for r in rows),
        "answers_stored": sum(r.get("answers", 0) for r in rows),
        "completed": sum(r.get("status") == "completed" for r in rows),
        "scored": sum(bool(r.get("scored")) for r in rows),
        "every_question_answered": sum(bool(r.get("every_question_answered")) for r in rows),
        "errors": [r["error"] for r in rows if r["error"]],
        "injected": injected,
        "llm_replies_used": sum(s == "llm" for r in rows for s in r.get("llm_sources", [])),
        "back": sum(bool(r.get("back")) for r in rows),
        "llm_after_back": sum(r.get("llm_after_back", 0) for r in rows),
    }


async def _postgres_restarts(
    settings: Settings, models: VoiceModels, proxy: FaultyLLM, trials: int
) -> list[dict[str, Any]]:
    """Interviews stored in PostgreSQL until it has been restarted ``trials`` times."""
    rows: list[dict[str, Any]] = []
    with postgres_server() as pg:
        restarts = Restarts(pg)
        on_pg = settings.model_copy(update={"database_url": pg.url})
        while restarts.done < trials and len(rows) < MAX_INTERVIEWS:
            row = await one_interview(on_pg, models, proxy, "postgres-restart", restarts)
            _print(row)
            rows.append(row)
    return rows


def _print(row: dict[str, Any]) -> None:
    print(json.dumps({k: v for k, v in row.items() if k != "recruiter_texts"}), flush=True)


async def main_async(args: argparse.Namespace) -> list[dict[str, Any]]:
    faults = args.only.split(",") if args.only else list(FAULTS)
    unknown = sorted(set(faults) - set(FAULTS))
    if unknown:
        raise SystemExit(f"unknown faults {unknown}; choose from {', '.join(FAULTS)}")
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        # A data directory of the bench's own, reading the installed model assets.
        (Path(tmp) / "models").symlink_to(Settings().models_dir, target_is_directory=True)
        settings = Settings(home=Path(tmp), llm=LLMSettings(port=args.port))
        server = EmbeddedLLMServer(settings)
        upstream = server.start()
        proxy = FaultyLLM(upstream, args.port + 1)
        proxy.start()
        try:
            models = load_voice_models(settings)
            for fault in faults:
                if fault == "postgres-restart":
                    rows.extend(await _postgres_restarts(settings, models, proxy, args.trials))
                    continue
                fault_rows: list[dict[str, Any]] = []
                while (
                    sum(len(r.get("gaps_s", [])) for r in fault_rows) < args.trials
                    and len(fault_rows) < MAX_INTERVIEWS
                ):
                    row = await one_interview(settings, models, proxy, fault, server=server)
                    _print(row)
                    fault_rows.append(row)
                rows.extend(fault_rows)
        finally:
            proxy.stop()
            server.stop()
    return rows


def _injected(summary: dict[str, Any]) -> str:
    """What was done to the parts over a fault's interviews, in words."""
    fault, made = summary["fault"], summary["injected"]
    if fault == "postgres-restart":
        return (f"{made.get('restarts', 0)} restarts of {OUTAGE_S:.0f} s, "
                f"{made.get('outages_meeting_a_write', 0)} met a write, "
                f"{made.get('writes_retried', 0)} writes kept and retried")  # fmt: skip
    if fault == "stt-raises":
        return f"{made.get('raised', 0)} first attempts raised"
    if fault == "tts-raises":
        return (f"{made.get('raised', 0)} first attempts raised, "
                f"{made.get('synthesized_while_speaking', 0)} sentences synthesized "
                "while speaking (the rest ahead)")  # fmt: skip
    if fault == "restarted":
        return (f"SIGKILL at the first question, back after {RESTART_AFTER} recruiter turns in "
                f"{summary.get('back', 0)} interviews; LLM text used after it was back: "
                f"{summary.get('llm_after_back', 0)}")  # fmt: skip
    return "held from the first question on" if fault in LLM_FAULTS else "-"


def write_json(
    name: str, when: str, summary: list[dict[str, Any]], rows: list[dict[str, Any]],
    **run: Any,
) -> None:  # fmt: skip
    """Write ``bench/results/NAME``: when and where it ran, ``run``'s settings, each fault's
    summary and each interview's row."""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / name).write_text(json.dumps(
        {"when": when, "machine": platform.platform(), "cpus": os.cpu_count(), **run,
         "summary": summary, "interviews": rows}, indent=2) + "\n")  # fmt: skip


def write_results(rows: list[dict[str, Any]], trials: int) -> None:
    """Write ``faults.json`` and ``faults.md``: the faults of ``rows``, and the other faults'
    results already in ``faults.json``, each with when it was taken."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    faults = list(dict.fromkeys(r["fault"] for r in rows))
    summary = [summarise(f, [r for r in rows if r["fault"] == f]) | {"taken": when}
               for f in faults]  # fmt: skip
    earlier = RESULTS / "faults.json"
    if earlier.is_file():
        old = json.loads(earlier.read_text(encoding="utf-8"))
        summary += [s | {"taken": s.get("taken", old["when"])} for s in old["summary"]
                    if s["fault"] not in faults]  # fmt: skip
        rows = rows + [r for r in old["interviews"] if r["fault"] not in faults]
        summary.sort(key=lambda s: FAULTS.index(s["fault"]) if s["fault"] in FAULTS else 99)
        faults = [s["fault"] for s in summary]
    write_json("faults.json", when, summary, rows, trials=trials)
    lines = [
        "# Faults in parts: replies and records under each fault",
        "",
        f"Written {when} on {platform.platform()} ({os.cpu_count()} CPUs) by "
        "`python -m bench.faults`; each fault's run is in its 'taken' column (`--only` runs "
        "some and keeps the others' results); see its docstring for how each fault is made.",
        "",
        "Gap: end of the candidate's speech to the recruiter's first audio, less the "
        "turn-taking hold (the part of endpointing not spent waiting for the transcript); "
        f"the bar is {BAR_S:.0f} s. 'From speech' is the whole time, hold included: it is "
        "longer where the turn detector waited for a thinking pause, with or without a fault.",
        "",
        "| fault | interviews | replies | unanswered | gap within 2 s | median gap "
        "| worst gap | median from speech | from speech within 2 s "
        "| answers spoken / stored | completed / scored | every question answered "
        "| LLM text used | faults made | taken |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in summary:
        lines.append(
            f"| {s['fault']} | {s['interviews']} | {s['replies']} | {s['unanswered']} "
            f"| {s['within_bar']} | {s['median_gap_s']} s | {s['worst_gap_s']} s "
            f"| {s['median_from_end_of_speech_s']} s | {s['from_speech_within_bar']} "
            f"| {s['answers_spoken']} / {s['answers_stored']} "
            f"| {s['completed']} / {s['scored']} of {s['interviews']} "
            f"| {s['every_question_answered']} of {s['interviews']} "
            f"| {s['llm_replies_used']} | {_injected(s)} | {s['taken']} |"
        )
    errors = [(s["fault"], e) for s in summary for e in s["errors"]]
    if errors:
        lines += ["", "Errors:", *(f"- {f}: {e}" for f, e in errors)]
    (RESULTS / "faults.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    """Run the benchmark and print the results table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--trials", type=int, default=20, help="replies per fault (at most 4 interviews a fault)"
    )
    parser.add_argument("--only", help="comma-separated faults (default: all)")
    parser.add_argument("--port", type=int, default=8791, help="the LLM server's port (+1: proxy)")
    args = parser.parse_args()
    rows = asyncio.run(main_async(args))
    write_results(rows, args.trials)
    print((RESULTS / "faults.md").read_text())


if __name__ == "__main__":
    main()
