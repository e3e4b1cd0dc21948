"""A sound after the answer that stops the reply and brings no words is no stall (issue 17).

The candidate finishes an answer, and a sound the VAD takes for speech (here the candidate's
voice saying "hmm", which the recogniser is made to hear nothing in, as it does in a cough or a
door) comes before the reply is heard: once while it is being prepared (it is dropped), once as
it starts to play (the headless output cannot pause, so it is cut off). The answer seemed to go
on, but no words come of it, so no turn comes either; before ``DroppedReplyGuard`` the
recruiter then said nothing for ever. Now the reply is said again once the candidate is quiet,
and the interview goes on to its end.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from livekit.agents.voice.events import AgentStateChangedEvent

from agent.bootstrap import load_voice_models
from agent.headless_io import CandidateMic
from agent.interviewer import Interviewer
from agent.stt_stream import Transcript
from recruiter_config.settings import Settings
from recruiter_llm.client import LLMEndpoint
from recruiter_rehearsal.candidates import CandidateVoice
from tests.integration.test_lost_speech import ANSWERS, rehearse_stored

pytestmark = [pytest.mark.models, pytest.mark.llm]


def test_a_reply_dropped_for_a_sound_with_no_words_is_said_again(
    home: Path,
    llm_endpoint: LLMEndpoint,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = Settings(home=home)
    models = load_voice_models(settings)
    sound = CandidateVoice(models.tts.voice).render("Hmmmmm.")  # one sound, past livekit's 0.5 s
    mics: list[CandidateMic] = []
    interviewers: list[Interviewer] = []
    mic_init, reply, transcribe = CandidateMic.__init__, Interviewer.llm_node, models.stt.transcribe
    no_words_until = [0.0]
    sounded: list[str] = []

    def keep_mic(self: CandidateMic, *args: Any, **kwargs: Any) -> None:
        mic_init(self, *args, **kwargs)
        mics.append(self)

    def hears_no_words(audio: np.ndarray) -> Transcript:
        if time.monotonic() < no_words_until[0] and audio.size < sound.samples.size + 16000:
            return Transcript("", (), audio.size / 16000)
        return transcribe(audio)

    def make_sound(why: str) -> None:
        sounded.append(why)
        no_words_until[0] = time.monotonic() + 10.0  # past its decode on a loaded machine
        asyncio.get_running_loop().create_task(mics[0].speak(sound.samples))

    async def sound_before_the_reply(
        self: Interviewer, chat_ctx: Any, tools: Any, model_settings: Any
    ) -> AsyncIterator[str]:
        interviewers.append(self)
        newest = next(m for m in reversed(chat_ctx.messages()) if m.role == "user")
        said = newest.text_content or ""
        if "one at a time" in said and "cut off" not in sounded:

            def as_it_plays(event: AgentStateChangedEvent) -> None:
                if event.new_state == "speaking":
                    self.session.off("agent_state_changed", as_it_plays)
                    make_sound("cut off")

            self.session.on("agent_state_changed", as_it_plays)
        noisy = "charged twice" in said and "dropped" not in sounded
        first = True
        async for piece in reply(self, chat_ctx, tools, model_settings):
            if noisy and first:
                # The reply is ready and not yet playing: the sound comes now, and the reply
                # is held while it plays (the drop is what is tested, not a race with it).
                make_sound("dropped")
                await asyncio.sleep(sound.samples.size / 16000 + 2.0)
            first = False
            yield piece

    monkeypatch.setattr(CandidateMic, "__init__", keep_mic)
    monkeypatch.setattr(Interviewer, "llm_node", sound_before_the_reply)
    monkeypatch.setattr(models.stt, "transcribe", hears_no_words)

    answers = {q: a if isinstance(a, str) else a[-1] for q, a in ANSWERS.items()}
    with caplog.at_level(logging.INFO, logger="recruiter.turns"):
        record, turns = rehearse_stored(settings, models, llm_endpoint, answers)
    assert sounded == ["dropped", "cut off"]
    assert interviewers[0].dropped >= 2  # the sound dropped a reply, and cut one off
    said_again = [r for r in caplog.records if "said again" in r.getMessage()]
    assert len(said_again) == 2
    assert record is not None and record.status == "completed"
    said = [(t.question_id, t.text) for t in turns if t.speaker == "candidate"]
    assert [q for q, _ in said] == list(answers)  # the sound is no answer of its own
    for i, answer in enumerate(turns):
        # An answer starts after its question began: not at the sound before it, with no words
        # and no turn (livekit-agents keeps that sound's start for the next turn).
        asked = [
            t for t in turns[:i] if t.speaker == "recruiter" and t.question_id == answer.question_id
        ]
        assert answer.speaker == "recruiter" or asked[0].start_s < answer.start_s, answer
    hard = next(i for i, t in enumerate(turns)
                if t.speaker == "candidate" and t.question_id == "hard-customer")  # fmt: skip
    replies = [t for t in turns[hard + 1 :] if t.speaker == "recruiter"]
    assert replies and not replies[0].interrupted and replies[0].latency_s is not None
    closing = [t for t in turns if t.speaker == "recruiter" and "Goodbye" in t.text]
    assert [t.interrupted for t in closing] == [True, False]  # cut off, then said again
    assert turns[-1] is closing[-1] and turns[-1].text.endswith("That's all, thank you. Goodbye!")
