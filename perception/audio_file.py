"""Read a recording (WAV, FLAC, MP3, M4A, OGG/Opus, WebM) as mono float audio; bad files get
clear errors."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
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
    a cut WAV file's header declares (None for a whole file, or one whose header cannot say)."""

    samples: np.ndarray
    rate: int
    declared_s: float | None = None
    # Each channel on its own, shape (channels, samples), when ``read_recording`` was asked to
    # keep them (``keep_channels``); None otherwise.
    channels: np.ndarray | None = None

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
        return (f"the file ends early: its header declares {self.declared_s:.2f} s of audio, "
                f"{self.duration_s:.2f} s could be read")  # fmt: skip


# Data sizes a writer that streams (to a pipe) leaves in place of the length: 0, ffmpeg's and
# libsndfile's 0xFFFFFFFF, arecord's 0x7FFFFFFF, SoX's 0x7FFFF000; anything this large is one.
_UNKNOWN_SIZE = 0x7FFF0000
# Sample formats whose byte rate is exact: PCM, IEEE float, A-law and mu-law (G.711, as phone
# recordings are), and the extensible header.
_EXACT_FORMATS = (0x0001, 0x0003, 0x0006, 0x0007, 0xFFFE)
_FORMATS = "WAV, FLAC, MP3, M4A, OGG/Opus or WebM"


def _wav_declared_s(path: Path) -> float | None:
    """Seconds of audio a RIFF/WAVE file's header declares, when the file holds fewer bytes of
    its ``data`` chunk than that (a cut file); None otherwise, for another format, for a
    compressed one (its byte rate is nominal), or a size a streaming writer left unknown."""
    with path.open("rb") as f:
        head = f.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return None
        byte_rate, exact = 0, False
        while len(chunk := f.read(8)) == 8:
            kind, size = chunk[:4], int.from_bytes(chunk[4:], "little")
            if kind == b"data":
                if size >= _UNKNOWN_SIZE or not (byte_rate and exact):
                    return None
                held = path.stat().st_size - f.tell()
                return size / byte_rate if held < size else None
            if kind == b"fmt ":
                body = f.read(min(size, 64))
                f.seek(size - len(body) + size % 2, 1)
                if len(body) >= 12:
                    exact = int.from_bytes(body[:2], "little") in _EXACT_FORMATS
                    byte_rate = int.from_bytes(body[8:12], "little")
            else:
                f.seek(size + size % 2, 1)  # chunks are padded to an even size
    return None


def _decode(path: Path, rate: int | None, keep_channels: bool) -> Recording:
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
        kept: list[np.ndarray] = []
        try:
            for frame in chain(container.decode(stream), [None]):
                for converted in resampler.resample(frame):
                    planes = converted.to_ndarray()
                    chunks.append(planes.mean(axis=0))
                    if keep_channels:
                        kept.append(planes)
        except av.error.FFmpegError as e:
            if not chunks:
                raise
            # Audio came out before the error: the file is cut short or damaged there.
            read_s = sum(c.size for c in chunks) / out_rate
            raise PerceptionInputError(
                f"{path}: the file is damaged or ends early: {read_s:.2f} s could be read "
                f"({type(e).__name__}); export or record it again"
            ) from e
    samples = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
    channels = np.concatenate(kept, axis=1).astype(np.float32) if kept else None
    return Recording(samples, int(out_rate), _wav_declared_s(path), channels)


def read_recording(
    path: Path, *, rate: int | None = None, keep_channels: bool = False
) -> Recording:
    """Decode ``path``; ``rate`` resamples (None keeps the file's rate); ``keep_channels`` also
    keeps each channel on its own (``Recording.channels``). A WAV cut short is
    read as far as it goes (``Recording.ends_early`` says so); a file whose decoder fails part
    way is refused, saying so.

    Raises:
        PerceptionInputError: missing, empty, unreadable or corrupted file, or no audio in it.
    """
    if not path.is_file():
        raise PerceptionInputError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise PerceptionInputError(f"{path}: the file is empty")
    try:
        recording = _decode(path, rate, keep_channels)
    except av.error.FFmpegError as e:
        raise PerceptionInputError(
            f"{path}: not a readable audio file ({type(e).__name__}); use {_FORMATS}"
        ) from e
    if recording.samples.size == 0:
        raise PerceptionInputError(f"{path}: no audio could be decoded")
    return recording
