"""Level and pitch on synthetic tones with known answers, and bad audio that must not crash."""

from __future__ import annotations

import numpy as np
import pytest

from perception import measure_voice, speech_span
from perception.answer import measure_answer
from perception.voice import level_dbfs

RATE = 16000


def tone(hz: float, seconds: float, amplitude: float = 0.3, rate: int = RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def sweep(f0: float, f1: float, seconds: float) -> np.ndarray:
    """A tone gliding exponentially from f0 to f1: its pitch spans 12*log2(f1/f0) semitones."""
    t = np.arange(int(seconds * RATE)) / RATE
    freq = f0 * (f1 / f0) ** (t / seconds)
    return (0.3 * np.sin(2 * np.pi * np.cumsum(freq) / RATE)).astype(np.float32)


def test_a_steady_tone_has_its_pitch_and_no_variation() -> None:
    m = measure_voice(tone(200.0, 3.0), RATE)
    assert m.pitch_median_hz.value == pytest.approx(200.0, abs=1.0)
    assert m.pitch_range_st.value is not None and m.pitch_range_st.value < 0.2
    assert m.pitch_variation_st.value is not None and m.pitch_variation_st.value < 0.1
    assert m.voiced_share.value is not None and m.voiced_share.value > 0.9
    assert m.quality == []


def test_an_octave_glide_spans_about_twelve_semitones() -> None:
    m = measure_voice(sweep(150.0, 300.0, 4.0), RATE)
    # The 5th-95th percentile range of an even glide over 12 semitones is 0.9 * 12.
    assert m.pitch_range_st.value == pytest.approx(10.8, abs=0.6)
    assert m.pitch_median_hz.value == pytest.approx(150 * 2**0.5, rel=0.03)
    assert m.pitch_variation_st.value is not None and m.pitch_variation_st.value > 3.0


def test_level_is_read_in_dbfs() -> None:
    # A sine of peak A has an RMS of A / sqrt(2): 0.1 -> -23.0 dBFS.
    m = measure_voice(tone(220.0, 3.0, amplitude=0.1), RATE)
    assert m.level_dbfs.value == pytest.approx(-23.0, abs=1.0)
    assert level_dbfs(tone(220.0, 3.0, amplitude=0.1)) == pytest.approx(-23.0, abs=0.2)
    assert m.level_variation_db.value is not None and m.level_variation_db.value < 1.0
    assert m.level_steps_s == []


def test_a_volume_step_is_found_where_it_happens() -> None:
    # A step is a change held for 5 s or more: -12 dB at 6 s, back up at 12 s.
    loud, quiet = tone(180.0, 6.0, 0.4), tone(180.0, 6.0, 0.1)
    m = measure_voice(np.concatenate([loud, quiet, loud]), RATE)
    assert len(m.level_steps_s) == 2
    assert m.level_steps_s[0] == pytest.approx(6.0, abs=0.3)
    assert m.level_steps_s[1] == pytest.approx(12.0, abs=0.3)
    # A 6 dB change is within what sentence stress does: not a step.
    soft = tone(180.0, 6.0, 0.2)
    assert measure_voice(np.concatenate([loud, soft, loud]), RATE).level_steps_s == []
    assert m.level_variation_db.value is not None and m.level_variation_db.value > 4.0


def test_speech_span_skips_leading_and_trailing_silence() -> None:
    audio = np.concatenate([np.zeros(RATE), tone(200, 2.0), np.zeros(RATE // 2)])
    span = speech_span(audio, RATE)
    assert span is not None
    assert span[0] == pytest.approx(1.0, abs=0.02) and span[1] == pytest.approx(3.0, abs=0.02)
    assert speech_span(np.zeros(RATE), RATE) is None


def test_narrowband_audio_keeps_its_pitch_and_says_so() -> None:
    m = measure_voice(tone(200.0, 3.0, rate=8000), 8000)
    assert m.pitch_median_hz.value == pytest.approx(200.0, abs=1.0)
    assert any("narrowband" in q for q in m.quality)


def test_clipped_audio_is_flagged_and_trusted_less() -> None:
    clipped = np.clip(tone(200.0, 3.0, amplitude=3.0), -1.0, 1.0)
    m = measure_voice(clipped, RATE)
    assert m.clipped_share > 0.1 and any("clipped" in q for q in m.quality)
    assert m.level_dbfs.confidence < measure_voice(tone(200.0, 3.0), RATE).level_dbfs.confidence


@pytest.mark.parametrize(
    ("audio", "note"),
    [
        (np.zeros(0, np.float32), "no audio"),
        (np.zeros(RATE * 2, np.float32), "silent"),
        (np.full(RATE, np.nan, np.float32), "silent"),
        (np.zeros(100, np.float32), "under a second"),
    ],
)
def test_empty_or_silent_audio_is_not_measured(audio: np.ndarray, note: str) -> None:
    m = measure_voice(audio, RATE)
    assert any(note in q for q in m.quality)
    assert m.level_dbfs.value is None and m.pitch_median_hz.value is None
    assert m.pitch_median_hz.reason is not None and m.pitch_median_hz.reason.startswith(
        "not measured"
    )


@pytest.mark.parametrize("sd", [0.003, 0.05])  # quiet room noise (-50 dBFS), loud hiss
def test_noise_without_speech_has_no_speech_level_and_gets_no_speak_up_tip(sd: float) -> None:
    """Issue 17: room noise was read as a -50 dBFS answer and got the "quiet" tip."""
    noise = np.random.default_rng(0).normal(0, sd, RATE * 10).astype(np.float32)
    m = measure_voice(noise, RATE)
    assert m.level_dbfs.value is None and m.level_variation_db.value is None
    assert m.level_dbfs.reason is not None and "no voiced speech" in m.level_dbfs.reason
    assert m.pitch_median_hz.value is None
    assert any("no voiced speech" in q for q in m.quality)
    assert measure_answer([], audio=noise, rate=RATE).cues == []  # what analyze audio gives
