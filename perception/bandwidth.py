"""Whether audio is narrowband (a telephone line), read from what it contains.

A call's audio is band-limited to about 300-3400 Hz (ITU-T G.712, the G.711 channel), and it
stays so when it is resampled: an 8 kHz recording converted to 44.1 kHz, or a phone caller's
answer that reaches analysis at 16 kHz, still has almost no energy above 4 kHz. So the sample
rate says little; the spectrum says it. This module compares the energy of the band just above
the telephone channel with the energy inside it, over the loud frames of the audio.
"""

from __future__ import annotations

import numpy as np

__all__ = ["HIGH_BAND_HZ", "NARROWBAND_BELOW_DB", "SPEECH_BAND_HZ", "high_band_db", "is_narrowband"]

SPEECH_BAND_HZ = (300.0, 3400.0)  # the telephone channel, ITU-T G.712
HIGH_BAND_HZ = (4300.0, 7000.0)  # above any telephone channel, inside 16 kHz audio
# Measured on the answers of tests/integration/test_narrowband.py (piper joe, two pitches):
# wideband speech reads -24.4 to -18.2 dB at 16 and 44.1 kHz; the same speech through 8 kHz
# mu-law and back up reads -62.2 to -55.1 dB, and -44.5 to -42.9 dB with hiss at -60 dBFS
# added after the line. The threshold sits between, 5 dB from the hissy call.
NARROWBAND_BELOW_DB = -38.0
# Speech (through a phone line too) has formants and consonants at 1-3.4 kHz: piper's speech
# puts -11 to -8 dB of its energy there (both pitches, both ways); a 200 Hz tone almost none, so
# it is not judged (a tone has nothing above 4 kHz on any line).
UPPER_SPEECH_HZ = (1000.0, 3400.0)
MIN_UPPER_SHARE_DB = -40.0
_FRAME_S = 0.032
_LOUD_WITHIN_DB = 30.0  # frames within this of the loudest carry the measurement


def high_band_db(samples: np.ndarray, rate: int) -> float | None:
    """Energy above the telephone band relative to the energy inside it, in dB.

    Args:
        samples: mono audio, float in [-1, 1] (any length; under one frame gives None).
        rate: its sample rate in Hz; below 14 kHz the band above cannot be represented.

    Returns:
        10·log10(E[HIGH_BAND_HZ] / E[SPEECH_BAND_HZ]) over the loud frames, or None when the
        audio is silent, too short, has no speech-like spread (under MIN_UPPER_SHARE_DB of its
        energy at UPPER_SPEECH_HZ), or its rate cannot hold the high band.
    """
    if rate < 2 * HIGH_BAND_HZ[1]:
        return None
    n = int(rate * _FRAME_S)
    audio = np.asarray(samples, dtype=np.float64).reshape(-1)
    frames = audio[: audio.size // n * n].reshape(-1, n)
    if frames.shape[0] == 0:
        return None
    level = 10.0 * np.log10(np.maximum(np.mean(frames**2, axis=1), 1e-12))
    loud = frames[level >= max(float(level.max()) - _LOUD_WITHIN_DB, -70.0)]
    if loud.shape[0] == 0:
        return None
    power = np.sum(np.abs(np.fft.rfft(loud * np.hanning(n), axis=1)) ** 2, axis=0)
    freqs = np.fft.rfftfreq(n, 1.0 / rate)
    inside = power[(freqs >= SPEECH_BAND_HZ[0]) & (freqs <= SPEECH_BAND_HZ[1])].sum()
    above = power[(freqs >= HIGH_BAND_HZ[0]) & (freqs <= HIGH_BAND_HZ[1])].sum()
    upper = power[(freqs >= UPPER_SPEECH_HZ[0]) & (freqs <= UPPER_SPEECH_HZ[1])].sum()
    if inside <= 0.0 or upper < power.sum() * 10 ** (MIN_UPPER_SHARE_DB / 10):
        return None  # no speech-like spread (a tone, a hum): nothing says what the line cuts
    return round(10.0 * float(np.log10(max(above, 1e-20) / inside)), 1)


def is_narrowband(samples: np.ndarray, rate: int) -> bool | None:
    """True when the audio is band-limited like a telephone line, whatever its sample rate.

    Audio at 8 kHz (or any rate under 14 kHz) is narrowband by its rate; above that, by
    ``high_band_db`` below NARROWBAND_BELOW_DB. None when there is nothing to read (silence,
    a tone).
    """
    if 0 < rate < 2 * HIGH_BAND_HZ[1]:
        return True
    ratio = high_band_db(samples, rate)
    return None if ratio is None else ratio < NARROWBAND_BELOW_DB
