"""An answer no end of turn followed is still committed, stored and answered (agent.turn_guard).

livekit-agents' own end-of-turn detection is switched off for the whole rehearsal (its entry
point ignores what the VAD and the STT trigger), as if it never decided the turn was over. The
``OpenTurnGuard`` commits each transcribed answer once the candidate has been quiet, and the
interview runs to its end with every answer on its question.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from livekit.agents.voice.audio_recognition import AudioRecognition

from agent.bootstrap import load_voice_models
from recruiter_config.settings import Settings
from recruiter_llm.client import LLMEndpoint
from tests.integration.speech import word_error_rate
from tests.integration.test_lost_speech import ANSWERS, rehearse_stored

pytestmark = [pytest.mark.models, pytest.mark.llm]


def test_answers_no_end_of_turn_followed_are_committed_by_the_guard(
    home: Path,
    llm_endpoint: LLMEndpoint,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = Settings(home=home)
    models = load_voice_models(settings)
    detect = AudioRecognition._run_eou_detection
    ignored: list[str] = []

    def only_when_asked(self: AudioRecognition, chat_ctx: Any, *, trigger: str, **kw: Any) -> None:
        if trigger != "manual":
            ignored.append(trigger)
            return
        detect(self, chat_ctx, trigger=trigger, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(AudioRecognition, "_run_eou_detection", only_when_asked)
    answers = {q: a if isinstance(a, str) else a[-1] for q, a in ANSWERS.items()}

    with caplog.at_level(logging.WARNING, logger="recruiter.turns"):
        record, turns = rehearse_stored(settings, models, llm_endpoint, answers)
    assert ignored  # livekit-agents' own detection was asked, and did nothing
    assert record is not None and record.status == "completed"
    said = [(t.question_id, t.text) for t in turns if t.speaker == "candidate"]
    assert [q for q, _ in said] == list(answers)
    assert word_error_rate(answers[said[1][0]], said[1][1]) < 0.3, said[1]  # the whole answer
    committed = [r for r in caplog.records if "no end of turn" in r.getMessage()]
    assert len(committed) >= len(answers)
