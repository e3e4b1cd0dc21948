"""How the voice sounds, from the audio itself: level, its variation and steps, pitch, voicing.

Pitch and intensity come from Praat (``praat-parselmouth``); this module only chooses frames and
summarises. Every value is a :class:`~perception.readings.Reading`, and the input is checked
first: no audio, silence, clipping and narrowband (telephone) audio are reported, not guessed past.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import parselmouth

from perception.bandwidth import is_narrowband
from perception.readings import Reading, not_measured

__all__ = ["VoiceMeasures", "level_dbfs", "measure_voice", "speech_span"]

PITCH_FLOOR_HZ = 75.0
PITCH_CEILING_HZ = 500.0
FRAME_S = 0.05
# Praat reads float samples as pascals: 0 dB is 2e-5 Pa, so full scale (1.0) is 93.98 dB.
_PRAAT_FULL_SCALE_DB = 20.0 * np.log10(1.0 / 2e-5)
SILENT_DBFS = -55.0  # frames below this are silence, whatever the recording
ACTIVE_BELOW_PEAK_DB = 30.0  # frames within this of the loudest are speech (or noise over it)
CLIP_LEVEL = 0.999
# A level step ("spoke much louder or quieter", "moved away from the microphone") is a change
# of STEP_DB held for STEP_WINDOW_S. On voiced frames, sentence stress and the fall at a
# sentence's end move the loud part of speech by up to 7.2 dB over 5 s in piper's voice (16
# renders); a -12 dB change of gain reads 9-15 dB.
STEP_DB = 8.5
STEP_WINDOW_S = 5.0
MIN_VOICED_S = 1.0  # less voiced speech than this gives no pitch


@dataclass(frozen=True)
class VoiceMeasures:
    """Level, pitch and voicing of one stretch of candidate audio."""

    duration_s: float
    sample_rate: int
    level_dbfs: Reading  # median level of the speech frames
    level_variation_db: Reading  # standard deviation of the speech frames' level
    level_steps_s: list[float]  # times where the level moved by STEP_DB or more and stayed
    pitch_median_hz: Reading
    pitch_range_st: Reading  # 5th to 95th percentile, in semitones
    pitch_variation_st: Reading  # standard deviation around the median, in semitones
    voiced_share: Reading  # share of the audio with voiced speech
    clipped_share: float  # share of samples at full scale
    quality: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON and storage."""
        out: dict[str, Any] = {
            "duration_s": self.duration_s,
            "sample_rate": self.sample_rate,
            "level_steps_s": self.level_steps_s,
            "clipped_share": self.clipped_share,
            "quality": self.quality,
        }
        for name in (
            "level_dbfs", "level_variation_db", "pitch_median_hz", "pitch_range_st",
            "pitch_variation_st", "voiced_share",
        ):  # fmt: skip
            out[name] = getattr(self, name).as_dict()
        return out


def level_dbfs(samples: np.ndarray) -> float | None:
    """RMS level of float samples in dB below full scale (None for no audio); cheap."""
    if samples.size == 0:
        return None
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return round(20.0 * float(np.log10(max(rms, 1e-10))), 1)


def speech_span(samples: np.ndarray, rate: int) -> tuple[float, float] | None:
    """Seconds from the start of ``samples`` to the first and last sound of speech; None if silent.

    A 10 ms frame is sound when it is within 35 dB of the loudest frame and above silence; the
    pace is taken over this span, because Whisper's word times trim the edges of words.
    """
    hop = max(1, rate // 100)
    n = samples.size // hop
    if n == 0:
        return None
    frames = np.asarray(samples[: n * hop], dtype=np.float64).reshape(n, hop)
    db = 10.0 * np.log10(np.maximum(np.mean(frames**2, axis=1), 1e-12))
    loud = np.flatnonzero(db > max(SILENT_DBFS, float(db.max()) - 35.0))
    if loud.size == 0:
        return None
    return round(loud[0] * hop / rate, 3), round((loud[-1] + 1) * hop / rate, 3)


def _frame_levels(sound: parselmouth.Sound) -> tuple[np.ndarray, np.ndarray]:
    intensity = sound.to_intensity(minimum_pitch=PITCH_FLOOR_HZ, time_step=FRAME_S)
    db = intensity.values[0] - _PRAAT_FULL_SCALE_DB
    return np.asarray(intensity.xs()), db


def _steps(times: np.ndarray, db: np.ndarray) -> list[float]:
    """Times where the level of the speech moved by STEP_DB and stayed there.

    Each speech frame splits the STEP_WINDOW_S before and after it. The change is measured on
    the loud part (75th percentile) of the speech on each side, which quiet syllables do not
    drag down; among the frames where it passes STEP_DB, the step is placed where the mean
    levels before and after differ most, which peaks where the change begins.
    """
    window = STEP_WINDOW_S
    size = np.zeros(times.size)
    centre = np.zeros(times.size)
    for i, t in enumerate(times):
        before = db[(times >= t - window) & (times < t)]
        after = db[(times >= t) & (times < t + window)]
        if min(before.size, after.size) * FRAME_S >= window / 4:  # enough speech on each side
            size[i] = abs(float(np.percentile(after, 75) - np.percentile(before, 75)))
            centre[i] = abs(float(np.mean(after) - np.mean(before)))
    steps: list[float] = []
    for i in np.argsort(-centre):  # nearby frames belong to the step with the larger change
        if size[i] >= STEP_DB and all(abs(times[i] - t) >= window for t in steps):
            steps.append(float(times[i]))
    return sorted(round(t, 2) for t in steps)


def _quality(samples: np.ndarray, rate: int, clipped: float) -> list[str]:
    notes = []
    if is_narrowband(samples, rate):
        # From the content: a call resampled to 16 or 44.1 kHz is still a call.
        notes.append(
            "narrowband (telephone) audio, almost nothing above 4 kHz: level and pitch hold, "
            "fillers and pace are less sure"
        )
    if clipped > 0.001:
        notes.append(f"clipped: {clipped:.1%} of samples at full scale; the level reads low")
    if samples.size == 0:
        notes.append("no audio")
    elif samples.size / rate < 1.0:
        notes.append("under a second of audio")
    return notes


def measure_voice(samples: np.ndarray, rate: int) -> VoiceMeasures:
    """Measure mono float audio in [-1, 1] at ``rate`` Hz.

    Args:
        samples: the candidate's audio for one answer (or a whole session).
        rate: its sample rate; telephone audio (by its content, ``perception.bandwidth``) is
            accepted and flagged, at any rate.

    Returns:
        The measures; values the audio cannot support are "not measured" with the reason.
    """
    audio = np.nan_to_num(np.asarray(samples, dtype=np.float64).reshape(-1))
    duration = round(audio.size / rate, 2) if rate > 0 else 0.0
    clipped = round(float(np.mean(np.abs(audio) >= CLIP_LEVEL)), 4) if audio.size else 0.0
    quality = _quality(audio, rate, clipped) if rate > 0 else ["no sample rate"]
    empty = VoiceMeasures(
        duration, rate, not_measured("no audio", "dBFS"), not_measured("no audio", "dB"), [],
        not_measured("no audio", "Hz"), not_measured("no audio", "st"),
        not_measured("no audio", "st"), not_measured("no audio"), clipped, quality,
    )  # fmt: skip
    # Praat needs a few pitch periods to analyse anything at all.
    if rate <= 0 or audio.size < int(0.1 * rate):
        return empty
    peak_dbfs = 20.0 * np.log10(max(float(np.max(np.abs(audio))), 1e-10))
    if peak_dbfs < SILENT_DBFS:
        return VoiceMeasures(**{**empty.__dict__, "quality": [*quality, "silent"]})
    sound = parselmouth.Sound(audio, sampling_frequency=float(rate))
    times, db = _frame_levels(sound)
    active = np.isfinite(db) & (db > max(SILENT_DBFS, float(np.nanmax(db)) - ACTIVE_BELOW_PEAK_DB))
    pitch = sound.to_pitch_ac(
        time_step=0.01, pitch_floor=PITCH_FLOOR_HZ, pitch_ceiling=PITCH_CEILING_HZ
    )
    f0 = pitch.selected_array["frequency"]
    voiced = f0[f0 > 0]
    # Steps are read on voiced frames only: which frames count must not depend on the level,
    # or a quieter stretch loses its soft syllables and reads louder than it is.
    at = np.clip(np.searchsorted(np.asarray(pitch.xs()), times), 0, f0.size - 1)
    speech = np.isfinite(db) & (f0[at] > 0)
    voiced_s = voiced.size * 0.01
    # The level is read on speech frames; clipping flattens peaks, so it is less sure then.
    if voiced_s < 0.05 * duration:
        quality.append("no voiced speech: noise or silence")
    # The level is read on voiced frames when there are enough (which frames count must not
    # depend on the level itself), else on the loud frames (voiceless noise is still a level).
    level = speech if int(speech.sum()) * FRAME_S >= MIN_VOICED_S else active
    level_conf = min(1.0, int(level.sum()) * FRAME_S / 5.0) * (0.5 if clipped > 0.001 else 1.0)
    act_db = db[level]
    if voiced_s >= MIN_VOICED_S:
        semis = 12.0 * np.log2(voiced / np.median(voiced))
        p5, p95 = np.percentile(semis, [5, 95])
        pitch_conf = min(1.0, voiced_s / 5.0)
        pitch_median = Reading(round(float(np.median(voiced)), 1), pitch_conf, "Hz")
        pitch_range = Reading(round(float(p95 - p5), 2), pitch_conf, "st")
        pitch_var = Reading(round(float(np.std(semis)), 2), pitch_conf, "st")
    else:
        why = f"under {MIN_VOICED_S:.0f} s of voiced speech"
        pitch_median, pitch_range, pitch_var = (
            not_measured(why, "Hz"), not_measured(why, "st"), not_measured(why, "st")
        )  # fmt: skip
    if quality and quality[-1].startswith("no voiced speech"):
        # Room noise has a level but it is not the candidate's: no speech, no speech level
        # (and no "speak up" tip built on it).
        level_db = not_measured("no voiced speech (noise or silence)", "dBFS")
        level_var = not_measured("no voiced speech (noise or silence)", "dB")
    else:
        level_db = Reading(round(float(np.median(act_db)), 1), level_conf, "dBFS")
        level_var = Reading(round(float(np.std(act_db)), 2), level_conf, "dB")
    return VoiceMeasures(
        duration_s=duration,
        sample_rate=rate,
        level_dbfs=level_db,
        level_variation_db=level_var,
        level_steps_s=_steps(times[speech], db[speech]),
        pitch_median_hz=pitch_median,
        pitch_range_st=pitch_range,
        pitch_variation_st=pitch_var,
        voiced_share=Reading(round(voiced_s / max(duration, 1e-9), 2), min(1.0, duration / 5.0)),
        clipped_share=clipped,
        quality=quality,
    )
