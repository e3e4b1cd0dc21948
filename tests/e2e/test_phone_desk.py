"""The phone desk in a real LiveKit room: a code said but lost in transcription uses no try.

The desk runs here (not in the worker) so that Whisper can be made to fail: every attempt at the
caller's first utterance raises, as a broken model runtime would. The caller, a participant
publishing a microphone, says the code, hears the desk ask again, and says it once more; with
one try in all, the interview is found only if the lost code did not use that try.
"""

from __future__ import annotations

import asyncio
import datetime
import secrets
import time

import numpy as np
import pytest
from livekit import api, rtc

from agent.bootstrap import load_voice_models
from agent.phone_desk import read_interview_code
from agent.room_candidate import RoomCandidate
from agent.stt_whisper import WhisperSTT
from recruiter_config.settings import LiveKitSettings
from recruiter_phone.codes import read_out
from recruiter_rehearsal.candidates import CandidateVoice
from tests.conftest import run
from tests.e2e.conftest import RoomStack

pytestmark = [pytest.mark.e2e, pytest.mark.models]

CODE = "4072"


def _token(livekit: LiveKitSettings, room: str, identity: str) -> str:
    """A plain join (no agent dispatched: the desk below is the only one answering)."""
    grants = api.VideoGrants(room_join=True, room=room, can_publish=True, can_subscribe=True)
    return (
        api.AccessToken(livekit.api_key, livekit.api_secret)
        .with_identity(identity)
        .with_ttl(datetime.timedelta(seconds=300))
        .with_grants(grants)
        .to_jwt()
    )


async def _after_quiet(caller: RoomCandidate, *, since: float, quiet_s: float = 1.5) -> None:
    """Wait until the desk has spoken after ``since`` (wall clock) and then been quiet for
    ``quiet_s`` seconds: a prompt is not interrupted, so a code said over it would be lost."""
    deadline = time.monotonic() + 40.0
    while time.monotonic() < deadline:
        loud = [t for t in caller.heard.loud_at if t > since]
        if loud and time.time() - loud[-1] > quiet_s:
            return
        await asyncio.sleep(0.1)
    raise TimeoutError("the desk did not speak, or did not stop")


def test_a_code_lost_in_transcription_is_asked_for_again_without_using_a_try(
    room_stack: RoomStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    livekit = room_stack.settings.livekit
    models = load_voice_models(room_stack.settings)
    said = CandidateVoice(models.tts.voice).render(f"{read_out(CODE)}.").samples
    real, attempts = WhisperSTT.transcribe, []

    def first_utterance_lost(self: WhisperSTT, audio: np.ndarray):  # type: ignore[no-untyped-def]
        attempts.append(audio.size)
        if len(attempts) <= 3:  # every attempt at the first utterance
            raise RuntimeError("model runtime failed")
        return real(self, audio)

    async def no_early_decode(self: WhisperSTT, audio: np.ndarray) -> None:
        return None  # an early decode of a part fails as well: the final decode takes it

    # The desk makes its own WhisperSTT (with a digits prompt) on the shared model. Its stream
    # decodes parts of an utterance at pauses (``settle``); those fail too, so that every
    # attempt counted above is a final decode of the whole utterance.
    monkeypatch.setattr(WhisperSTT, "transcribe", first_utterance_lost)
    monkeypatch.setattr(WhisperSTT, "settle", no_early_decode)
    looked_up: list[list[str]] = []
    asked_again: list[bool] = []

    def lookup(codes: list[str]) -> str | None:
        looked_up.append(list(codes))
        return "the interview" if CODE in codes else None

    async def go() -> str | None:
        name = f"desk-{secrets.token_hex(4)}"
        desk, caller = rtc.Room(), RoomCandidate()
        await desk.connect(livekit.url, _token(livekit, name, "desk"))
        await caller.join(livekit.url, _token(livekit, name, "caller"))
        try:
            while "caller" not in desk.remote_participants:
                await asyncio.sleep(0.1)
            found = asyncio.create_task(read_interview_code(
                desk, desk.remote_participants["caller"], models, lookup,
                digits=len(CODE), tries=1, wait_s=40.0,
            ))  # fmt: skip
            await _after_quiet(caller, since=time.time())  # the greeting
            await caller.say(said)
            while len(attempts) < 3 and not found.done():
                await asyncio.sleep(0.2)
            lost_at = time.time()
            # The desk asks again at once ("Sorry, I could not hear that..."), not after its wait.
            deadline = time.monotonic() + 8.0
            while caller.first_loud_after(lost_at) is None and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            asked_again.append(caller.first_loud_after(lost_at) is not None)
            await _after_quiet(caller, since=lost_at)
            await caller.say(said)
            return await asyncio.wait_for(found, 60.0)
        finally:
            await caller.leave()
            await desk.disconnect()

    assert run(go()) == "the interview"
    assert asked_again == [True]
    assert len(attempts) >= 4 and len(set(attempts[:3])) == 1  # three attempts at one utterance
    assert looked_up and CODE in looked_up[-1]
