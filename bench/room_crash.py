"""Reliability in a browser room: the worker's job process killed with SIGKILL, then resumed.

One run starts the real stack on loopback (``livekit-server``, the embedded LLM server, the
worker) and the web app. Each trial invites a new candidate to the demo role; a simulated
candidate joins the room with the invitation's token and answers over WebRTC. The job process
holding the room is killed with SIGKILL at a random moment, the trials taking the parts of an
interview in turn:

- one in five during the opening: up to 3 s after the recruiter starts speaking;
- one in five during the end: after 1-3 answers the candidate presses End, and the kill lands
  up to 3 s later, while the closing is said; or, in half of them, the moment the session is
  stored as ended (scoring, the judge and the report files still to come);
- the others in the interview: after a random number of answers (1-3), up to 3 s after the
  answer ends, while the reply is being prepared or spoken; or, in one trial of three, while
  the next answer is being spoken.

As the candidate's page does, the trial then asks the web app to bring the recruiter back
(``POST /api/join/{token}/reconnect``), answers twice more (unless the interview has ended)
and ends the interview. Each trial counts:

- turns lost: turns stored before the kill that are missing or changed afterwards;
- the right question: the first recruiter turn after the kill says the cut-off line, carries a
  ``resumed`` event and either repeats the last thing stored as heard (the opening again where
  none was stored) or replies to the answer stored after it; no question is asked afresh
  twice, and the room has one session. A job killed after the session was stored as ended
  needs no new turn: the new one writes the report and tells the page;
- completed: the session completed with its report, and the page was told it ended;
- seconds from the kill to the first recruiter audio the candidate hears again (LiveKit
  noticing the job is gone, the reconnect request, the new job and its model loading).

A trial answers at most twice after the resume and stops answering once the interview ends.

Results go to ``bench/results/room_crash.json`` and the "In a browser room" section of
``bench/results/reliability.md``.
Usage: ``.venv/bin/python -m bench.room_crash [--trials 20] [--seed 1]`` (about 100 s a trial
on 2 cores).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import signal
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from livekit import rtc
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from agent.bootstrap import load_voice_models
from agent.resume import CUT_OFF, REPEAT
from agent.room_candidate import RoomCandidate
from bench.reliability import ROOM_SECTION as SECTION
from bench.room_latency import _first_audio
from bench.sections import write_section
from recruiter_config.settings import LLMSettings, Settings, WebSettings
from recruiter_devstack.livekit_dev import server_binary
from recruiter_devstack.stack import DevStack, StackPorts
from recruiter_rehearsal.candidates import CandidateVoice
from storage import (
    CandidateRepository,
    InterviewSession,
    SessionRepository,
    create_database,
    session_factory,
)
from tests.conftest import free_ports
from tests.e2e.conftest import RoomStack
from tests.e2e.test_room_resume import (
    _connected_to,
    _descendants,
    _kill_the_job,
    _the_job,
    _worker_pid,
)
from web.app import create_app
from web.invites import Invitation

RESULTS = Path(__file__).parent / "results"
ANSWERS = [
    "I have worked on a help desk for two years and I like solving problems for people.",
    "Last spring I refunded a customer who was charged twice and called her back a week later.",
    "I write a short list of what matters most and take the calls one at a time.",
    "I asked my lead for feedback every month and changed how I write my emails.",
    "I would check which problem blocks the customer most and start there.",
]


Stored = tuple[int, str, str, str | None, list[dict[str, Any]]]


def _newest_session(s: Session, room: str) -> InterviewSession | None:
    """The room's newest session (a resumed interview keeps its one session)."""
    query = s.query(InterviewSession).filter_by(channel=room)
    return query.order_by(InterviewSession.started_at.desc()).first()


def _turns(stack: RoomStack, room: str) -> list[Stored]:
    """The turns of the room's newest session (a second session means it was not resumed)."""
    with stack.db() as s:
        found = _newest_session(s, room)
        if found is None:
            return []
        return [(t.index, t.speaker, t.text, t.question_id, list(t.events or []))
                for t in SessionRepository(s).turns(found.id)]  # fmt: skip


async def _until(check: Any, timeout_s: float, every_s: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if found := check():
            return found
        await asyncio.sleep(every_s)
    raise TimeoutError(f"not within {timeout_s:.0f} s")


def _stored_as_ended(stack: RoomStack, room: str) -> bool:
    with stack.db() as s:
        record = _newest_session(s, room)
        return record is not None and record.status != "running"


def _ended(candidate: RoomCandidate) -> bool:
    return any(e.get("type") == "ended" for e in candidate.heard.events)


async def _answer(candidate: RoomCandidate, samples: Any, after: float) -> float | None:
    """Wait for the recruiter to finish, then answer; None once the interview has ended."""
    deadline = time.monotonic() + 120
    while not _ended(candidate):
        try:
            await candidate.wait_for_state("listening", after, timeout_s=2)
            break
        except TimeoutError:
            if time.monotonic() > deadline:
                raise
    else:
        return None
    await asyncio.sleep(0.8)
    return await candidate.say(samples)


async def _trial(
    stack: RoomStack, client: TestClient, app: Any, voices: list[Any], rng: random.Random,
    during: str,
) -> dict[str, Any]:  # fmt: skip
    with stack.db() as s:
        candidate_id = CandidateRepository(s).create("Bench Candidate").id
        s.commit()
    invitation = Invitation(candidate_id=candidate_id, role_id="demo", mode="practice")
    token = app.state.ctx.invitations.issue(invitation)
    access = client.post(f"/api/join/{token}/token", json={"consent": True}).json()
    after_answers = 0 if during == "opening" else rng.randint(1, 3)
    mid_answer = rng.random() < 1 / 3 and during == "interview"
    delay = rng.uniform(0.0, 3.0)
    at_end = during == "end" and rng.random() < 0.5  # killed as the end is stored
    row: dict[str, Any] = {"during": during, "after_answers": after_answers,
                           "mid_answer": mid_answer, "delay_s": round(delay, 1),
                           "at_end": at_end, "killed": False}  # fmt: skip
    candidate = RoomCandidate()
    agents = lambda: [p for p in candidate.room.remote_participants.values()  # noqa: E731
                      if p.kind == rtc.ParticipantKind.PARTICIPANT_KIND_AGENT]  # fmt: skip
    said = 0
    try:
        await candidate.join(stack.settings.livekit.url, access["token"])
        spoke = await candidate.wait_for_state("speaking", 0.0, timeout_s=180)
        ended: float | None = spoke
        for n in range(after_answers):
            ended = await _answer(candidate, voices[said], spoke)
            if ended is None:
                break
            said += 1
            if n < after_answers - 1:
                spoke = await candidate.wait_for_state("speaking", ended, timeout_s=60)
        speaking, job = None, None
        if during == "end" and ended is not None:  # End pressed once the reply is heard
            spoke = await candidate.wait_for_state("speaking", ended, timeout_s=60)
            await candidate.wait_for_state("listening", spoke, timeout_s=120)
            job = _the_job(stack)  # (found first: the kill lands the moment it is due)
            await candidate.end_interview()
            if at_end:  # scoring, the judge and the report files still to come
                await _until(lambda: _stored_as_ended(stack, invitation.room), 120, every_s=0.02)
            else:  # while the closing is said
                await asyncio.sleep(delay)
            if _ended(candidate):
                raise _TooLate("the interview and its report were done before the kill")
        elif mid_answer and ended is not None:  # the kill lands while the next answer is spoken
            spoke = await candidate.wait_for_state("speaking", ended, timeout_s=60)
            await candidate.wait_for_state("listening", spoke, timeout_s=120)
            speaking = asyncio.create_task(candidate.say(voices[said]))
            said += 1
            await asyncio.sleep(0.5 + min(delay, 1.5))
        else:  # while the reply to the last answer is prepared or spoken
            await asyncio.sleep(delay)
        if job is not None:
            os.kill(job, signal.SIGKILL)
        else:
            _kill_the_job(stack)
        before, killed = _turns(stack, invitation.room), time.time()
        row["killed"] = True
        with stack.db() as s:
            record = _newest_session(s, invitation.room)
            row["ended_at_kill"] = record is not None and record.status != "running"
        if speaking is not None:
            await speaking
        await _until(lambda: not agents(), timeout_s=90)
        gone = time.time()
        answer = client.post(f"/api/join/{token}/reconnect")
        assert answer.status_code == 202, (answer.status_code, answer.text)
        if row["ended_at_kill"]:  # nothing more is said: the report is written
            await candidate.wait_for_event("ended", timeout_s=240)
            heard = None
        else:
            heard = await _first_audio(candidate, gone)
            back = await candidate.wait_for_state("speaking", gone, timeout_s=60)
        for _ in range(0 if row["ended_at_kill"] else 2):
            ended = await _answer(candidate, voices[said % len(voices)], back)
            if ended is None:
                break
            said += 1
            with contextlib.suppress(TimeoutError):
                back = await candidate.wait_for_state("speaking", ended, timeout_s=60)
        if not _ended(candidate):
            await candidate.end_interview()
        await candidate.wait_for_event("ended", timeout_s=240)
    except _TooLate as e:  # not a kill during the interview: no figure
        row["error"] = str(e)
        return row
    except Exception as e:  # a trial's failure is its row; the next trial goes on
        row["error"] = f"{type(e).__name__}: {e}"
        return row
    finally:
        await candidate.leave()
    after = _turns(stack, invitation.room)
    row |= _judge(stack, invitation.room, before, after, ended=row["ended_at_kill"])
    row["completed"] = row["completed"] and _ended(candidate)
    row["kill_to_first_audio_s"] = round(heard - killed, 1) if heard is not None else None
    return row


class _TooLate(Exception):
    """The interview and its report were done before the kill landed."""


def _judge(
    stack: RoomStack, room: str, before: list[Stored], after: list[Stored], *, ended: bool
) -> dict[str, Any]:
    """What the kill cost: turns lost, and whether the new job went on at the right question
    (``ended``: the session was stored as ended before the kill: nothing more is said)."""
    lost = sum(1 for a, b in zip(before, after, strict=False) if a != b)
    lost += max(0, len(before) - len(after))
    new = after[len(before) :]
    resumed = next((t for t in new if t[1] == "recruiter"), None)
    asked = [e["question_id"] for t in after for e in t[4] if e.get("type") == "question"]
    said = [t for t in before if t[1] == "recruiter"]
    right = (not new and len(asked) == len(set(asked))) if ended else (
        resumed is not None
        and resumed[2].startswith(CUT_OFF)
        and any(e.get("type") == "resumed" for e in resumed[4])
        and len(asked) == len(set(asked))  # no question asked afresh twice
        # Repeating: the last thing heard, said again.
        and (REPEAT not in resumed[2] or (bool(said) and said[-1][2] in resumed[2]))
    )  # fmt: skip
    with stack.db() as s:
        record = _newest_session(s, room)
        sessions = s.query(InterviewSession).filter_by(channel=room).count()
        completed = bool(
            record and record.status == "completed"
            and (stack.settings.sessions_dir / record.id / "report.html").is_file()
        )  # fmt: skip
    return {
        "turns_before": len(before),
        "turns_lost": lost,
        "right_question": right and sessions == 1,
        "resumed_with": "the report alone" if ended else None if resumed is None
        else _resumed_with(resumed),
        "completed": completed,
    }  # fmt: skip


def _resumed_with(resumed: Stored) -> str:
    """What the first recruiter turn after the kill went on with (its ``resumed`` event)."""
    after = next((e.get("after") for e in resumed[4] if e.get("type") == "resumed"), None)
    return {"start": "opening", "end": "closing"}.get(after or "", after or "?")


async def _no_job_in_a_room(stack: RoomStack) -> None:
    """Wait until the last trial's job has left (its report written), so a kill hits one."""
    with contextlib.suppress(TimeoutError):
        await _until(lambda: not _jobs_in_rooms(stack), timeout_s=120)


def _jobs_in_rooms(stack: RoomStack) -> list[int]:
    port = urlparse(stack.settings.livekit.url).port or 7880
    try:
        return [p for p in _descendants(_worker_pid(stack.settings.home))
                if _connected_to(p, port)]  # fmt: skip
    except (OSError, LookupError):
        return []


async def _bench(trials: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    installed = Settings()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="room-crash-") as tmp:
        home = Path(tmp)
        (home / "models").symlink_to(installed.models_dir, target_is_directory=True)
        llm, livekit, tcp, udp, worker = free_ports(5)
        settings = Settings(home=home, llm=LLMSettings(port=llm))
        ports = StackPorts(livekit, tcp, udp, worker)
        voice = CandidateVoice(load_voice_models(settings).tts.voice)
        voices = [voice.render(text).samples for text in ANSWERS]
        with DevStack(settings, ports, livekit_binary=server_binary(installed)) as dev:
            assert dev.livekit is not None
            settings = settings.model_copy(update={
                "livekit": dev.livekit,
                "web": WebSettings(secret="room-crash-bench-secret-0123456789",
                                   agent_name=settings.web.agent_name)})  # fmt: skip
            engine = create_database(settings.resolved_database_url)
            stack = RoomStack(settings, session_factory(engine), dev.logs / "worker.log")
            app = create_app(settings)
            with TestClient(app) as client:
                for n in range(1, trials + 1):
                    await _no_job_in_a_room(stack)
                    during = {1: "opening", 0: "end"}.get(n % 5, "interview")
                    row = await _trial(stack, client, app, voices, rng, during)
                    print(f"trial {n}: {json.dumps(row)}", flush=True)
                    rows.append(row)
                    write_results(rows)  # a run cut short keeps the trials done
            engine.dispose()
    return rows


def write_results(rows: list[dict[str, Any]]) -> None:
    """Write ``room_crash.json`` and the room section of ``reliability.md``."""
    done = [r for r in rows if "turns_lost" in r]
    waits = [r["kill_to_first_audio_s"] for r in done if r["kill_to_first_audio_s"] is not None]
    when = datetime.now(UTC).isoformat(timespec="seconds")
    (RESULTS / "room_crash.json").write_text(
        json.dumps({"taken": when, "machine": platform.machine(), "rows": rows}, indent=2) + "\n"
    )
    section = [
        f"Taken {when} by `bench/room_crash.py` (see its docstring): the worker's job process "
        "killed with SIGKILL in a LiveKit room (one trial in five during the opening, one in "
        "five after End was pressed: the closing, the session stored as ended, the report), "
        "the candidate staying in the room and asking for the recruiter back as the page does.",
        "",
        "| what | value |",
        "|---|---|",
        f"| kills | {sum(r['killed'] for r in rows)} of {len(rows)} trials; "
        f"{len(done)} ran to their end |",
        f"| completed turns lost | **{sum(r['turns_lost'] for r in done)}** |",
        f"| went on at the right question (cut-off line, a resumed event, the last thing heard "
        f"repeated or the pending answer replied to, no question asked twice, one session) "
        f"| {sum(r['right_question'] for r in done)} of {len(done)} |",
        f"| completed with the report, the page told it ended | "
        f"{sum(r['completed'] for r in done)} of {len(done)} |",
        f"| kill to the recruiter heard again, median s | "
        f"{round(statistics.median(waits), 1) if waits else None} |",
        "",
        "| trial | killed after answers | during | lost | resumed with | right question "
        "| completed | kill to heard, s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for n, r in enumerate(rows, 1):
        during = {
            "opening": f"the opening (+{r['delay_s']} s)",
            "end": "the end (stored as ended)" if r.get("at_end")
            else f"the end (End +{r['delay_s']} s)",
        }.get(r.get("during", ""), "the next answer" if r["mid_answer"]
              else f"the reply (+{r['delay_s']} s)")  # fmt: skip
        if "turns_lost" not in r:
            section.append(f"| {n} | {r['after_answers']} | {during} | {r['error']} "
                           "| | | | |")  # fmt: skip
            continue
        section.append(
            f"| {n} | {r['after_answers']} | {during} | {r['turns_lost']} "
            f"| {r['resumed_with']} | {r['right_question']} | {r['completed']} "
            f"| {r['kill_to_first_audio_s']} |"
        )
    write_section(RESULTS / "reliability.md", SECTION, "\n".join(section))


def main() -> None:
    """Run the trials and write their results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rows = asyncio.run(_bench(args.trials, args.seed))
    write_results(rows)
    print((RESULTS / "reliability.md").read_text())


if __name__ == "__main__":
    main()
