"""The candidate page before the interview, in headless Chromium: the device check hears the
microphone and shows the camera, and Join waits for consent to what is recorded and kept.

No LiveKit server is needed: nothing here joins a room.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, expect

from agent.audio import write_wav
from recruiter_config.settings import Settings, WebSettings
from storage import CandidateRepository
from tests.e2e.conftest import screenshot_path
from tests.webcam_video import steady_frames, write_y4m
from web.app import create_app
from web.invites import Invitation

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("amplitude", "heard"), [(0.3, "We can hear you."),
                                                   (0.0, "We hear almost nothing")])  # fmt: skip
def test_the_device_check_hears_the_microphone_and_join_waits_for_consent(
    home: Path,
    tmp_path: Path,
    launch_browser: Callable[..., Browser],
    serve: Callable[[FastAPI], str],
    amplitude: float,
    heard: str,
) -> None:
    app = create_app(Settings(home=home, web=WebSettings(secret="c" * 32)))
    ctx = app.state.ctx
    with ctx.db() as s:
        candidate = CandidateRepository(s).create("Device Checker").id
        s.commit()
    invitation = ctx.invitations.issue(Invitation(candidate_id=candidate, role_id="demo"))
    link = f"{serve(app)}/join/{invitation}"
    t = np.arange(16000 * 20) / 16000
    tone = tmp_path / "mic.wav"
    write_wav(tone, amplitude * np.sin(2 * np.pi * 220 * t), 16000)
    video = write_y4m(tmp_path / "face.y4m", steady_frames())
    browser = launch_browser(
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-audio-capture={tone}", f"--use-file-for-fake-video-capture={video}",
    )  # fmt: skip
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(link)
    join = page.get_by_role("button", name="Join the interview")
    expect(join).to_be_disabled()
    expect(page.get_by_text("What is kept:")).to_contain_text("deleted after 30 days")

    page.get_by_role("button", name="Check camera and microphone").click()
    expect(page.locator("#level-note")).to_contain_text(heard, timeout=15_000)
    level = float(page.locator("#level").get_attribute("value") or 0)
    assert (level > 0.05) == (amplitude > 0), level
    # The camera shows in the preview.
    playing = "document.getElementById('self-view').videoWidth > 0"
    page.wait_for_function(playing, timeout=15_000)

    consent = page.get_by_label("I understand what is recorded and kept, and agree.")
    consent.check()
    expect(join).to_be_enabled()
    consent.uncheck()
    expect(join).to_be_disabled()
    page.screenshot(path=str(screenshot_path(f"candidate-before-{int(amplitude * 10)}")))
