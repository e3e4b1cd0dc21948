"""Read a recording (WAV, MP3, OGG, WebM...) as mono float audio; bad files get clear errors."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from perception.readings import PerceptionInputError

__all__ = ["Recording", "read_recording"]


@dataclass(frozen=True)
class Recording:
    """Mono float32 samples in [-1, 1] at the file's own rate."""

    samples: np.ndarray
    rate: int

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return self.samples.size / self.rate if self.rate else 0.0


def _decode(path: Path, rate: int | None) -> Recording:
    with av.open(str(path), mode="r", metadata_errors="ignore") as container:
        if not container.streams.audio:
            raise PerceptionInputError(f"{path}: has no audio stream")
        stream = container.streams.audio[0]
        out_rate = rate or stream.rate or stream.codec_context.sample_rate
        if not out_rate:
            raise PerceptionInputError(f"{path}: the audio stream has no sample rate")
        # Planar float in the file's own channels, averaged here: ffmpeg's own mono downmix
        # adds the channels at 1/sqrt(2) each, 3 dB louder than the speech and past full scale
        # for a loud stereo file.
        resampler = av.AudioResampler(format="fltp", rate=out_rate)
        chunks: list[np.ndarray] = []
        for frame in container.decode(stream):
            for converted in resampler.resample(frame):
                chunks.append(converted.to_ndarray().mean(axis=0))
        for converted in resampler.resample(None):
            chunks.append(converted.to_ndarray().mean(axis=0))
    samples = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
    return Recording(samples, int(out_rate))


def read_recording(path: Path, *, rate: int | None = None) -> Recording:
    """Decode ``path``; ``rate`` resamples (None keeps the file's rate).

    Raises:
        PerceptionInputError: missing, empty, unreadable or corrupted file, or no audio in it.
    """
    if not path.is_file():
        raise PerceptionInputError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise PerceptionInputError(f"{path}: the file is empty")
    try:
        recording = _decode(path, rate)
    except av.error.FFmpegError as e:
        raise PerceptionInputError(
            f"{path}: not a readable audio file ({type(e).__name__}); use WAV, MP3, OGG or WebM"
        ) from e
    if recording.samples.size == 0:
        raise PerceptionInputError(f"{path}: no audio could be decoded")
    return recording
