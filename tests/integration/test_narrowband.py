"""Narrowband (telephone) audio: told apart by its content, and still transcribed.

The same synthesized answers are heard wideband (16 kHz, as from a browser microphone) and
over a G.711 line (8 kHz mu-law, ``tests.telephone``), then resampled to the rates analysis
and files use.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from agent.audio import resample
from agent.stt_whisper import WhisperOptions, WhisperSTT
from agent.tts_piper import load_voice
from perception import measure_voice
from perception.bandwidth import NARROWBAND_BELOW_DB, high_band_db, is_narrowband
from recruiter_rehearsal.candidates import CandidateVoice
from tests.integration.speech import word_error_rate
from tests.telephone import over_the_phone

RATE = 16000
ANSWERS = [
    "I rebuilt the returns process so that refunds went out in three days instead of nine.",
    "We moved the nightly report to a queue, and the morning team stopped waiting for it.",
    "I asked the warehouse to scan parcels on arrival, which cut the backlog by half.",
]


@pytest.fixture(scope="module")
def spoken(installed_models: Path) -> list[np.ndarray]:
    voice = load_voice(installed_models / "piper-joe/en_US-joe-medium.onnx")
    low, high = CandidateVoice(voice, shift=1.0), CandidateVoice(voice, shift=1.3)
    return [(low if i % 2 else high).render(text).samples for i, text in enumerate(ANSWERS)]


def test_a_call_is_narrowband_at_any_rate_and_a_microphone_is_not(
    spoken: list[np.ndarray],
) -> None:
    rng = np.random.default_rng(7)
    for wide in spoken:
        phone = over_the_phone(wide, RATE)
        wide_db, phone_db = high_band_db(wide, RATE), high_band_db(phone, RATE)
        assert wide_db is not None and wide_db > NARROWBAND_BELOW_DB + 10, wide_db
        assert phone_db is not None and phone_db < NARROWBAND_BELOW_DB - 10, phone_db
        assert is_narrowband(phone, RATE) and not is_narrowband(wide, RATE)
        # Resampled to a file's rate, or with faint hiss added after the line, a call stays
        # a call; a microphone recording stays wideband.
        assert is_narrowband(resample(phone, RATE, 44100), 44100)
        assert not is_narrowband(resample(wide, RATE, 44100), 44100)
        hiss = rng.normal(0.0, 10 ** (-60 / 20), phone.size).astype(np.float32)
        assert is_narrowband(phone + hiss, RATE)
    assert is_narrowband(np.zeros(RATE, np.float32), RATE) is None  # nothing to read


def test_the_voice_measures_say_narrowband_from_content_not_rate(
    spoken: list[np.ndarray],
) -> None:
    phone_44k = resample(over_the_phone(spoken[0], RATE), RATE, 44100)
    noted = measure_voice(phone_44k, 44100)
    assert any("narrowband" in q for q in noted.quality)
    assert noted.pitch_median_hz.value is not None  # pitch still holds on a call
    assert not any("narrowband" in q for q in measure_voice(spoken[0], RATE).quality)


def test_narrowband_word_error_rate_stays_within_one_and_a_half_times_wideband(
    spoken: list[np.ndarray], installed_models: Path
) -> None:
    stt = WhisperSTT(WhisperOptions(model_dir=installed_models / "whisper-tiny.en"))
    pairs = list(zip(ANSWERS, spoken, strict=True))
    wide = [word_error_rate(t, stt.transcribe(a).text) for t, a in pairs]
    phone = [word_error_rate(t, stt.transcribe(over_the_phone(a, RATE)).text) for t, a in pairs]
    # An absolute floor of 0.05: on answers this short one word is 0.06, so 1.5x of a
    # wideband WER near zero would hold the phone line to no word wrong at all.
    assert np.mean(phone) <= max(1.5 * np.mean(wide), 0.05), (wide, phone)
