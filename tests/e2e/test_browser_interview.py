"""A whole interview in real headless Chromium: fake camera and microphone fed from files.

The real LiveKit server, the worker (its own processes, real models) and the web app; the
candidate page joins with ``livekit-client`` served by the app. The microphone file is 30 s of
silence (the recruiter's introduction and first question), the spoken answer, then silence.
"""

from __future__ import annotations

import time
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session, sessionmaker

from agent.bootstrap import load_voice_models
from recruiter_rehearsal.candidates import CandidateVoice
from storage import InterviewSession, SessionRepository
from tests.e2e.conftest import (
    RoomStack,
    answer_phrases,
    assert_no_personal_data,
    open_candidate_page,
    screenshot_path,
)
from tests.integration.speech import word_error_rate
from tests.webcam_video import steady_frames, write_y4m
from web.invites import Invitation

pytestmark = [pytest.mark.e2e, pytest.mark.models, pytest.mark.llm]

ANSWER = (
    "I have worked on a help desk for two years. I enjoy calming people down and solving "
    "their problem step by step, and I always follow up the next day."
)
RATE = 16000
LEAD_S, TAIL_S = 30.0, 120.0


def _answer_wav(path: Path, samples: np.ndarray) -> Path:
    audio = np.concatenate([np.zeros(int(LEAD_S * RATE)), samples, np.zeros(int(TAIL_S * RATE))])
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes((np.clip(audio, -1, 1) * 32767).astype(np.int16).tobytes())
    return path


def _wait(check: Callable[[], object], timeout_s: float, what: str) -> object:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"{what} not within {timeout_s:.0f} s")


def _shot(page: Page, name: str) -> Path:
    path = screenshot_path(name)
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 20_000, f"{name} screenshot looks empty"
    return path


def test_a_candidate_interviews_in_chromium_and_gets_the_report(
    room_stack: RoomStack,
    tmp_path: Path,
    launch_browser: Callable[..., Browser],
    serve: Callable[[FastAPI], str],
) -> None:
    db = room_stack.db
    voice = CandidateVoice(load_voice_models(room_stack.settings).tts.voice)
    audio = _answer_wav(tmp_path / "answer.wav", voice.render(ANSWER).samples)
    video = write_y4m(tmp_path / "face.y4m", steady_frames())
    opened = open_candidate_page(room_stack, serve, launch_browser, name="Browser Tester",
                                 role_id="demo", audio=audio, video=video)  # fmt: skip
    page, invitation, link, console = opened.page, opened.invitation, opened.link, opened.console
    candidate_id = invitation.candidate_id
    try:
        _interview(page, db, invitation, candidate_id)
    except AssertionError:
        _shot(page, "candidate-failure")
        print("browser console:", *console[-30:], sep="\n")
        raise
    # Personal data stays out of the stack's logs and the page's console: not the name, not
    # the answer's words, not the invitation link's token.
    with db() as s:
        stored = s.query(InterviewSession).filter_by(channel=invitation.room).one()
        said = [t.text for t in SessionRepository(s).turns(stored.id) if t.speaker == "candidate"]
    secrets = ["Browser Tester", link.rsplit("/", 1)[1], *answer_phrases(said)]
    assert_no_personal_data(room_stack.worker_log.parent, secrets, console)


def _interview(
    page: Page, db: sessionmaker[Session], invitation: Invitation, candidate_id: str
) -> None:
    page.get_by_label("I understand what is recorded and kept, and agree.").check()
    page.click("#join")

    # The agent joined and asked the first question (captions come from its transcription).
    expect(page.locator("#agent-state")).not_to_have_text("not here yet", timeout=120_000)
    question = page.locator("#captions li[data-speaker=recruiter]", has_text="about yourself")
    expect(question.first).to_be_visible(timeout=120_000)
    expect(page.locator("#status")).to_contain_text("The recruiter is here")
    # Where the interview stands: the demo role asks 3 questions within its time budget.
    expect(page.locator("#progress")).to_contain_text("Question 1 of 3")
    expect(page.locator("#progress")).to_contain_text("minutes left")

    def session() -> InterviewSession | None:
        with db() as s:
            return s.query(InterviewSession).filter_by(channel=invitation.room).one_or_none()

    def answer_text() -> str:
        found = session()
        if found is None:
            return ""
        with db() as s:
            turns = SessionRepository(s).turns(found.id)
        return " ".join(t.text for t in turns if t.speaker == "candidate")

    # The answer was heard, transcribed and stored, and shown as the candidate's caption.
    _wait(lambda: word_error_rate(ANSWER, answer_text()) < 0.3, 150, "the stored answer")
    expect(page.locator("#captions li[data-speaker=you]").first).to_be_visible(timeout=30_000)
    _shot(page, "candidate-interview")

    stored = session()
    assert stored is not None and stored.candidate_id == candidate_id

    # Webcam cues were measured from the room's video track.
    def face_measured() -> dict[str, object] | None:
        with db() as s:
            measured = SessionRepository(s).measurements(stored.id)
        faces = [m.face for m in measured.values() if m.face and m.face.get("frames")]
        return faces[0] if faces else None

    face = _wait(face_measured, 60, "a face measurement")
    assert isinstance(face, dict)
    assert face["face_present_share"]["value"] >= 0.9
    assert face["looking_at_screen_share"]["value"] >= 0.9

    # The candidate ends it; the report is built and linked on the page, and it renders.
    page.click("#end")
    expect(page.locator("#report-link")).to_be_visible(timeout=180_000)
    _shot(page, "candidate-ended")
    page.click("#report-link")
    expect(page.locator("body")).to_contain_text("tell me a little about yourself")
    expect(page.locator("body")).to_contain_text("help desk")
    _shot(page, "candidate-report")
    with db() as s:
        done = s.get(InterviewSession, stored.id)
        assert done is not None and done.status == "completed"
