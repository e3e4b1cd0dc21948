"""A candidate whose page leaves the room mid-interview (a reload) comes back to it.

The candidate answers the first question and leaves once the next one has been stored, as a
reloaded page does; 25 s later (a reload and a second read of the consent) joins again with a
new token for the same invitation (the same identity). The interview was not ended meanwhile:
the recruiter welcomes them back and says its last words again; the candidate answers and ends
the interview, which completes. Nothing stored before the candidate left is lost or changed.
"""

from __future__ import annotations

import asyncio
import time
from functools import partial

import pytest
from starlette.testclient import TestClient

from agent.bootstrap import load_voice_models
from agent.presence import WELCOME_BACK
from agent.room_candidate import RoomCandidate
from recruiter_rehearsal.candidates import CandidateVoice
from tests.conftest import run
from tests.e2e.conftest import RoomStack, invite_to_room, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.models, pytest.mark.llm]

FIRST = "I have worked on a help desk for two years and I like solving problems for people."
SECOND = "Last spring I refunded a customer who was charged twice and called her back a week later."


def test_a_candidate_who_reloads_the_page_goes_on_with_the_interview(room_stack: RoomStack) -> None:
    db = room_stack.db
    invited = invite_to_room(
        room_stack, "Rejoining Candidate", "rejoin-test-secret-0123456789abcdef"
    )
    settings, app, token = invited.settings, invited.app, invited.token
    voice = CandidateVoice(load_voice_models(settings).tts.voice)
    first, second = voice.render(FIRST).samples, voice.render(SECOND).samples
    turns = partial(invited.turns, db)

    async def until(check, timeout_s: float):  # type: ignore[no-untyped-def]
        return await wait_until(check, timeout_s, turns)

    with TestClient(app) as client:

        def access() -> str:
            answer = client.post(f"/api/join/{token}/token", json={"consent": True})
            assert answer.status_code == 200, answer.text
            return str(answer.json()["token"])

        async def scenario() -> tuple[list, list]:  # type: ignore[type-arg]
            page = RoomCandidate()
            await page.join(settings.livekit.url, access())
            try:
                asked = await page.wait_for_state("speaking", 0.0, timeout_s=180)
                await page.wait_for_state("listening", asked, timeout_s=120)
                await page.say(first)
                await until(lambda: len(turns()) >= 3, timeout_s=180)  # the next question
                await page.wait_for_state("listening", time.time(), timeout_s=120)
            finally:
                await page.leave()  # the page is reloaded
            before = turns()
            # Longer than LiveKit's default departure timeout (20 s), which closed the room
            # (and the job with it) before the candidate could come back.
            await asyncio.sleep(25.0)
            running = invited.session(db)
            assert running is not None and running.status == "running"
            page = RoomCandidate()
            await page.join(settings.livekit.url, access())
            try:
                joined = time.time()
                back = await page.wait_for_state("speaking", joined, timeout_s=60)
                await page.wait_for_state("listening", back, timeout_s=120)
                await page.say(second)
                await until(lambda: sum(t[1] == "candidate" for t in turns()) >= 2, 180)
                await page.end_interview()
                await page.wait_for_event("ended", timeout_s=240)
                return before, turns()
            finally:
                await page.leave()

        before, after = run(scenario())

    assert [t[1] for t in before[:3]] == ["recruiter", "candidate", "recruiter"]
    assert [t[:4] for t in after[: len(before)]] == [t[:4] for t in before]  # nothing lost
    welcome = after[len(before)]
    assert welcome[1] == "recruiter" and welcome[2].startswith(WELCOME_BACK), welcome
    assert before[-1][2] in welcome[2]  # the last words heard before leaving, said again
    assert any(e.get("type") == "rejoined" for e in welcome[4]), welcome
    # The answer after coming back is stored under the question the welcome said again.
    answered = [t[3] for t in after if t[1] == "candidate"]
    assert len(answered) == 2 and welcome[3] is not None and answered[1] == welcome[3], after
    done = invited.session(db)
    assert done is not None and done.status == "completed"
