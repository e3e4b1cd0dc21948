"""Small audio conversions shared by the plugins, the headless I/O and the tests."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
from livekit import rtc

__all__ = ["frame_to_float", "resample", "to_int16", "write_wav"]


def resample(samples: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """Resample mono float audio by linear interpolation (adequate for speech at these rates)."""
    if rate_in == rate_out or samples.size == 0:
        return samples.astype(np.float32, copy=False)
    n_out = round(samples.size * rate_out / rate_in)
    positions = np.arange(n_out, dtype=np.float64) * (rate_in / rate_out)
    return np.asarray(np.interp(positions, np.arange(samples.size), samples), dtype=np.float32)


def frame_to_float(frame: rtc.AudioFrame, rate_out: int) -> np.ndarray:
    """Mono float32 samples in [-1, 1] at ``rate_out`` from a livekit frame."""
    pcm = np.frombuffer(frame.data, dtype=np.int16).astype(np.float32) / 32768.0
    if frame.num_channels > 1:
        pcm = pcm.reshape(-1, frame.num_channels).mean(axis=1)
    return resample(pcm, frame.sample_rate, rate_out)


def to_int16(samples: np.ndarray) -> np.ndarray:
    """Clip float audio to [-1, 1] and convert to int16."""
    return np.asarray(np.clip(samples, -1.0, 1.0) * 32767.0, dtype=np.int16)


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    """Write float audio (shape ``(n,)`` or ``(n, channels)``) as 16-bit PCM WAV."""
    data = samples if samples.ndim == 2 else samples[:, None]
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(data.shape[1])
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(to_int16(data).tobytes())
