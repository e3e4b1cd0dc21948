"""Perception on real synthesized speech: known rates, inserted fillers, silences, level, pitch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from piper import SynthesisConfig

from agent.audio import resample
from agent.stt_whisper import WhisperOptions, WhisperSTT
from agent.tts_piper import load_voice, pcm_to_float, synthesize_pcm
from perception import measure_answer, measure_voice
from recruiter_rehearsal.candidates import CandidateVoice

pytestmark = pytest.mark.models
RATE = 16000
TEXT = (
    "In my last role I looked after the billing service. We had a queue that kept backing up at "
    "the end of each month, so I measured where the time went, found a slow query, and added an "
    "index. After that the backlog cleared in minutes instead of hours, and the team used the "
    "same approach on two other services."
)
WITH_FILLERS = [
    "Um, so I worked on the billing service, uh, for about two years, and, um, we moved it to a "
    "queue.",
    "Well, uh, the main problem was, um, latency. We, uh, added a cache and it, um, helped a lot.",
    "I led a team of four. Um, we shipped the new search page. Uh, it took three months, and it "
    "went well.",
]
INSERTED = 12  # the fillers in WITH_FILLERS


@pytest.fixture(scope="module")
def piper_voice(installed_models: Path):  # type: ignore[no-untyped-def]
    return load_voice(installed_models / "piper-joe/en_US-joe-medium.onnx")


@pytest.fixture(scope="module")
def stt(installed_models: Path) -> WhisperSTT:
    return WhisperSTT(WhisperOptions(model_dir=installed_models / "whisper-tiny.en"))


def _speak(voice, text: str, length_scale: float) -> np.ndarray:  # type: ignore[no-untyped-def]
    pcm = b"".join(synthesize_pcm(voice, text, SynthesisConfig(length_scale=length_scale)))
    return resample(pcm_to_float(pcm), voice.config.sample_rate, RATE)


def _measure(stt: WhisperSTT, audio: np.ndarray):  # type: ignore[no-untyped-def]
    heard = stt.transcribe(audio)
    words = list(heard.words)
    return measure_answer(words, transcript=heard.text, audio=audio, rate=RATE)


def test_pace_is_within_ten_percent_of_the_true_rate_and_ranked(piper_voice, stt) -> None:  # type: ignore[no-untyped-def]
    n = len(TEXT.split())
    true_rates, measured = [], []
    for scale in (0.8, 1.0, 1.3, 1.7):
        speech = _speak(piper_voice, TEXT, scale)
        true_rates.append(n * 60.0 / (speech.size / RATE))  # piper's audio is the speech
        padded = np.concatenate([np.zeros(RATE), speech, np.zeros(RATE)])  # silence around it
        m = _measure(stt, padded)
        assert m.speech.words_per_minute is not None
        measured.append(m.speech.words_per_minute)
    for truth, got in zip(true_rates, measured, strict=True):
        assert got == pytest.approx(truth, rel=0.10), (true_rates, measured)
    assert measured == sorted(measured, reverse=True)  # slower speech, lower rate


def test_fillers_are_found_with_the_verbatim_prompt(piper_voice, stt, installed_models) -> None:  # type: ignore[no-untyped-def]
    voice = CandidateVoice(piper_voice)  # the simulated candidate's voice
    takes = [voice.render(t).samples for t in WITH_FILLERS]
    found = sum(_measure(stt, audio).speech.fillers for audio in takes)
    plain = WhisperSTT(
        WhisperOptions(model_dir=installed_models / "whisper-tiny.en", verbatim=False)
    )
    without = sum(_measure(plain, audio).speech.fillers for audio in takes)
    # bench/perception.py measures the recall over more takes: 0.67 with the prompt, 0.06
    # without. One take varies, so the test asks for half, and clearly more than without.
    assert 0.5 * INSERTED <= found <= INSERTED
    assert found >= without + 3
    clean = _measure(stt, _speak(piper_voice, TEXT, 1.0))
    assert clean.speech.fillers == 0


def test_an_inserted_silence_is_a_long_pause(piper_voice, stt) -> None:  # type: ignore[no-untyped-def]
    half = "In my last role I looked after the billing service for two years."
    # This audio is over 12 s, so it is decoded in windows, cut in the gap (a pause of 1.5 s or
    # more always ends one). Whisper's word times at a window's edges add about 0.45 s: a 2.5 s
    # gap read 2.87-3.02 s in 12 renders. (In one window with the speech on both sides, it once
    # read 5.5 s: Whisper placed the words after the gap 3 s late.)
    gap = np.zeros(int(3.0 * RATE), dtype=np.float32)
    audio = np.concatenate([_speak(piper_voice, half, 1.0), gap, _speak(piper_voice, TEXT, 1.0)])
    m = _measure(stt, audio)
    assert m.speech.pauses_over_2s == 1
    assert m.speech.longest_pause_s == pytest.approx(3.0, abs=0.7)


def test_a_volume_step_in_speech_is_found(piper_voice) -> None:  # type: ignore[no-untyped-def]
    speech = _speak(piper_voice, f"{TEXT} {TEXT}", 1.0)
    steady = measure_voice(speech, RATE)
    assert steady.level_steps_s == []  # sentence stress and falls are not steps
    for where in (0.25, 0.75):
        at = int(where * speech.size)
        quieter = speech.copy()
        quieter[at:] *= 0.25  # 12 dB quieter from here on
        louder = speech * 0.25
        louder[at:] *= 4.0  # 12 dB louder from here on (no clipping)
        for stepped in (quieter, louder):
            m = measure_voice(stepped, RATE)
            assert len(m.level_steps_s) == 1, (at / RATE, m.level_steps_s)
            # Placed within the 5 s window the change must hold for (pauses blur the edge).
            assert m.level_steps_s[0] == pytest.approx(at / RATE, abs=3.0)
            assert m.level_variation_db.value > steady.level_variation_db.value  # type: ignore[operator]


def test_pitch_of_a_shifted_voice_is_higher_by_the_shift(piper_voice) -> None:  # type: ignore[no-untyped-def]
    plain = measure_voice(_speak(piper_voice, TEXT, 1.0), RATE)
    shifted = measure_voice(CandidateVoice(piper_voice, shift=1.22).render(TEXT).samples, RATE)
    assert plain.pitch_median_hz.value and shifted.pitch_median_hz.value
    semitones = 12 * np.log2(shifted.pitch_median_hz.value / plain.pitch_median_hz.value)
    assert semitones == pytest.approx(12 * np.log2(1.22), abs=1.0)  # 3.4 st
    # Speech moves in pitch; a steady synthetic voice still spans several semitones.
    assert plain.pitch_range_st.value is not None and plain.pitch_range_st.value > 3.0
