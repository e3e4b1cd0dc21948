"""Reliability: interviews killed with SIGKILL at random points, then resumed.

Each trial runs ``recruiter rehearse`` (the three-question test script, recorded answers) in a
process group of its own, kills the group with SIGKILL at a random point, then runs ``rehearse
--resume SESSION`` until the interview completes. The trials take the parts of an interview in
turn: one in five is killed during the opening (up to 3 s after the session is stored, before
or while the first question is spoken), one in five during the report (up to 0.5 s after the
closing is stored, or, in half of them, after the session is stored as ended: scoring, the
judge and the report files still to come; the closing is the recruiter turn with an ``end``
event, however many turns came before), the others in the interview (after a random number
of stored turns, 1-6, plus up to 3 s). A trial counts:

- turns lost: turns stored before the kill that are missing or changed afterwards;
- the right question: the first recruiter turn after the resume is marked ``resumed`` and
  either repeats the last thing heard (the opening again where none was stored) or replies to
  the answer stored after it, moving on to the next question; no question is asked afresh
  twice and each has exactly one answer. A process killed after the session was recorded as
  ended needs no new turn: the resumed run writes the report alone;
- completed: the resumed run ends with the session completed and its report written;
- seconds from starting the resumed process to its first stored recruiter turn.

Results go to ``bench/results/reliability.json`` and ``.md``.
Usage: ``.venv/bin/python -m bench.reliability [--trials 20] [--seed 1]`` (about 90 s a trial
on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import signal
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agent.audio import write_wav
from agent.tts_piper import load_voice
from recruiter_config.assets import require_asset
from recruiter_config.settings import Settings
from recruiter_devstack.llm_sharing import llm_endpoint
from recruiter_llm.client import LLMEndpoint
from recruiter_rehearsal.candidates import MIC_RATE, CandidateVoice
from storage import InterviewSession, SessionRepository, create_database, session_factory
from tests.integration.test_crash_resume import ANSWERS, ROLE, rehearse_process

RESULTS = Path(__file__).parent / "results"
ROOM_SECTION = "## In a browser room"  # bench.room_crash's section of reliability.md
QUESTIONS = ("why-support", "hard-customer", "busy-day")
TURNS = 7  # three questions asked and answered, then the closing (more with a follow-up)


def _turns(db: Any, session_id: str) -> list[dict[str, Any]]:
    with db() as s:
        return [{"index": t.index, "speaker": t.speaker, "text": t.text,
                 "question_id": t.question_id, "events": t.events or []}
                for t in SessionRepository(s).turns(session_id)]  # fmt: skip


def _session(db: Any) -> tuple[str, int, str, bool] | None:
    """The trial's one session: its id, turns stored, status, and whether the closing (a
    recruiter turn that ends the interview) is stored."""
    with db() as s:
        record = s.query(InterviewSession).one_or_none()
        if record is None:
            return None
        turns = SessionRepository(s).turns(record.id)
        closed = bool(turns) and any(e.get("type") == "end" for e in turns[-1].events or [])
        return record.id, len(turns), record.status, closed


def _trial(
    home: Path, endpoint: LLMEndpoint, answers: Path, rng: random.Random, during: str
) -> dict[str, Any]:
    db = session_factory(create_database(Settings(home=home).resolved_database_url))
    after_turns = {"opening": 0, "report": TURNS}.get(during, rng.randint(1, TURNS - 1))
    delay = round(rng.uniform(0.0, 0.5 if during == "report" else 3.0), 2)
    # The report's part: the closing stored (the recording and the session's end still to
    # store), or the session stored as ended (scoring, the judge and the report files to come).
    at_end = during == "report" and rng.random() < 0.5
    proc = rehearse_process(home, endpoint, "--role", ROLE, "--answers", str(answers))
    started, session_id = time.monotonic(), None
    while proc.poll() is None:
        found = _session(db)
        due = found is not None and (
            found[2] != "running" if at_end else found[3] if during == "report"
            else found[1] >= after_turns
        )  # fmt: skip
        if found is not None and due:
            session_id = found[0]
            time.sleep(delay)
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    killed_at = round(time.monotonic() - started, 1)
    with db() as s:
        record = SessionRepository(s).get(session_id) if session_id else None
        if record is None or record.report_path is not None:
            return {"during": during, "after_turns": after_turns,
                    "error": "the interview and its report were done before the kill"}  # fmt: skip
        ended = record.status != "running"  # killed after the end was stored: the report left
    assert session_id is not None
    before = _turns(db, session_id)
    resumed_at = time.monotonic()
    again = rehearse_process(home, endpoint, "--resume", session_id, "--answers", str(answers))
    first_reply_s = None
    while again.poll() is None and first_reply_s is None:
        if any(t["speaker"] == "recruiter" for t in _turns(db, session_id)[len(before) :]):
            first_reply_s = round(time.monotonic() - resumed_at, 1)
        time.sleep(0.1)
    _, err = again.communicate(timeout=900)
    after = _turns(db, session_id)
    lost = sum(1 for old, new in zip(before, after, strict=False) if old != new)
    lost += max(0, len(before) - len(after))
    new = after[len(before) :]
    resumed = next((t for t in new if t["speaker"] == "recruiter"), None)
    asked = [e["question_id"] for t in after for e in t["events"] if e.get("type") == "question"]
    answered = [t["question_id"] for t in after if t["speaker"] == "candidate"]
    right = (
        (not new if ended else resumed is not None
         and any(e.get("type") == "resumed" for e in resumed["events"]))
        and sorted(asked) == sorted(set(asked)) == sorted(QUESTIONS)
        and answered == list(QUESTIONS)
    )  # fmt: skip
    with db() as s:
        record = SessionRepository(s).get(session_id)
        completed = bool(record and record.status == "completed" and record.report_path
                         and Path(record.report_path).is_file())  # fmt: skip
    return {
        "during": during, "after_turns": len(before), "killed_at_s": killed_at,
        "turns_lost": lost, "right_question": right,
        "completed": completed and again.returncode == 0,
        "resumed_with": "the report alone" if ended else None if resumed is None
        else resumed["events"][0].get("after"),
        "first_reply_after_restart_s": first_reply_s,
        "error": None if again.returncode == 0 else err[-300:],
    }  # fmt: skip


def _write(trials: list[dict[str, Any]]) -> dict[str, Any]:
    done = [t for t in trials if "turns_lost" in t]
    replies = [t["first_reply_after_restart_s"] for t in done if t["first_reply_after_restart_s"]]
    summary = {
        "taken": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, 2 cores",
        "trials": len(trials),
        "killed": len(done),
        "turns_lost": sum(t["turns_lost"] for t in done),
        "right_question": sum(t["right_question"] for t in done),
        "completed": sum(t["completed"] for t in done),
        "first_reply_after_restart_median_s": statistics.median(replies) if replies else None,
        "rows": trials,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "reliability.json").write_text(json.dumps(summary, indent=2) + "\n")
    lines = [
        "# Reliability: interviews killed and resumed",
        "",
        f"Taken {summary['taken']} on {summary['machine']} by `bench/reliability.py`: "
        "`recruiter rehearse` (three questions, recorded answers) killed with SIGKILL (its "
        "whole process group), then `rehearse --resume SESSION`. One trial in five is killed "
        "during the opening (up to 3 s after the session is stored), one in five during the "
        "report (up to 0.5 s after the closing is stored, or after the session is stored as "
        "ended), the others after a random number of stored turns plus up to 3 s.",
        "",
        "| what | value |",
        "|---|---|",
        f"| kills | {summary['killed']} of {summary['trials']} trials |",
        f"| completed turns lost | **{summary['turns_lost']}** |",
        f"| resumed at the right question, each question answered once | "
        f"{summary['right_question']} of {summary['killed']} |",
        f"| resumed runs completed with their report | {summary['completed']} of "
        f"{summary['killed']} |",
        f"| restart to first recruiter turn stored, median s (model loading included) | "
        f"{summary['first_reply_after_restart_median_s']} |",
        "",
        "| trial | during | killed after turns | at s | resumed with | lost | right question "
        "| completed |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for n, t in enumerate(trials, 1):
        if "turns_lost" not in t:
            lines.append(f"| {n} | {t['during']} | {t['after_turns']} | | {t['error']} | | | |")
            continue
        lines.append(
            f"| {n} | {t['during']} | {t['after_turns']} | {t['killed_at_s']} "
            f"| {t['resumed_with']} | {t['turns_lost']} | {t['right_question']} "
            f"| {t['completed']} |"
        )
    lines.append("")
    path = RESULTS / "reliability.md"
    # The other benches' sections of the same file (the room trials of bench.room_crash, the
    # figures at a glance of bench.reliability_summary) are kept.
    text = path.read_text() if path.is_file() else ""
    first = re.search(r"(?m)^## ", text)
    kept = f"\n{text[first.start() :]}" if first else ""
    path.write_text("\n".join(lines) + kept)
    return summary


def main() -> None:
    """Run the trials and write their results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    settings = Settings()
    rng = random.Random(args.seed)
    voice = CandidateVoice(load_voice(require_asset(settings.models_dir, "piper-joe")
                                      / "en_US-joe-medium.onnx"))  # fmt: skip
    trials: list[dict[str, Any]] = []
    with llm_endpoint(settings) as endpoint, tempfile.TemporaryDirectory() as tmp:
        answers = Path(tmp) / "answers"
        for n, text in enumerate(ANSWERS, 1):
            write_wav(answers / f"{n:02}.wav", voice.render(text).samples, MIC_RATE)
        for n in range(args.trials):
            home = Path(tmp) / f"home-{n}"
            home.mkdir()
            (home / "models").symlink_to(settings.models_dir, target_is_directory=True)
            during = {0: "opening", 4: "report"}.get(n % 5, "interview")
            trials.append(_trial(home, endpoint, answers, rng, during))
            print(json.dumps(trials[-1]), flush=True)
            _write(trials)
    summary = _write(trials)
    print(json.dumps({k: v for k, v in summary.items() if k != "rows"}, indent=2))


if __name__ == "__main__":
    main()
