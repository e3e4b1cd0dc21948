"""Read a recording (WAV, MP3, OGG, WebM...) as mono float audio; bad files get clear errors."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from perception.readings import PerceptionInputError

__all__ = ["Recording", "read_recording"]


# Audio a header may declare beyond what was read before a file counts as ending early
# (seconds): a WAV's data chunk is whole sample frames, so any shortfall is a cut file.
_ENDS_EARLY_S = 0.05


@dataclass(frozen=True)
class Recording:
    """Mono float32 samples in [-1, 1] at the file's own rate; ``declared_s`` is the length
    the file's header declares (WAV only; None when it does not say)."""

    samples: np.ndarray
    rate: int
    declared_s: float | None = None

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return self.samples.size / self.rate if self.rate else 0.0

    @property
    def ends_early(self) -> str | None:
        """Why the file is cut short (its header declares more audio than it holds, as a
        recording stopped by a crash or a copy broken off leaves it), or None."""
        if self.declared_s is None or self.declared_s - self.duration_s <= _ENDS_EARLY_S:
            return None
        return (f"the file ends early: its header declares {self.declared_s:.1f} s of audio, "
                f"{self.duration_s:.1f} s could be read")  # fmt: skip


def _wav_declared_s(path: Path) -> float | None:
    """Seconds of audio a RIFF/WAVE header declares (the ``data`` chunk's size over the byte
    rate of ``fmt ``); None for another format, or a size a streaming writer left unknown."""
    with path.open("rb") as f:
        head = f.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return None
        byte_rate = 0
        while len(chunk := f.read(8)) == 8:
            kind, size = chunk[:4], int.from_bytes(chunk[4:], "little")
            if kind == b"data":
                unknown = size in (0, 0xFFFFFFFF)
                return None if unknown or not byte_rate else size / byte_rate
            body = f.read(size + size % 2)  # chunks are padded to an even size
            if kind == b"fmt " and len(body) >= 12:
                byte_rate = int.from_bytes(body[8:12], "little")
    return None


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
    return Recording(samples, int(out_rate), _wav_declared_s(path))


def read_recording(path: Path, *, rate: int | None = None) -> Recording:
    """Decode ``path``; ``rate`` resamples (None keeps the file's rate). A file that ends
    early is read as far as it goes (``Recording.ends_early`` says so).

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
