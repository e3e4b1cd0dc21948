"""Coaching cues and integrity flags follow the product brief's thresholds."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from perception import Reading, coaching_cues, integrity_flags, measure_speech
from perception.cues import Cue
from perception.face import FaceMeasures
from perception.readings import not_measured
from perception.words import TimedWord


def _speech(words: int, seconds: float, fillers: int = 0) -> object:
    step = seconds / words
    text = ["um" if i < fillers else "word" for i in range(words)]
    timed = [TimedWord(w, i * step, i * step + step * 0.8) for i, w in enumerate(text)]
    return measure_speech(timed, turn_start_s=0.0, turn_end_s=seconds)


def _face(looking: float | None, present: float = 1.0, many: float = 0.0) -> FaceMeasures:
    full = Reading(1.0, 1.0)
    return FaceMeasures(
        frames=50,
        duration_s=10.0,
        face_present_share=replace(full, value=present),
        multiple_faces_share=replace(full, value=many),
        looking_at_screen_share=replace(full, value=looking)
        if looking is not None
        else not_measured("no face in view"),
        head_movement_deg=Reading(1.0, 1.0, "deg"),
        smiling_share=full,
        blink_rate_per_min=not_measured("too short"),
        quality=[],
    )


def kinds(cues: list) -> list[str]:  # type: ignore[type-arg]
    return [c.kind for c in cues]


def test_pace_inside_the_band_gives_no_cue() -> None:
    assert coaching_cues(_speech(70, 30.0)) == []  # 140 wpm


def test_fast_and_slow_pace_cues_wait_for_a_clear_excess() -> None:
    assert kinds(coaching_cues(_speech(85, 30.0))) == []  # 170 wpm: inside the margin
    assert kinds(coaching_cues(_speech(95, 30.0))) == ["pace-fast"]  # 190 wpm
    assert kinds(coaching_cues(_speech(50, 30.0))) == ["pace-slow"]  # 100 wpm


def test_fillers_over_1_3_per_100_words() -> None:
    assert kinds(coaching_cues(_speech(100, 40.0, fillers=1))) == []  # 1.0 per 100 words
    assert kinds(coaching_cues(_speech(100, 40.0, fillers=2))) == ["fillers"]  # 2.0 per 100


def test_too_little_speech_gives_no_pace_cue() -> None:
    assert coaching_cues(_speech(6, 1.0)) == []  # 360 wpm, but six words


def test_looking_away_more_than_a_third_and_a_quiet_voice() -> None:
    assert kinds(coaching_cues(face=_face(0.7))) == []
    assert kinds(coaching_cues(face=_face(0.6))) == ["looking-away"]
    assert kinds(coaching_cues(face=_face(None))) == []  # not measured: no cue
    assert kinds(coaching_cues(level_dbfs=-45.0)) == ["quiet"]
    assert kinds(coaching_cues(level_dbfs=-25.0)) == []


def test_flags_are_for_review_and_name_what_was_seen() -> None:
    assert integrity_flags(face=_face(0.9)) == []
    flags = integrity_flags(face=_face(0.2, present=0.5, many=0.3))
    assert kinds(flags) == ["another-face", "face-missing", "off-screen-gaze"]  # type: ignore[arg-type]
    assert "30%" in flags[0].detail


def test_latency_flag_against_the_candidate_s_usual() -> None:
    assert integrity_flags(response_latency_s=6.0) == []
    assert kinds(integrity_flags(response_latency_s=16.0)) == ["unusual-latency"]  # type: ignore[arg-type]
    assert kinds(integrity_flags(response_latency_s=6.0, typical_latency_s=1.0)) == [  # type: ignore[arg-type]
        "unusual-latency"
    ]
    assert integrity_flags(response_latency_s=2.5, typical_latency_s=1.0) == []


def test_a_thinking_pause_does_not_make_the_pace_slow() -> None:
    # 50 words of talk around a 6.1 s pause: 115 wpm over the whole answer, 150 without it.
    step = 20.0 / 50
    words = [TimedWord("word", i * step, i * step + 0.3) for i in range(25)]
    words += [TimedWord("word", 16.0 + i * step, 16.0 + i * step + 0.3) for i in range(25)]
    speech = measure_speech(words, turn_start_s=0.0, turn_end_s=26.0)
    assert speech.words_per_minute == pytest.approx(115.4, abs=0.1)
    assert speech.long_pause_total_s == pytest.approx(6.1, abs=0.01)
    assert coaching_cues(speech) == []


def test_a_cue_holds_a_plain_float_whatever_the_measurement_gave() -> None:
    cue = Cue("pace-fast", np.float64(215.8), 160.0)
    assert type(cue.value) is float and repr(cue.as_dict()["value"]) == "215.8"
