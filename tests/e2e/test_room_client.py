"""A candidate in a real room, without a browser: the worker hears, stores and reports."""

from __future__ import annotations

import asyncio
import secrets
import time
from pathlib import Path

import av
import numpy as np
import pytest
from sqlalchemy.orm import Session, sessionmaker

from agent.bootstrap import load_voice_models
from agent.room_candidate import RoomCandidate
from agent.rooms import InterviewJob, candidate_token
from recruiter_rehearsal.candidates import MIC_RATE, CandidateVoice
from reports.assessment import score_session
from reports.build import build_report
from storage import CandidateRepository, InterviewSession, SessionRepository
from tests.conftest import run
from tests.e2e.conftest import RoomStack
from tests.integration.speech import ends_with, word_error_rate

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
    assert stored is not None and stored.candidate_id == candidate_id and stored.mode == "practice"
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
    # The conversation is recorded, both sides on one clock: the candidate's answer on the
    # left, the recruiter's questions on the right.
    assert stored.audio_path == str(settings.sessions_dir / stored.id / "conversation.ogg")
    left, right, rate = _stereo(Path(stored.audio_path))
    assert left.size / rate > answer.size / MIC_RATE  # at least the answer's length
    assert _loud_seconds(left, rate) > 0.5 * answer.size / MIC_RATE
    assert _loud_seconds(right, rate) > 3.0


def _stereo(path: Path) -> tuple[np.ndarray, np.ndarray, int]:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        chunks = [f.to_ndarray() for f in container.decode(stream)]
        rate = stream.rate
    data = np.concatenate(chunks, axis=1).astype(np.float32)  # planar: (channels, samples)
    return data[0], data[1], rate


def _loud_seconds(samples: np.ndarray, rate: int) -> float:
    frames = samples[: samples.size // (rate // 50) * (rate // 50)].reshape(-1, rate // 50)
    return float(np.sum(np.sqrt(np.mean(frames**2, axis=1)) > 0.01)) / 50


FAST_WITH_FILLERS = (
    "So, um, I'm Maya, and uh, for two years I've worked on the help desk of a local internet "
    "provider. Um, what I love is when someone calls in stressed because, uh, their connection "
    "is down, and I walk them through it and, um, they're back online in ten minutes. Uh, now I "
    "want to learn how a bigger support team handles escalations."
)
MORE = "Um, yes, uh, I once fixed a router for a nurse before her night shift, um, in five minutes."


def test_practice_tips_reach_the_candidate_as_data_messages(room_stack: RoomStack) -> None:
    settings, db = room_stack.settings, room_stack.db
    room = f"iv-{secrets.token_hex(6)}"
    token = candidate_token(
        settings.livekit, room=room, identity="candidate-tips",
        job=InterviewJob(role_id="demo", mode="practice"), agent_name=settings.web.agent_name,
        ttl_s=120,
    )  # fmt: skip
    # Spoken fast (about 210 words a minute) and with fillers: both are practice cues.
    voice = CandidateVoice(load_voice_models(settings).tts.voice, pace=1.0)
    answers = [voice.render(FAST_WITH_FILLERS).samples, voice.render(MORE).samples]

    async def scenario() -> dict[str, object]:
        candidate = RoomCandidate()
        await candidate.join(settings.livekit.url, token)
        try:
            spoke = await candidate.wait_for_state("speaking", 0.0, timeout_s=180)
            # The tip comes between questions: answer until the recruiter moves on (a follow-up
            # may come first).
            for answer in answers:
                await candidate.wait_for_state("listening", spoke, timeout_s=120)
                if any(e.get("type") == "cue" for e in candidate.heard.events):
                    break
                ended = await candidate.say(answer)
                spoke = await candidate.wait_for_state("speaking", ended, timeout_s=60)
            cue = await candidate.wait_for_event("cue", timeout_s=60)
            await candidate.end_interview()
            await candidate.wait_for_event("ended", timeout_s=180)
            return cue
        finally:
            await candidate.leave()

    cue = run(scenario())
    assert cue["kind"] in {"fillers", "pace-fast"}
    assert str(cue["text"]).startswith("A quick tip")
    with db() as s:
        stored = s.query(InterviewSession).filter_by(channel=room).one()
        spoken = [e for t in SessionRepository(s).turns(stored.id) for e in (t.events or [])]
        tips = [e for e in spoken if e.get("type") == "coaching-cue"]
        assert [t["reason"] for t in tips][:1] == [cue["kind"]]
        assert tips[0]["figure"] is not None  # the figure the tip rests on is kept
        # The tip rests on the stored measurement of the answer it followed (one source of
        # truth): the report's consistency check finds no tip the stored figures contradict.
        score_session(s, stored.id)
        report = build_report(s, stored.id)
    assert report["delivery"]["spoken_tips"], report["delivery"]
    assert not [c for c in report["contradictions"] if "tip" in c], report["contradictions"]


def test_two_interviews_at_once_are_separate_jobs(room_stack: RoomStack) -> None:
    settings, db = room_stack.settings, room_stack.db
    voice = CandidateVoice(load_voice_models(settings).tts.voice)
    # Piper's random phoneme timing slurs "fixed printers" into "think sprinters" in 2 of 15
    # renders (measured with whisper-tiny.en); "repaired printers" came through 15 of 15.
    said = {
        "red": "I repaired printers at a school library for a year.",
        "blue": "I answered phones at a bicycle repair shop every summer.",
    }
    rooms = {key: f"iv-{key}-{secrets.token_hex(4)}" for key in said}
    # Rendered before either joins: synthesis on the shared loop would starve the other
    # candidate's microphone mid-answer.
    spoken = {key: voice.render(text).samples for key, text in said.items()}

    async def one(key: str) -> None:
        token = candidate_token(
            settings.livekit, room=rooms[key], identity=f"candidate-{key}",
            job=InterviewJob(role_id="demo", mode="exam"), agent_name=settings.web.agent_name,
            ttl_s=300,
        )  # fmt: skip
        candidate = RoomCandidate()
        await candidate.join(settings.livekit.url, token)
        try:
            asked = await candidate.wait_for_state("speaking", 0.0, timeout_s=240)
            await candidate.wait_for_state("listening", asked, timeout_s=180)
            await candidate.say(spoken[key])
            await _poll(lambda: _answer(db, rooms[key]), timeout_s=180)
            await candidate.end_interview()
            await candidate.wait_for_event("ended", timeout_s=240)
        finally:
            await candidate.leave()

    async def both() -> None:
        await asyncio.gather(one("red"), one("blue"))

    run(both())
    for key, text in said.items():
        heard = _answer(db, rooms[key])
        assert word_error_rate(text, heard) < 0.35, (key, heard)
        other = said["blue" if key == "red" else "red"]
        assert word_error_rate(other, heard) > 0.6, "one interview heard the other's candidate"
    with db() as s:
        ids = {
            s.query(InterviewSession).filter_by(channel=room).one().id for room in rooms.values()
        }
    assert len(ids) == 2


def _answer(db: sessionmaker[Session], room: str) -> str:
    with db() as s:
        stored = s.query(InterviewSession).filter_by(channel=room).one_or_none()
        if stored is None:
            return ""
        turns = SessionRepository(s).turns(stored.id)
    return " ".join(t.text for t in turns if t.speaker == "candidate")


PAUSED_ANSWER = (
    "I have worked on a help desk for two years. I enjoy calming people down. [pause 1.2] "
    "On busy days I write each problem down, so that nothing gets lost."
)


def test_ending_while_the_answer_goes_on_keeps_every_word_said(room_stack: RoomStack) -> None:
    """The candidate pauses (the turn ends), goes on, and presses End with the last word:
    the whole answer is stored, as one turn."""
    settings, db = room_stack.settings, room_stack.db
    room = f"iv-{secrets.token_hex(6)}"
    token = candidate_token(
        settings.livekit, room=room, identity="candidate-ender",
        job=InterviewJob(role_id="demo", mode="practice"),
        agent_name=settings.web.agent_name, ttl_s=120,
    )  # fmt: skip
    answer = CandidateVoice(load_voice_models(settings).tts.voice).render(PAUSED_ANSWER)

    def answers() -> list[str]:
        with db() as s:
            found = s.query(InterviewSession).filter_by(channel=room).one_or_none()
            if found is None:
                return []
            return [t.text for t in SessionRepository(s).turns(found.id)
                    if t.speaker == "candidate"]  # fmt: skip

    async def scenario() -> float:
        candidate = RoomCandidate()
        await candidate.join(settings.livekit.url, token)
        try:
            asked = await candidate.wait_for_state("speaking", 0.0, timeout_s=180)
            await candidate.wait_for_state("listening", asked, timeout_s=120)
            # The pause is long enough to end the turn and short enough that no reply has
            # begun playing before the candidate goes on.
            last_word = await candidate.say(answer.samples)
            # End as soon as the last word has left the microphone: the voice activity
            # detector has not yet heard the pause after it, nor the STT the words.
            await asyncio.sleep(max(0.0, last_word - time.time()))
            await candidate.end_interview()
            await candidate.wait_for_event("ended", timeout_s=180)
            return last_word
        finally:
            await candidate.leave()

    last_word = run(scenario())
    stored = answers()
    assert len(stored) == 1, stored  # one answer, one turn
    said = PAUSED_ANSWER.replace("[pause 1.2] ", "")
    assert word_error_rate(said, stored[0]) < 0.25, stored[0]
    # The last word, said as End was pressed, is kept (tiny.en heard "flossed" on one CPU).
    assert ends_with(stored[0], "so that nothing gets lost"), (stored[0], last_word)
    with db() as s:
        found = s.query(InterviewSession).filter_by(channel=room).one()
        last = SessionRepository(s).turns(found.id)[-1]
    # The closing is heard in full, after the whole answer.
    assert (last.speaker, last.interrupted) == ("recruiter", False)
    assert last.text.startswith("Thank you, we will stop here")
