"""Speech no transcription attempt could read: the recruiter asks for it again (issue 17).

Whisper fails on every attempt at the first answer (as a broken model runtime would). The
session keeps listening, the candidate hears "Sorry, I didn't catch that", says the answer
again, and the interview goes on to its end; the recruiter turn that asked records the loss.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from agent.bootstrap import VoiceModels, load_voice_models
from agent.not_heard import NOT_HEARD
from recruiter_config.settings import Settings
from recruiter_llm.client import LLMEndpoint, OpenAIChatClient
from recruiter_rehearsal.run import RehearsalOptions, RehearsalResult, run_rehearsal
from storage import InterviewSession, SessionRepository, Turn, create_database, session_factory
from tests.conftest import run
from tests.integration.speech import word_error_rate
from tests.integration.test_crash_resume import ROLE

pytestmark = [pytest.mark.models, pytest.mark.llm]

FIRST = "I enjoy solving problems for people."
AGAIN = "I enjoy solving problems for people, and I worked on a help desk for two years."
ANSWERS: dict[str, str | list[str]] = {
    "why-support": [FIRST, AGAIN],
    "hard-customer": "A customer was charged twice, so I refunded the fee the same day.",
    "busy-day": "I write a short list of what matters most and take the calls one at a time.",
}


def rehearse_stored(
    settings: Settings, models: VoiceModels, endpoint: LLMEndpoint,
    answers: dict[str, str | list[str]],
) -> tuple[InterviewSession | None, list[Turn]]:  # fmt: skip
    """Rehearse ``ROLE`` with ``answers``; the stored session and its turns."""

    async def go() -> RehearsalResult:
        chat = OpenAIChatClient(endpoint)
        try:
            options = RehearsalOptions(role=ROLE, answers=dict(answers), reply_timeout_s=60)
            return await run_rehearsal(settings, options, chat=chat, models=models)
        finally:
            await chat.aclose()

    result = run(go())
    engine = create_database(settings.resolved_database_url)
    with session_factory(engine)() as s:
        record = SessionRepository(s).get(result.session_id)
        turns = SessionRepository(s).turns(result.session_id)
    engine.dispose()
    return record, turns


def test_an_answer_lost_in_transcription_is_asked_for_again(
    home: Path, llm_endpoint: LLMEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(home=home)
    models = load_voice_models(settings)
    real, attempts, failed = models.stt.transcribe, [], []

    def first_answer_lost(audio: np.ndarray):  # type: ignore[no-untyped-def]
        # Every decode fails until the final one of an answer has failed all its attempts (an
        # early decode of the answer's settled part, if one was tried, fails too).
        attempts.append(audio.size)
        if failed.count(attempts[-1]) < 3 and not any(failed.count(n) >= 3 for n in failed):
            failed.append(audio.size)
            raise RuntimeError("model runtime failed")
        return real(audio)

    monkeypatch.setattr(models.stt, "transcribe", first_answer_lost)

    record, turns = rehearse_stored(settings, models, llm_endpoint, ANSWERS)
    assert record is not None and record.status == "completed"
    assert len(set(failed[-3:])) == 1 and len(failed) <= 4  # three attempts at one utterance
    asked_again = [t for t in turns if t.speaker == "recruiter" and t.text == NOT_HEARD]
    assert len(asked_again) == 1
    lost = [e for e in asked_again[0].events or [] if e["type"] == "not-heard"]
    assert [(e["question_id"], e["times"]) for e in lost] == [("why-support", 1)]
    said = [(t.question_id, t.text) for t in turns if t.speaker == "candidate"]
    assert [q for q, _ in said] == list(ANSWERS)  # the lost answer was given again, once
    # The answer stored is the one said again (tiny.en's words vary by CPU: "help best" was heard).
    assert word_error_rate(AGAIN, said[0][1]) < 0.3 < word_error_rate(FIRST, said[0][1]), said[0]
    assert turns[-1].text.endswith("That's all, thank you. Goodbye!")
