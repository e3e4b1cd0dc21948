"""Phone latency: end of the caller's speech to the first recruiter audio heard on the line,
as a ratio to the browser path (a LiveKit room over WebRTC) in the same run.

One run starts the real stack with the phone line on loopback (Redis, ``livekit-server``,
``livekit-sip``, the embedded LLM, the worker), sets up the trunk and dispatch rules, and holds
interviews of the demo role with the ``prepared`` persona's answers both ways:

- **phone**: SIPp calls the interview number and keys in the code of an exam-mode invitation;
  the answers go out as G.711 RTP in real time (``tests.phone_caller``), and each reply is timed
  from the answer's last packet to the first audible packet received;
- **browser**: the room benchmark's simulated candidate (``bench.room_latency``).

Results go to ``bench/results/phone_latency.json`` and ``.md``, with the parts the worker stored
for each path's replies (endpointing, STT, LLM, TTS).

Usage: ``.venv/bin/python -m bench.phone_latency [--turns 8]`` (about 10 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench.room_latency import (
    PARTS,
    _answers,
    _medians,
    _Persona,
    _room_session,
    parts_table,
    timings,
)
from recruiter_config.settings import Settings
from recruiter_devstack.livekit_dev import server_binary
from recruiter_devstack.phone_dev import sip_binary
from recruiter_devstack.stack import DevStack
from recruiter_phone.lines import set_up_phone_line
from recruiter_rehearsal.candidates import Answer
from storage import (
    CandidateRepository,
    InterviewCodeRepository,
    InterviewSession,
    Turn,
    create_database,
    session_factory,
)
from tests.phone_caller import RtpEndpoint, SIPpCall

RESULTS = Path(__file__).parent / "results"
ROLE, PERSONA = "demo", "prepared"
RATE = 16000
PHONE_ROOM = "iv-bench-phone"


def _quiet_for(rtp: RtpEndpoint, after: float, quiet_s: float, timeout_s: float) -> float | None:
    """When the recruiter, heard after ``after``, had been quiet for ``quiet_s``; None: silent."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        start = rtp.first_sound_after(after)
        now = time.time()
        quiet = start is not None and now - start > quiet_s
        if quiet and rtp.first_sound_after(now - quiet_s) is None:
            return now - quiet_s
        time.sleep(0.1)
    return None


def _phone_session(
    settings: Settings, sip: str, code: str, answers: list[Answer], want: int, workdir: Path
) -> list[float]:
    """One call; the latency of each reply, until the interview ends or ``want`` are timed."""
    call = SIPpCall(sip, settings.phone.interview_number, code, workdir)
    call.start()
    latencies: list[float] = []
    try:
        heard_from = time.time()
        for answer in answers:
            if _quiet_for(call.rtp, heard_from, quiet_s=1.5, timeout_s=120) is None:
                break
            time.sleep(0.8)  # a person's pause before answering
            ended = call.rtp.say(answer.samples[: answer.voiced_end], RATE)
            time.sleep(max(0.0, ended - time.time()))
            deadline = time.monotonic() + 20
            first = None
            while first is None and time.monotonic() < deadline:
                first = call.rtp.first_sound_after(ended)
                time.sleep(0.02)
            if first is None:
                break  # no reply: the interview has closed
            latencies.append(first - ended)
            print(f"  phone reply {len(latencies)}: {first - ended:.2f} s", flush=True)
            heard_from = first - 0.01
            if len(latencies) >= want:
                break
    finally:
        call.hang_up()
        with contextlib.suppress(Exception):  # the bench only needs SIPp gone
            call.wait(30)
        call.close()
    return latencies


def _parts(settings: Settings, phone: bool) -> dict[str, Any]:
    db = session_factory(create_database(settings.resolved_database_url))
    channel = InterviewSession.channel
    where = channel == PHONE_ROOM if phone else channel.like("iv-bench-%") & (channel != PHONE_ROOM)
    with db() as s:
        turns = s.scalars(
            select(Turn).join(InterviewSession, Turn.session_id == InterviewSession.id)
            .where(where).where(Turn.speaker == "recruiter").where(Turn.latency_s.is_not(None))
        ).all()  # fmt: skip
        rows = [{"agent_latency_s": t.latency_s, **{p: getattr(t, p) for p in PARTS}}
                for t in turns]  # fmt: skip
    return _medians(rows)


def _write(phone: list[float], room: list[float], parts: dict[str, Any]) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "taken": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}",
        **timings("phone", phone), **timings("room", room), "parts_median_s": parts,
    }  # fmt: skip
    summary["median_ratio_phone_to_room"] = round(
        statistics.median(phone) / statistics.median(room), 3
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "phone_latency.json").write_text(json.dumps(summary, indent=2) + "\n")
    lines = [
        "# Phone latency: end of the caller's speech to first recruiter audio on the line",
        "",
        f"Taken {summary['taken']} on {summary['machine']}; role `{ROLE}`, persona `{PERSONA}`,"
        " exam mode; livekit-server and livekit-sip on loopback; SIPp places the call and keys"
        " the code, the answers go out as G.711 RTP in real time; the browser path is the room"
        " benchmark's candidate over WebRTC, in the same run.",
        "",
        "| path | replies | median s | p95 s |",
        "|---|---|---|---|",
        f"| phone (SIP, G.711) | {len(phone)} | {summary['phone_median_s']} |"
        f" {summary['phone_p95_s']} |",
        f"| browser (WebRTC) | {len(room)} | {summary['room_median_s']} |"
        f" {summary['room_p95_s']} |",
        "",
        f"Median ratio phone/browser: **{summary['median_ratio_phone_to_room']}**.",
        "",
        "Where the time goes (medians, s, as the worker stored them with each reply):",
        "",
        *parts_table(parts),
        "",
        "Phone replies (s): " + ", ".join(f"{v:.2f}" for v in phone),
        "",
        "Browser replies (s): " + ", ".join(f"{v:.2f}" for v in room),
        "",
    ]
    (RESULTS / "phone_latency.md").write_text("\n".join(lines))
    return summary


def _bench(turns: int) -> dict[str, Any]:
    installed = Settings()
    with tempfile.TemporaryDirectory(prefix="phone-bench-") as tmp:
        home = Path(tmp)
        (home / "models").symlink_to(installed.models_dir, target_is_directory=True)
        settings = Settings(home=home)
        answers = _answers(settings, PERSONA)
        stack = DevStack(settings, livekit_binary=server_binary(installed),
                         sip_binary=sip_binary(installed), phone=True)  # fmt: skip
        with stack:
            assert stack.livekit is not None and stack.sip_address is not None
            settings = settings.model_copy(update={"livekit": stack.livekit})
            asyncio.run(set_up_phone_line(stack.livekit, settings.phone,
                                          agent_name=settings.web.agent_name))  # fmt: skip
            db = session_factory(create_database(settings.resolved_database_url))
            with db() as s:
                candidate = CandidateRepository(s).create("Bench caller").id
                code = InterviewCodeRepository(s).issue(
                    candidate_id=candidate, role_id=ROLE, role_version=None, mode="exam",
                    expires_at=datetime.now(UTC) + timedelta(hours=1), room=PHONE_ROOM,
                    digits=settings.phone.code_digits,
                ).code  # fmt: skip
                s.commit()
            phone: list[float] = []
            room: list[float] = []
            for session in range(1, 4):
                if len(phone) >= turns and len(room) >= turns:
                    break
                if len(phone) < turns:
                    print(f"phone call {session} …", flush=True)
                    want, workdir = turns - len(phone), home / f"sipp{session}"
                    phone += _phone_session(settings, stack.sip_address, code, answers, want,
                                            workdir)  # fmt: skip
                if len(room) < turns:
                    print(f"browser session {session} …", flush=True)
                    persona = _Persona(settings, PERSONA)
                    run = _room_session(settings, persona, PERSONA, turns - len(room))
                    room += asyncio.run(run).latencies
            parts = {"phone": _parts(settings, True), "browser": _parts(settings, False)}
        if not phone or not room:
            raise SystemExit("no replies were timed on one of the paths; see the logs above")
        return _write(phone, room, parts)


def main() -> None:
    """Run the benchmark and print the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=8, help="replies to time on each path")
    args = parser.parse_args()
    summary = _bench(max(args.turns, 5))
    json.dump(summary, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
