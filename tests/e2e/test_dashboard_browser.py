"""A recruiter in real Chromium: signs in, uploads a broken role script, reads a report."""

from __future__ import annotations

import re
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Dialog, Page, expect

from storage import SessionRepository
from tests.conftest import FIXTURES
from tests.e2e.conftest import RECRUITER_PASSWORD, dashboard_app, screenshot_path
from tests.stored_interview import store_interview
from web.context import WebContext

pytestmark = pytest.mark.e2e

PASSWORD = RECRUITER_PASSWORD


def _shot(page: object, name: str) -> Path:
    path = screenshot_path(name)
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    assert path.stat().st_size > 10_000, f"{name}: the screenshot looks blank"
    return path


def _tone_wav(path: Path, seconds: float, rate: int = 8000) -> None:
    """A quiet 440 Hz tone (16-bit mono), standing in for a recording."""
    path.parent.mkdir(parents=True, exist_ok=True)
    t = np.arange(int(seconds * rate)) / rate
    pcm = (0.1 * 32767 * np.sin(2 * np.pi * 440 * t)).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def test_a_recruiter_signs_in_sees_role_errors_and_reads_a_report(
    home: Path, browser: Browser, serve: Callable[[FastAPI], str]
) -> None:
    app, ctx = dashboard_app(home)
    session_id, _ = store_interview(ctx.db)
    audio = ctx.settings.sessions_dir / session_id / "conversation.wav"
    _tone_wav(audio, seconds=90.0)  # the stored interview's turns lie within 90 s
    with ctx.db() as s:
        SessionRepository(s).finish(session_id, status="completed", audio_path=str(audio))
        s.commit()
    base = serve(app)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)

    page.goto(f"{base}/dashboard/roles")
    expect(page).to_have_url(f"{base}/login?next=/dashboard/roles")
    page.get_by_label("Recruiter id").fill("rita")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}/dashboard/roles")
    expect(page.get_by_text("Signed in as")).to_contain_text("rita")
    # A script injected into the page, as cross-site scripting would add one, does not run: the
    # CSP lets only the site's own script files run (issue 17).
    injected = page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.injected = true";
        document.head.append(script);
        return window.injected === true;
    }""")
    assert injected is False

    page.get_by_label("Script").set_input_files(
        str(FIXTURES / "invalid_roles" / "unknown-competency-ref.yaml")
    )
    page.get_by_role("button", name="Check and store").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("nothing was stored")
    expect(alert).to_contain_text(
        "unknown-competency-ref.yaml:39:20 questions[0].competencies[0]: "
        "unknown competency 'owner-ship'"
    )
    _shot(page, "dashboard-role-errors")

    page.goto(f"{base}/dashboard")
    page.locator(f'a[href="/dashboard/sessions/{session_id}"]').click()
    expect(page).to_have_url(f"{base}/dashboard/sessions/{session_id}")
    expect(page.get_by_test_id("overall")).to_have_text(re.compile(r"^\d\.\d$"))
    expect(page.locator("blockquote.quote").first).to_contain_text("three years on the help desk")
    # The report's own sections are on the page once, no frame; the transcript is there once.
    expect(page.locator("iframe")).to_have_count(0)
    for heading in ("What went well", "Questions", "Delivery", "Practice plan", "Transcript"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_have_count(1)
    expect(page.locator("#transcript tr.recruiter").first).to_contain_text("about yourself")
    # The recording plays from the line pressed, and that line is marked as heard.
    line = page.locator("#transcript tr.candidate").nth(1)
    line.get_by_role("button").click()
    expect(line).to_have_class(re.compile(r"\bplaying\b"))
    at = page.evaluate("document.getElementById('recording').currentTime")
    assert abs(at - float(line.get_attribute("data-start") or 0)) < 1.5
    _shot(page, "dashboard-session")


# The first elements reaching past the window's right edge, to name in a failure.
_WIDEST = """[...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5)
    .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"""


def _app(home: Path) -> tuple[FastAPI, WebContext]:
    """The web app with one recruiter, rita."""
    return dashboard_app(home)


def _signed_in(browser: Browser, base: str, then: str = "/dashboard") -> Page:
    """A page signed in as rita, at ``then``."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login?next={then}")
    page.get_by_label("Recruiter id").fill("rita")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


def _overflow(page: object) -> int:
    """How far the page is wider than the window (pixels): 0 when nothing spills sideways."""
    width: int = page.evaluate(  # type: ignore[attr-defined]
        "document.documentElement.scrollWidth - window.innerWidth"
    )
    return width


def test_a_recruiter_invites_sees_the_invitation_and_withdraws_it_also_on_a_phone(
    home: Path, browser: Browser, serve: Callable[[FastAPI], str]
) -> None:
    app, ctx = _app(home)
    base = serve(app)
    page = _signed_in(browser, base)

    page.get_by_role("link", name="Invitations").click()
    page.get_by_label("New candidate's name").fill("Priya Browser")
    page.get_by_role("button", name="Create invitation link").click()
    expect(page).to_have_url(re.compile(r"/dashboard/invitations\?made=iv-"))
    link = page.get_by_label("Invitation link").input_value()
    assert link.startswith(f"{ctx.settings.web.base_url}/join/")  # the app's public address
    link = f"{base}/join/{link.rsplit('/', 1)[1]}"
    row = page.locator("table.invitations tbody tr", has_text="Priya Browser")
    expect(row.locator(".status")).to_have_text("sent")
    copy = row.get_by_role("button", name="Copy the link for Priya Browser")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    copy.click()  # (the dashboard's own script, no inline handler)
    expect(copy).to_have_text("Copied")
    copied: str = page.evaluate("navigator.clipboard.readText()")
    assert copied.endswith("/join/" + link.rsplit("/", 1)[1])
    page.reload()  # the result is a page of its own: reloading invites no one again
    expect(page.locator("table.invitations tbody tr")).to_have_count(1)
    _shot(page, "dashboard-invitations")

    candidate = browser.new_page()
    candidate.goto(link)
    expect(candidate.get_by_role("button", name="Join the interview")).to_be_visible()
    page.reload()
    expect(row.locator(".status")).to_have_text("opened")
    asked: list[str] = []

    def confirm(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", confirm)  # Withdraw asks first: it cannot be undone
    row.get_by_role("button", name="Withdraw").click()
    expect(page.get_by_role("status").first).to_contain_text("withdrawn")
    expect(row.locator(".status")).to_have_text("revoked")
    assert asked and "Withdraw the invitation for Priya Browser?" in asked[0]
    candidate.reload()
    expect(candidate.locator("#status")).to_contain_text("withdrawn")
    expect(candidate.get_by_role("button", name="Join the interview")).to_be_hidden()

    # At phone width the pages keep to the screen: wide tables scroll inside their box.
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.context.add_cookies(page.context.cookies())
    for path in (
        "/dashboard",
        "/dashboard/candidates",
        "/dashboard/roles",
        "/dashboard/invitations",
    ):
        phone.goto(f"{base}{path}")
        wide = phone.evaluate(_WIDEST)
        assert _overflow(phone) <= 0, f"{path} is wider than a phone screen: {wide}"
    _shot(phone, "dashboard-invitations-phone")


def test_a_recruiter_edits_a_role_checked_as_typed_and_stores_it(
    home: Path, browser: Browser, serve: Callable[[FastAPI], str]
) -> None:
    app, _ = _app(home)
    page = _signed_in(browser, serve(app), "/dashboard/roles")
    page.locator("tr", has_text="demo").get_by_role("link", name="Edit").click()
    editor = page.get_by_label("Role script")
    expect(page.locator("#check-status")).to_contain_text("Valid: demo version 3")
    expect(page.locator("#diff-note")).to_contain_text("no change")
    original = editor.input_value()
    # Two mistakes typed at once: each is shown, located, before anything is submitted.
    broken = original.replace('version: "3"', 'version: ""', 1).replace(
        "competencies: [motivation]", "competencies: [motivaton]", 1
    )
    assert broken.count("motivaton") == 1
    editor.fill(broken)
    errors = page.locator("#check-errors")
    expect(errors).to_contain_text("editor.yaml:3:")  # the version, on its line
    expect(errors).to_contain_text("unknown competency 'motivaton'")
    expect(page.get_by_role("button", name="Store as a new version")).to_be_disabled()
    fixed = original.replace('version: "3"', 'version: "4"', 1).replace(
        "To start, could you tell me", "First, could you tell me", 1
    )
    editor.fill(fixed)
    expect(page.locator("#check-status")).to_contain_text("Valid: demo version 4")
    expect(page.locator("#diff .add")).to_have_count(3)  # the +++ header and two changed lines
    _shot(page, "dashboard-role-editor")
    page.get_by_role("button", name="Store as a new version").click()
    expect(page.get_by_role("status").first).to_contain_text("Stored demo version 4")
