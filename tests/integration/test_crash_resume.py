"""A rehearsal killed with SIGKILL mid-interview goes on with ``rehearse --resume`` (issue 17).

The first run is killed once a question has been asked and stored (the candidate then hears
it again), the resumed run once an answer has been stored but not yet replied to (the reply
to it comes first); the third run finishes. Nothing stored before a kill is lost or changed,
every question gets exactly one answer, and the session ends completed with its report.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agent.audio import write_wav
from agent.resume import CUT_OFF, REPEAT
from agent.tts_piper import load_voice
from recruiter_config.settings import Settings
from recruiter_llm.client import LLMEndpoint
from recruiter_rehearsal.candidates import MIC_RATE, CandidateVoice
from storage import InterviewSession, SessionRepository, create_database, session_factory
from tests.conftest import FIXTURES

pytestmark = [pytest.mark.models, pytest.mark.llm]

ROLE = str(FIXTURES / "three_questions.yaml")
ANSWERS = (
    "I like solving problems for people, and I worked on a help desk for three years.",
    "A customer was charged twice, so I refunded the fee the same day and called her back.",
    "I write a short list of what matters most and take the calls one at a time.",
)


def rehearse_process(home: Path, endpoint: LLMEndpoint, *args: str) -> subprocess.Popen[str]:
    """``recruiter rehearse ARGS --json`` in ``home``, in a process group of its own (killed
    as a group, as a crashed job process is); shared with ``bench/reliability.py``."""
    env = {
        **os.environ,
        "RECRUITER_HOME": str(home),
        "RECRUITER_LLM__BASE_URL": endpoint.base_url,
        "RECRUITER_LLM__MODEL": endpoint.model,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "recruiter_cli.main", "rehearse", *args, "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        start_new_session=True,
    )  # fmt: skip


def _kill_at(proc: subprocess.Popen[str], db, turns: int, timeout_s: float = 300) -> str:  # type: ignore[no-untyped-def]
    """SIGKILL ``proc`` the moment its session holds ``turns`` stored turns; the session id."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()[1][-2000:]
        with db() as s:
            for record in s.query(InterviewSession).filter_by(status="running"):
                if len(SessionRepository(s).turns(record.id)) >= turns:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.communicate(timeout=30)
                    return record.id
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    raise TimeoutError(f"{turns} turns were not stored within {timeout_s:.0f} s")


def _stored(db, session_id: str) -> list[tuple[int, str, str, str | None]]:  # type: ignore[no-untyped-def]
    with db() as s:
        return [(t.index, t.speaker, t.text, t.question_id)
                for t in SessionRepository(s).turns(session_id)]  # fmt: skip


def test_a_killed_rehearsal_resumes_at_the_right_question_and_loses_no_turn(
    home: Path, llm_endpoint: LLMEndpoint, installed_models: Path
) -> None:
    voice = CandidateVoice(load_voice(installed_models / "piper-joe/en_US-joe-medium.onnx"))
    answers = home / "answers"
    for n, text in enumerate(ANSWERS, 1):
        write_wav(answers / f"{n:02}.wav", voice.render(text).samples, MIC_RATE)
    db = session_factory(create_database(Settings(home=home).resolved_database_url))

    # Killed after the second question was asked and stored: the candidate hears it again.
    first = rehearse_process(home, llm_endpoint, "--role", ROLE, "--answers", str(answers))
    session_id = _kill_at(first, db, turns=3)
    before = _stored(db, session_id)
    assert [t[1] for t in before] == ["recruiter", "candidate", "recruiter"]
    with db() as s:
        assert SessionRepository(s).get(session_id).status == "running"  # type: ignore[union-attr]

    # Resumed, then killed once the second answer is stored, before any reply to it.
    second = rehearse_process(home, llm_endpoint, "--resume", session_id, "--answers", str(answers))
    _kill_at(second, db, turns=5)
    middle = _stored(db, session_id)
    assert middle[:3] == before
    repeated = middle[3]
    assert repeated[1] == "recruiter" and repeated[3] == "hard-customer"
    assert repeated[2].startswith(f"{CUT_OFF} {REPEAT}") and before[2][2] in repeated[2]
    assert middle[4][1:4:2] == ("candidate", "hard-customer")

    # Resumed again: the reply to the pending answer (the third question), then to the end.
    third = rehearse_process(home, llm_endpoint, "--resume", session_id, "--answers", str(answers))
    out, err = third.communicate(timeout=600)
    assert third.returncode == 0, err[-3000:]
    result = json.loads(out)
    assert result["session_id"] == session_id
    after = _stored(db, session_id)
    assert after[:5] == middle  # nothing stored before a kill is lost or changed
    reply = after[5]
    assert reply[1] == "recruiter" and reply[2].startswith(CUT_OFF) and reply[3] == "busy-day"
    answered = [t[3] for t in after if t[1] == "candidate"]
    assert answered == ["why-support", "hard-customer", "busy-day"]  # each once, in order
    assert [t["text"] for t in result["turns"]] == [t[2] for t in after]
    with db() as s:
        record = SessionRepository(s).get(session_id)
        assert record is not None and record.status == "completed"
        assert record.report_path and Path(record.report_path).is_file()
    # A completed session is not resumed again.
    done = rehearse_process(home, llm_endpoint, "--resume", session_id, "--answers", str(answers))
    _, err = done.communicate(timeout=120)
    assert done.returncode == 1 and "completed; there is nothing to resume" in err
