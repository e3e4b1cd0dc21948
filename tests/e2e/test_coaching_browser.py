"""A recruiter practises interviewing in real Chromium (the microphone plays a synthesized
question), reads the coaching report, sees the trends, and uploads a recorded interview."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect

from agent.audio import write_wav
from agent.tts_piper import load_voice
from recruiter_rehearsal.candidates import CandidateVoice
from storage import CoachingRepository
from tests.coaching_audio import two_channel_interview
from tests.e2e.conftest import RECRUITER_PASSWORD, dashboard_app, screenshot_path

pytestmark = pytest.mark.e2e

PASSWORD = RECRUITER_PASSWORD
QUESTION = "Tell me about a time you helped a frustrated customer."


def _sign_in(page: Page, base: str) -> None:
    page.set_default_timeout(60_000)
    page.goto(f"{base}/login?next=/dashboard/coaching")
    page.get_by_label("Recruiter id").fill("rita")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}/dashboard/coaching")


@pytest.fixture
def spoken_question(installed_models: Path, tmp_path: Path) -> Path:
    """The question in the plain voice, with silence around it (the fake microphone loops)."""
    voice = CandidateVoice(load_voice(installed_models / "piper-joe/en_US-joe-medium.onnx"),
                           shift=1.0, pace=1.0)  # fmt: skip
    speech = voice.render(QUESTION).samples
    quiet = np.zeros(16000 * 2, np.float32)
    path = tmp_path / "question.wav"
    write_wav(path, np.concatenate([quiet, speech, quiet, quiet]), 16000)
    return path


def test_a_recruiter_practises_by_microphone_and_reads_the_report(
    home: Path, spoken_question: Path, launch_browser: Callable[..., Browser],
    serve: Callable[[FastAPI], str],
) -> None:  # fmt: skip
    app, ctx = dashboard_app(home)
    base = serve(app)
    browser = launch_browser("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                             f"--use-file-for-fake-audio-capture={spoken_question}",
                             "--autoplay-policy=no-user-gesture-required")  # fmt: skip
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _sign_in(page, base)
    page.get_by_label("Candidate").select_option("weak")
    page.get_by_role("button", name="Start practice").click()
    expect(page).to_have_url(re.compile(r"/dashboard/coaching/practice/[\w-]+$"))

    # Hold to ask for one whole loop of the fake microphone's file (about 8 s).
    talk = page.get_by_role("button", name="Hold to ask")
    talk.dispatch_event("pointerdown")
    expect(page.get_by_role("status")).to_have_text("Listening... release to send.")
    page.wait_for_timeout(8500)
    talk.dispatch_event("pointerup")
    first = page.locator("#exchanges li").first
    # The server transcribes the question and the persona answers it (with its voice): seconds
    # on a loaded 2-core machine, where playwright's default 5 s wait failed in a full run.
    expect(first.locator(".you")).to_contain_text("frustrated customer", timeout=60_000)
    expect(first.locator(".candidate")).to_contain_text("Candidate: ")
    # The reply's audio is set and plays (or is ready to).
    assert page.evaluate("document.getElementById('reply-audio').src").startswith("data:audio/wav")

    page.get_by_label("Or type").fill("You handled it well, right?")
    page.get_by_role("button", name="Ask", exact=True).click()
    expect(page.locator("#exchanges li")).to_have_count(2, timeout=60_000)
    page.screenshot(path=str(screenshot_path("coaching-practice")), full_page=True)

    for competency, level in (("motivation", 3), ("customer-empathy", 4), ("prioritisation", 3)):
        page.locator(f'input[name="{competency}"][value="{level}"]').check()
    page.get_by_role("button", name="End and see the report").click()
    expect(page).to_have_url(re.compile(r"/dashboard/coaching/report/\w+$"))
    expect(page.get_by_role("heading", name="Summary (90 seconds)")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Calibration"))).to_be_visible()
    expect(page.locator("article")).to_contain_text("more lenient than the answers warrant")
    expect(page.locator("article")).to_contain_text("You handled it well, right?")
    page.screenshot(path=str(screenshot_path("coaching-report")), full_page=True)

    page.get_by_role("link", name="All your sessions").click()
    expect(
        page.get_by_role("img", name=re.compile("^Trends over your last 1 sessions"))
    ).to_be_visible()
    expect(page.locator("table.list tbody tr")).to_have_count(1)
    with ctx.db() as s:
        (row,) = CoachingRepository(s).recent("rita")
    assert row.persona == "weak" and row.questions == 2 and row.leading == 1
    assert row.calibration_bias is not None and row.calibration_bias > 1


def test_a_recorded_interview_is_uploaded_and_deleted(
    home: Path, installed_models: Path, tmp_path: Path, browser: Browser,
    serve: Callable[[FastAPI], str],
) -> None:  # fmt: skip
    recording = two_channel_interview(installed_models, tmp_path / "recording")
    app, ctx = dashboard_app(home)
    base = serve(app)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _sign_in(page, base)
    page.get_by_label("Recording").set_input_files(str(recording["mono"]))
    page.get_by_role("button", name="Read it").click()
    expect(page.get_by_role("alert")).to_contain_text("one speaker per channel")

    page.get_by_label("Recording").set_input_files(str(recording["stereo"]))
    page.locator('select[name="role"]').last.select_option("demo")
    page.get_by_role("button", name="Read it").click()
    expect(page).to_have_url(re.compile(r"/dashboard/coaching/report/\w+$"))
    article = page.locator("article")
    expect(article).to_contain_text("Are you planning to have children soon?")
    expect(article).to_contain_text("Motivation for support work")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete this report").click()
    expect(page).to_have_url(f"{base}/dashboard/coaching")
    with ctx.db() as s:
        assert CoachingRepository(s).recent("rita") == []
