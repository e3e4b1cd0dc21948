"""A candidate in a real room, without a browser: the worker hears, stores and reports."""

from __future__ import annotations

import asyncio
import secrets
import time

import pytest

from agent.bootstrap import load_voice_models
from agent.candidate import CandidateVoice
from agent.rooms import InterviewJob, candidate_token
from storage import CandidateRepository, InterviewSession, SessionRepository
from tests.conftest import run
from tests.e2e.conftest import RoomStack
from tests.integration.speech import word_error_rate
from tests.room_client import RoomCandidate

pytestmark = [pytest.mark.e2e, pytest.mark.models, pytest.mark.llm]

ANSWER = (
    "I have worked on a help desk for two years. I enjoy calming people down and solving "
    "their problem step by step, and I always follow up the next day."
)


async def _poll(check, timeout_s: float):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        await asyncio.sleep(0.25)
    raise TimeoutError("not stored in time")


def test_a_candidate_publishing_a_wav_is_heard_stored_and_reported(room_stack: RoomStack) -> None:
    settings, db = room_stack.settings, room_stack.db
    with db() as s:
        candidate_id = CandidateRepository(s).create("Room Tester").id
        s.commit()
    room = f"iv-{secrets.token_hex(6)}"
    job = InterviewJob(role_id="demo", candidate_id=candidate_id, mode="practice")
    token = candidate_token(
        settings.livekit, room=room, identity=f"candidate-{candidate_id}", job=job,
        agent_name=settings.web.agent_name, ttl_s=120,
    )  # fmt: skip
    answer = CandidateVoice(load_voice_models(settings).tts.voice).render(ANSWER).samples

    def session() -> InterviewSession | None:
        with db() as s:
            return s.query(InterviewSession).filter_by(channel=room).one_or_none()

    def answered() -> bool:
        found = session()
        if found is None:
            return False
        with db() as s:
            return any(t.speaker == "candidate" for t in SessionRepository(s).turns(found.id))

    async def scenario() -> tuple[RoomCandidate, dict[str, object]]:
        candidate = RoomCandidate()
        await candidate.join(settings.livekit.url, token)
        try:
            asked = await candidate.wait_for_state("speaking", 0.0, timeout_s=180)
            heard = await candidate.wait_for_state("listening", asked, timeout_s=120)
            await candidate.say(answer)
            await _poll(answered, timeout_s=120)
            await candidate.end_interview()
            ended = await candidate.wait_for_event("ended", timeout_s=180)
            assert candidate.first_loud_after(asked - 1) is not None, "no recruiter audio heard"
            assert heard > asked
            return candidate, ended
        finally:
            await candidate.leave()

    _candidate, ended = run(scenario())

    stored = session()
    assert stored is not None and stored.candidate_id == candidate_id
    assert ended == {"type": "ended", "session_id": stored.id, "status": "completed",
                     "report": True}  # fmt: skip
    assert stored.status == "completed" and stored.end_reason == "the candidate ended the interview"
    with db() as s:
        repo = SessionRepository(s)
        turns = repo.turns(stored.id)
        measured = repo.measurements(stored.id)
    first = next(t for t in turns if t.speaker == "recruiter")
    assert first.question_id == "motivation" and "tell me a little about yourself" in first.text
    said = " ".join(t.text for t in turns if t.speaker == "candidate")
    assert word_error_rate(ANSWER, said) < 0.3, said
    answer_turn = next(t for t in turns if t.speaker == "candidate")
    assert answer_turn.index in measured
    assert measured[answer_turn.index].speech["words_per_minute"] > 0
    report = settings.sessions_dir / stored.id / "report.html"
    assert report.is_file() and "tell me a little about yourself" in report.read_text()
