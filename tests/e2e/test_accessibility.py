"""Accessibility of the pages people read, checked in headless Chromium with axe-core (from
npm, installed by `make setup`) against WCAG 2.1 A and AA, and the candidate page used with the
keyboard alone.

No LiveKit server is needed: nothing here joins a room.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect

from recruiter_config.settings import Settings, WebSettings
from storage import CandidateRepository, RecruiterRepository, SessionRepository
from tests.e2e.conftest import screenshot_path
from tests.stored_interview import store_interview
from web.app import create_app
from web.invites import Invitation

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / "web" / "frontend" / "node_modules" / "axe-core"
PASSWORD = "correct horse battery"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it stands."""
    page.add_script_tag(path=str(AXE / "axe.min.js"))
    result: dict[str, Any] = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "nodes": [(n["html"][:120], n.get("failureSummary", "")[-160:]) for n in v["nodes"]][
                :3
            ],
        }
        for v in result["violations"]
    ]


def _focused(page: Page) -> str:
    label: str = page.evaluate(
        "() => { const e = document.activeElement;"
        " return e.id || e.getAttribute('aria-label') || e.textContent.trim(); }"
    )
    return label


def _tab_to(page: Page, wanted: str, limit: int = 40) -> list[str]:
    """Press Tab until the element ``wanted`` (an id or label) has focus; the stops on the way."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stops.append(_focused(page))
        if stops[-1] == wanted:
            return stops
    raise AssertionError(f"Tab never reached {wanted!r}; it went {stops}")


@pytest.fixture
def app(home: Path) -> FastAPI:
    """The web app with one recruiter, rita, and one completed interview."""
    app = create_app(Settings(home=home, web=WebSettings(secret="a" * 32)))
    with app.state.ctx.db() as s:
        RecruiterRepository(s).create("rita", "Rita", PASSWORD)
        s.commit()
    return app


def test_the_candidate_page_passes_axe_and_works_with_the_keyboard_alone(
    app: FastAPI, launch_browser: Callable[..., Browser], serve: Callable[[FastAPI], str]
) -> None:
    ctx = app.state.ctx
    with ctx.db() as s:
        candidate = CandidateRepository(s).create("Keyboard User").id
        s.commit()
    token = ctx.invitations.issue(Invitation(candidate_id=candidate, role_id="demo"))
    link = f"{serve(app)}/join/{token}"
    browser = launch_browser("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream")
    # axe-core goes in as an inline script: past the pages' CSP, for these tests only.
    page = browser.new_page(viewport={"width": 1100, "height": 900}, bypass_csp=True)
    page.goto(link)
    expect(page.get_by_role("button", name="Join the interview")).to_be_disabled()
    assert _violations(page) == []

    # Keyboard only: the device check, then consent, then Join, in reading order.
    stops = _tab_to(page, "consent")
    assert "check" in stops, stops  # the device check comes before the consent box
    page.keyboard.press("Space")
    expect(page.locator("#consent")).to_be_checked()
    _tab_to(page, "join")
    expect(page.get_by_role("button", name="Join the interview")).to_be_enabled()
    # A visible focus ring on the focused control (never outline: none without a substitute).
    ring = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)"
        " || s.boxShadow !== 'none'; }"
    )
    assert ring, "the focused Join button shows no focus ring"
    page.get_by_role("button", name="Check camera and microphone").click()
    expect(page.locator("#level-note")).not_to_be_empty(timeout=15_000)
    assert _violations(page) == []  # with the meter and the camera preview showing


def test_the_recruiters_pages_pass_axe(
    app: FastAPI, browser: Browser, serve: Callable[[FastAPI], str]
) -> None:
    ctx = app.state.ctx
    session_id, _ = store_interview(ctx.db)
    with ctx.db() as s:
        SessionRepository(s).finish(session_id, status="completed")
        s.commit()
    base = serve(app)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page.goto(f"{base}/login")
    assert _violations(page) == []
    page.get_by_label("Recruiter id").fill("rita")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    for path in ("/dashboard", "/dashboard/candidates", "/dashboard/invitations",
                 "/dashboard/roles", f"/dashboard/sessions/{session_id}",
                 "/dashboard/roles/editor?role=demo", "/dashboard/roles/demo/compare"):  # fmt: skip
        page.goto(f"{base}{path}")
        assert _violations(page) == [], path
    expect(page.locator("table.heatmap tbody tr")).to_have_count(1)  # scored on its page
    page.get_by_role("button", name="Shortlist Test Person").click()
    expect(page.get_by_role("button", name="Shortlist Test Person")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert _violations(page) == []
    page.screenshot(path=str(screenshot_path("dashboard-compare")), full_page=True)
