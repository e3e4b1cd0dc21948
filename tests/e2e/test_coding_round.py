"""The coding round in real headless Chromium: the editor, Run, Submit, the recruiter's
question about the code, and the report's coding part with the code's replay.

The real LiveKit server, the worker (its own processes, real models, the real sandbox) and the
web app; the candidate page's editor is CodeMirror 6 as the app serves it. The candidate types
a solution to the problem the recruiter asks first, runs the examples, submits it to the
hidden tests, hears (in the captions) the question about its time complexity, ends the
interview and finds the results in the report.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import yaml
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect

from dialogue.coding import FAILING_RUNS_FOR_HINT
from storage import CodeEventRepository, InterviewSession, RoleRepository
from tests.conftest import FIXTURES
from tests.e2e.conftest import (
    CandidatePage,
    RoomStack,
    assert_no_personal_data,
    open_candidate_page,
)
from tests.e2e.test_browser_interview import _answer_wav, _shot

pytestmark = [pytest.mark.e2e, pytest.mark.models, pytest.mark.llm]

# The shipped coding round starts at a medium problem: the first of them in the script.
SOLUTION = """def pair_with_sum(prices, budget):
    seen = {}
    for i, price in enumerate(prices):
        if budget - price in seen:
            return [seen[budget - price], i]
        seen[price] = i
    return []
"""


# Pasted after the solution: a large paste is a signal for a person to review (200 characters
# or more at once, ``coding.paste_chars``).
NOTES = "# a dictionary maps each price seen to its index\n" * 5


def _type_solution(page: Page) -> None:
    page.locator("#code-editor .cm-content").click()
    page.keyboard.press("Control+a")
    # Text input as an input method gives it (no key presses, so no auto-indent to undo).
    page.keyboard.insert_text(SOLUTION)


def _paste_notes_and_leave_the_tab(page: Page) -> None:
    """Paste NOTES at the end of the code as a browser delivers a paste, then leave the tab
    and come back (the page hears ``visibilitychange`` as when another tab is chosen)."""
    page.keyboard.press("Control+End")
    page.locator("#code-editor .cm-content").evaluate(
        """(el, text) => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            el.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true,
                                                          cancelable: true}));
        }""",
        NOTES,
    )
    # A person's pace (the agent keeps at most 10 signals in 10 s: a page cannot flood it).
    for hidden in (True, False):
        page.wait_for_timeout(500)
        page.evaluate(
            """(hidden) => {
                Object.defineProperty(document, "hidden", {value: hidden, configurable: true});
                document.dispatchEvent(new Event("visibilitychange"));
            }""",
            hidden,
        )


def test_a_candidate_codes_runs_submits_and_finds_the_code_in_the_report(
    room_stack: RoomStack,
    tmp_path: Path,
    launch_browser: Callable[..., Browser],
    serve: Callable[[FastAPI], str],
) -> None:
    db = room_stack.db
    silence = _answer_wav(tmp_path / "quiet.wav", np.zeros(16000))
    opened = open_candidate_page(room_stack, serve, launch_browser, name="Coding Tester",
                                 role_id="coding-round", audio=silence, height=1400)  # fmt: skip
    page, invitation, console = opened.page, opened.invitation, opened.console
    try:
        _round(page)
    except AssertionError:
        _shot(page, "coding-failure")
        print("browser console:", *console[-30:], sep="\n")
        raise
    with db() as s:
        stored = s.query(InterviewSession).filter_by(channel=invitation.room).one()
        events = CodeEventRepository(s).for_session(stored.id)
    kinds = [e.kind for e in events]
    assert "snapshot" in kinds and kinds.count("run") == 1 and kinds.count("submit") == 1
    submit = next(e for e in events if e.kind == "submit")
    assert submit.code is not None and "seen[price] = i" in submit.code
    assert (submit.detail or {})["passed"] == (submit.detail or {})["total"] == 6
    # The paste and the tab left and shown are stored as signals, with their times.
    signals = [(e.detail or {}) for e in events if e.kind == "signal"]
    assert {"signal": "paste", "chars": len(NOTES)} in signals, signals
    assert [d["signal"] for d in signals if d["signal"].startswith("tab")] == [
        "tab-hidden", "tab-shown",
    ], signals  # fmt: skip
    # The code is the candidate's: never in the stack's logs or the page's console.
    assert_no_personal_data(room_stack.worker_log.parent,
                            ["Coding Tester", "seen[budget - price]"], console)  # fmt: skip
    assert not [line for line in console if "page error" in line], console


def _round(page: Page) -> None:
    expect(page.get_by_text("your code as you write it").first).to_be_visible()
    page.get_by_label("I understand what is recorded and kept, and agree.").check()
    page.click("#join")
    expect(page.locator("#agent-state")).not_to_have_text("not here yet", timeout=120_000)
    # The first problem opens in the editor as the recruiter asks it.
    expect(page.locator("#coding")).to_be_visible(timeout=120_000)
    expect(page.locator("#problem-title")).to_have_text("Two prices that make the budget")
    expect(page.locator("#code-editor .cm-content")).to_contain_text("def pair_with_sum")
    _type_solution(page)
    expect(page.locator("#code-editor .cm-content")).to_contain_text("seen[price] = i")
    _paste_notes_and_leave_the_tab(page)
    expect(page.locator("#code-editor .cm-content")).to_contain_text("each price seen")
    page.click("#code-run")
    expect(page.locator("#code-results .summary")).to_have_text(
        "2 of 2 examples passed", timeout=60_000
    )
    page.click("#code-submit")
    expect(page.locator("#code-results .summary")).to_have_text(
        "6 of 6 hidden tests passed", timeout=120_000
    )
    expect(page.locator("#code-results")).to_contain_text("Running time grew as n^")
    # The recruiter says the result and asks about the time complexity of the code written
    # (one loop over the prices with a dictionary), naming what it does.
    asked = page.locator("#captions li[data-speaker=recruiter]", has_text="time complexity")
    expect(asked.first).to_be_visible(timeout=120_000)
    expect(asked.first).to_contain_text("a single loop, using a set or a map")
    _shot(page, "coding-round")
    page.click("#end")
    expect(page.locator("#report-link")).to_be_visible(timeout=180_000)
    page.click("#report-link")
    body = page.locator("body")
    expect(body).to_contain_text("Coding")
    expect(body).to_contain_text("Two prices that make the budget")
    expect(body).to_contain_text("6 of 6 passed")
    expect(body).to_contain_text("seen[price] = i")
    expect(body).to_contain_text("snapshots of the code")
    # The solved problem is rated from its code (not "not asked" for want of words).
    expect(body).to_contain_text("The code: 6 of 6 hidden tests passed")
    # The process: one run of the examples, one submit, no hint; the signals with their times.
    for row, value in (("Runs of the examples", "1"), ("Submits", "1"), ("Hints given", "0")):
        expect(page.locator("tr", has=page.locator("th", has_text=row)).locator("td")).to_have_text(
            value
        )
    expect(body).to_contain_text("Signals for a person to review (not a verdict)")
    expect(body).to_contain_text(f"pasted {len(NOTES)} characters at once")
    expect(body).to_contain_text("left the interview's tab")
    _shot(page, "coding-report")


# The written problem's solution in JavaScript, typed as a candidate who picked that language.
WRITTEN_SOLUTION = """function busiestHour(hours) {
  const counts = new Array(24).fill(0);
  for (const hour of hours) counts[hour] += 1;
  if (hours.length === 0) return -1;
  return counts.indexOf(Math.max(...counts));
}
"""


def _join_a_stored_role(
    room_stack: RoomStack, serve: Callable[[FastAPI], str], launch_browser: Callable[..., Browser],
    tmp_path: Path, script: str, *, role_id: str, name: str,
) -> CandidatePage:  # fmt: skip
    """``script`` stored as role ``role_id`` (as the dashboard's editor stores it), and
    candidate ``name``'s page joined to it, once the recruiter has opened its coding problem."""
    with room_stack.db() as s:
        RoleRepository(s).store(role_id=role_id, version="1", title=role_id, content=script)
        s.commit()
    silence = _answer_wav(tmp_path / "quiet.wav", np.zeros(16000))
    opened = open_candidate_page(room_stack, serve, launch_browser, name=name, role_id=role_id,
                                 audio=silence, height=1400)  # fmt: skip
    try:
        opened.page.get_by_label("I understand what is recorded and kept, and agree.").check()
        opened.page.click("#join")
        expect(opened.page.locator("#coding")).to_be_visible(timeout=120_000)
    except AssertionError:
        _shot(opened.page, f"{role_id}-join-failure")
        print("browser console:", *opened.console[-30:], sep="\n")
        raise
    return opened


def test_a_problem_a_recruiter_wrote_is_coded_in_javascript_in_a_room(
    room_stack: RoomStack,
    tmp_path: Path,
    launch_browser: Callable[..., Browser],
    serve: Callable[[FastAPI], str],
) -> None:
    """A role whose problem is written in the script itself (stored as the dashboard's editor
    stores it, not shipped): the worker asks it, the page opens it, three failing runs get a
    hint from the recruiter (practice), the sandbox runs the candidate's JavaScript on the
    hidden tests and the report rates it."""
    script = (FIXTURES / "coding_written_problem.yaml").read_text(encoding="utf-8")
    opened = _join_a_stored_role(room_stack, serve, launch_browser, tmp_path, script,
                                 role_id="written-coding", name="Written Tester")  # fmt: skip
    page, console = opened.page, opened.console
    try:
        expect(page.locator("#problem-title")).to_have_text("The support line's busiest hour")
        page.locator("#code-language").select_option("javascript")
        editor = page.locator("#code-editor .cm-content")
        expect(editor).to_contain_text("function busiestHour")
        # The starter code, run three times, fails each time: practice mode offers a hint.
        results = page.locator("#code-results .summary")
        for _ in range(FAILING_RUNS_FOR_HINT):
            page.click("#code-run")
            expect(results).to_have_text("0 of 2 examples passed", timeout=60_000)
            expect(page.locator("#code-run")).to_be_enabled()
        hint = page.locator("#captions li[data-speaker=recruiter]", has_text="Here's a hint")
        expect(hint.first).to_contain_text("what you need to remember", timeout=120_000)
        editor.click()
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(WRITTEN_SOLUTION)
        expect(editor).to_contain_text("counts.indexOf")
        page.click("#code-submit")
        expect(results).to_have_text("4 of 4 hidden tests passed", timeout=120_000)
        asked = page.locator("#captions li[data-speaker=recruiter]", has_text="time complexity")
        expect(asked.first).to_be_visible(timeout=120_000)
        page.click("#end")
        expect(page.locator("#report-link")).to_be_visible(timeout=180_000)
        page.click("#report-link")
        body = page.locator("body")
        expect(body).to_contain_text("The support line's busiest hour")
        expect(body).to_contain_text("The code: 4 of 4 hidden tests passed")
        expect(body).to_contain_text("counts.indexOf")
        for row, value in (("Runs of the examples", "3"), ("Submits", "1"), ("Hints given", "1")):
            cells = page.locator("tr", has=page.locator("th", has_text=row)).locator("td")
            expect(cells).to_have_text(value)
    except AssertionError:
        _shot(page, "written-coding-failure")
        print("browser console:", *console[-30:], sep="\n")
        raise
    assert not [line for line in console if "page error" in line], console


def test_a_candidate_who_stalls_is_offered_a_hint_in_a_room(
    room_stack: RoomStack,
    tmp_path: Path,
    launch_browser: Callable[..., Browser],
    serve: Callable[[FastAPI], str],
) -> None:
    """Neither an edit nor a word for the question's ``stall_s`` (the role script's, 15 s
    here; the deployment's is two minutes): in practice the recruiter offers the problem's
    first hint, and the report keeps the inactivity as a signal for a person to review."""
    script = yaml.safe_load((FIXTURES / "coding_written_problem.yaml").read_text(encoding="utf-8"))
    script |= {"id": "stalled-coding", "title": "Written problem, quick hints"}
    script["questions"][0]["stall_s"] = 15
    opened = _join_a_stored_role(room_stack, serve, launch_browser, tmp_path,
                                 yaml.safe_dump(script, sort_keys=False),
                                 role_id="stalled-coding", name="Stalled Tester")  # fmt: skip
    page, console = opened.page, opened.console
    try:
        # Nothing typed, nothing said: the first hint, gentlest first.
        hint = page.locator("#captions li[data-speaker=recruiter]", has_text="Here's a hint")
        expect(hint.first).to_contain_text("what you need to remember", timeout=90_000)
        page.click("#end")
        expect(page.locator("#report-link")).to_be_visible(timeout=180_000)
        page.click("#report-link")
        body = page.locator("body")
        expect(body).to_contain_text("Signals for a person to review (not a verdict)")
        expect(body).to_contain_text("no typing or speaking for")
        cells = page.locator("tr", has=page.locator("th", has_text="Hints given")).locator("td")
        expect(cells).to_have_text("1")
    except AssertionError:
        _shot(page, "stalled-coding-failure")
        print("browser console:", *console[-30:], sep="\n")
        raise
    with room_stack.db() as s:
        stored = s.query(InterviewSession).filter_by(channel=opened.invitation.room).one()
        events = CodeEventRepository(s).for_session(stored.id)
    stalls = [(e.detail or {}) for e in events if e.kind == "signal"]
    assert stalls and all(d["signal"] == "inactivity" and d["seconds"] >= 15 for d in stalls)
    assert not [line for line in console if "page error" in line], console
