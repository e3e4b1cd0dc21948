"""The candidate-audio ring cuts out the span an answer's words cover."""

from __future__ import annotations

import numpy as np

from perception.history import AudioHistory


def test_slice_returns_the_audio_between_two_wall_times() -> None:
    history = AudioHistory(rate=100, seconds=10.0)
    ramp = np.arange(500, dtype=np.float32)  # 5 s, value = sample number
    for i in range(5):  # 1 s frames ending at t = 101..105: sample n was heard at 100 + n/100
        history.push(ramp[i * 100 : (i + 1) * 100], end_time=101.0 + i)
    audio, start = history.slice(102.0, 103.5)
    assert start == 102.0
    assert audio[0] == 200 and audio[-1] == 349 and audio.size == 150


def test_old_audio_is_dropped_and_the_slice_is_clamped() -> None:
    history = AudioHistory(rate=100, seconds=2.0)
    for i in range(5):
        history.push(np.full(100, i, dtype=np.float32), end_time=float(i + 1))
    audio, start = history.slice(0.0, 10.0)
    assert start == 3.0 and audio.size == 200
    assert audio[0] == 3 and audio[-1] == 4


def test_nothing_pushed_or_an_empty_span_gives_no_audio() -> None:
    history = AudioHistory(rate=100)
    assert history.slice(0.0, 1.0)[0].size == 0
    history.push(np.ones(100, dtype=np.float32), end_time=1.0)
    assert history.slice(0.5, 0.5)[0].size == 0
    assert history.slice(5.0, 6.0)[0].size == 0
