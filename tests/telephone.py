"""A telephone line for test audio: 8 kHz G.711 mu-law and back, through ffmpeg (PyAV).

Used by the narrowband tests, ``bench.narrowband`` and the phone-line caller: the same
synthesized answer is heard as it would be over a call (resampled to 8 kHz, mu-law coded,
decoded, resampled up again).
"""

from __future__ import annotations

import av
import numpy as np

__all__ = ["LINE_RATE", "mulaw_bytes", "over_the_phone"]

LINE_RATE = 8000  # G.711


def _resample(samples: np.ndarray, rate_in: int, rate_out: int, fmt: str = "flt") -> np.ndarray:
    frame = av.AudioFrame.from_ndarray(
        np.asarray(samples, dtype=np.float32).reshape(1, -1), format="flt", layout="mono"
    )
    frame.sample_rate = rate_in
    resampler = av.AudioResampler(format=fmt, layout="mono", rate=rate_out)
    out = [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
    out += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    return np.concatenate(out) if out else np.zeros(0, np.float32)


def mulaw_bytes(samples: np.ndarray, rate: int) -> bytes:
    """``samples`` (float, mono, ``rate`` Hz) as 8 kHz G.711 mu-law bytes, one per sample."""
    pcm = _resample(samples, rate, LINE_RATE, fmt="s16")
    codec = av.CodecContext.create("pcm_mulaw", "w")
    codec.sample_rate, codec.layout, codec.format = LINE_RATE, "mono", "s16"
    frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = LINE_RATE
    return b"".join(bytes(p) for p in [*codec.encode(frame), *codec.encode(None)])


def from_mulaw(data: bytes, rate: int) -> np.ndarray:
    """8 kHz mu-law bytes decoded and resampled to ``rate`` Hz (float, mono)."""
    codec = av.CodecContext.create("pcm_mulaw", "r")
    codec.sample_rate, codec.layout = LINE_RATE, "mono"
    decoded = [
        f.to_ndarray().reshape(-1).astype(np.float32) / 32768.0
        for f in codec.decode(av.Packet(data))
    ]
    pcm = np.concatenate(decoded) if decoded else np.zeros(0, np.float32)
    return _resample(pcm, LINE_RATE, rate) if rate != LINE_RATE else pcm


def over_the_phone(samples: np.ndarray, rate: int) -> np.ndarray:
    """``samples`` as heard at the far end of a G.711 call, back at ``rate`` Hz."""
    return from_mulaw(mulaw_bytes(samples, rate), rate)
