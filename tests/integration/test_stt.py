"""The faster-whisper plugin transcribes synthesized speech of known text (WER <= 10%)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from livekit import rtc

from agent.audio import to_int16
from agent.stt_whisper import WhisperOptions, WhisperSTT
from agent.tts_piper import load_voice
from recruiter_rehearsal.candidates import MIC_RATE, CandidateVoice
from tests.conftest import run
from tests.integration.speech import word_error_rate

SENTENCES = [
    "I have worked for three years on the help desk of an online bookshop.",
    "Last spring a customer wrote in because his order had been lost twice.",
    "I would first check which problem blocks the customer the most.",
    "Then I would tell the other customer when I expect to get back to them.",
]

pytestmark = pytest.mark.models


@pytest.fixture(scope="module")
def stt(installed_models: Path) -> WhisperSTT:
    return WhisperSTT(WhisperOptions(model_dir=installed_models / "whisper-tiny.en"))


@pytest.fixture(scope="module")
def voice(installed_models: Path) -> CandidateVoice:
    return CandidateVoice(load_voice(installed_models / "piper-joe/en_US-joe-medium.onnx"))


def _frame(samples: np.ndarray) -> rtc.AudioFrame:
    pcm = to_int16(samples)
    return rtc.AudioFrame(pcm.tobytes(), MIC_RATE, 1, pcm.size)


def test_transcribes_known_sentences_through_the_livekit_interface(
    stt: WhisperSTT, voice: CandidateVoice
) -> None:
    async def transcribe_all() -> list[str]:
        texts = []
        for sentence in SENTENCES:
            event = await stt.recognize(buffer=_frame(voice.render(sentence).samples))
            texts.append(event.alternatives[0].text)
        return texts

    heard = run(transcribe_all())
    errors = [word_error_rate(t, h) for t, h in zip(SENTENCES, heard, strict=True)]
    total = word_error_rate(" ".join(SENTENCES), " ".join(heard))
    assert total <= 0.10, f"WER {total:.2%}: {list(zip(heard, errors, strict=True))}"


def test_word_timestamps_are_ordered_and_inside_the_audio(
    stt: WhisperSTT, voice: CandidateVoice
) -> None:
    answer = voice.render("Let me think. [pause 2.0] I called him the same day.")
    result = stt.transcribe(answer.samples)
    assert len(result.words) >= 7
    starts = [w.start_s for w in result.words]
    assert starts == sorted(starts)
    assert all(0 <= w.start_s <= w.end_s <= result.duration_s + 0.1 for w in result.words)
    # Words after the two-second pause are timed after it (Whisper stretches the word before a
    # pause, so the gap itself is not measured here).
    called = next(w for w in result.words if w.word.lower().strip(",.") == "called")
    assert called.start_s >= 2.4


def test_silence_gives_no_words(stt: WhisperSTT) -> None:
    async def recognise() -> str:
        event = await stt.recognize(buffer=_frame(np.zeros(MIC_RATE * 2, dtype=np.float32)))
        return event.alternatives[0].text

    assert len(run(recognise()).split()) <= 1


# Short answers after which Whisper used to write a "Thank you." nobody said (persona runs).
SHORT = ["Sure.", "So.", "Let me think.", "Probably the payment one.", "I froze a bit there."]


def test_short_answers_get_no_words_that_were_not_said(
    stt: WhisperSTT, voice: CandidateVoice
) -> None:
    heard = [stt.transcribe(voice.render(s).samples).text.lower() for s in SHORT * 2]
    assert not [h for h in heard if "thank" in h or "next time" in h], heard


def test_a_thank_you_the_candidate_says_is_kept(stt: WhisperSTT, voice: CandidateVoice) -> None:
    result = stt.transcribe(voice.render("That is all from me. Thank you.").samples)
    assert result.text.lower().rstrip(".!").endswith("thank you"), result.text
    assert [w.word.lower().strip(".") for w in result.words][-2:] == ["thank", "you"]
