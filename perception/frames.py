"""Video frames as RGB arrays with a time, from a file, a local camera or a raw RGBA buffer.

Every source yields :class:`Frame`, so the same analysis code accepts a recorded file, a webcam
or (through :func:`frame_from_rgba`) frames a caller took from a LiveKit video track.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from perception.readings import PerceptionInputError

__all__ = ["IMAGE_SUFFIXES", "Frame", "frame_from_rgba", "frames_from_camera", "frames_from_file"]

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})


@dataclass(frozen=True, eq=False)
class Frame:
    """One picture: ``rgb`` is an HxWx3 uint8 array, ``t_s`` its time in seconds."""

    t_s: float
    rgb: np.ndarray

    def __post_init__(self) -> None:
        shape, dtype = self.rgb.shape, self.rgb.dtype
        if self.rgb.ndim != 3 or shape[2] != 3 or dtype != np.uint8 or 0 in shape[:2]:
            raise PerceptionInputError(f"a frame must be HxWx3 uint8 RGB, got {shape} {dtype}")

    @property
    def width(self) -> int:
        """Width in pixels."""
        return int(self.rgb.shape[1])

    @property
    def height(self) -> int:
        """Height in pixels."""
        return int(self.rgb.shape[0])


def _bgr_frame(bgr: np.ndarray, t_s: float) -> Frame:
    return Frame(t_s, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))


def frames_from_file(path: str | Path, fps: float = 5.0) -> Iterator[Frame]:
    """Frames of a video file sampled at about ``fps`` per second, or a still image at t=0.

    The file is checked and opened at the call; frames are decoded lazily while iterating.

    Args:
        path: a video (anything ffmpeg reads) or an image (``IMAGE_SUFFIXES``).
        fps: how many frames per second to keep, chosen by the file's own timestamps.

    Raises:
        PerceptionInputError: the file is missing, empty, corrupted or not a video; a video
            that opens but has no decodable frame raises it while iterating.
    """
    path = Path(path)
    _check_fps(fps)
    if not path.exists():
        raise PerceptionInputError(f"{path}: no such file")
    if not path.is_file():
        raise PerceptionInputError(f"{path}: not a file")
    if path.stat().st_size == 0:
        raise PerceptionInputError(f"{path}: the file is empty")
    if path.suffix.lower() in IMAGE_SUFFIXES:
        bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if bgr is None:
            raise PerceptionInputError(f"{path}: cannot be decoded as an image (corrupted?)")
        return iter([_bgr_frame(bgr, 0.0)])
    # ffmpeg's "tty" demuxer renders any text file as video (ANSI art), so text is refused here.
    if _looks_like_text(path):
        raise PerceptionInputError(f"{path}: is a text file, not a video or an image")
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        capture.release()
        raise PerceptionInputError(
            f"{path}: cannot be opened as a video (corrupted, truncated or not a video file)"
        )
    return _video_frames(capture, path, fps)


def _looks_like_text(path: Path, probe: int = 4096) -> bool:
    """True when the file starts with UTF-8 text; video containers start with binary headers."""
    with path.open("rb") as f:
        head = f.read(probe)
    if b"\0" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as e:
        return e.start >= len(head) - 3  # only a character cut at the end of the probe
    return True


def _video_frames(capture: cv2.VideoCapture, path: Path, fps: float) -> Iterator[Frame]:
    try:
        file_fps = capture.get(cv2.CAP_PROP_FPS) or 0.0
        step, next_t, index, kept = 1.0 / fps, 0.0, 0, 0
        while capture.grab():
            msec = capture.get(cv2.CAP_PROP_POS_MSEC)
            # Some containers report no timestamps; fall back to the frame index and nominal fps.
            timed = msec > 0 or index == 0 or file_fps <= 0
            t_s = msec / 1000.0 if timed else index / file_fps
            index += 1
            # A small tolerance so that 10 fps sampled at 5 fps keeps every second frame exactly.
            if t_s + 1e-6 < next_t:
                continue
            ok, bgr = capture.retrieve()
            if not ok or bgr is None:
                continue
            next_t = t_s + step
            kept += 1
            yield _bgr_frame(bgr, t_s)
        if kept == 0:
            raise PerceptionInputError(f"{path}: no decodable video frames (corrupted?)")
    finally:
        capture.release()


def frames_from_camera(
    index: int = 0, fps: float = 5.0, max_frames: int | None = None
) -> Iterator[Frame]:
    """Frames from a local camera at about ``fps`` per second, timed from the first frame.

    Args:
        index: the camera's OpenCV index (0 is the default webcam).
        fps: how many frames per second to keep; the camera is read continuously so that
            the frames kept are current rather than stale buffered ones.
        max_frames: stop after this many frames (``None``: until the caller stops iterating).

    Raises:
        PerceptionInputError: no camera can be opened at ``index`` (at the call), or it opens
            but delivers no frame (while iterating).
    """
    _check_fps(fps)
    capture = cv2.VideoCapture(index)
    if not capture.isOpened():
        capture.release()
        raise PerceptionInputError(
            f"no camera could be opened at index {index}: check that one is connected, "
            "allowed for this user and not in use by another program"
        )
    return _camera_frames(capture, index, fps, max_frames)


def _camera_frames(
    capture: cv2.VideoCapture, index: int, fps: float, max_frames: int | None
) -> Iterator[Frame]:
    try:
        step, start, next_t, kept = 1.0 / fps, None, 0.0, 0
        while max_frames is None or kept < max_frames:
            ok, bgr = capture.read()
            if not ok or bgr is None:
                if kept == 0:
                    raise PerceptionInputError(f"camera {index} opened but delivered no frame")
                return
            now = time.monotonic()
            start = now if start is None else start
            t_s = now - start
            if t_s < next_t:
                continue
            next_t = t_s + step
            kept += 1
            yield _bgr_frame(bgr, t_s)
    finally:
        capture.release()


def _check_fps(fps: float) -> None:
    if not fps > 0:
        raise PerceptionInputError(f"fps must be positive, got {fps}")


def frame_from_rgba(data: bytes | np.ndarray, width: int, height: int, t_s: float) -> Frame:
    """A frame from a packed RGBA buffer (e.g. a LiveKit video frame converted to RGBA).

    Raises:
        PerceptionInputError: the buffer size does not match ``width * height * 4``.
    """
    buffer = np.frombuffer(data, dtype=np.uint8) if isinstance(data, bytes) else np.asarray(data)
    expected = width * height * 4
    if width <= 0 or height <= 0 or buffer.dtype != np.uint8 or buffer.size != expected:
        raise PerceptionInputError(
            f"RGBA buffer of {buffer.size} {buffer.dtype} values does not match "
            f"{width}x{height}x4 = {expected} uint8"
        )
    rgba = buffer.reshape(height, width, 4)
    return Frame(t_s, np.ascontiguousarray(rgba[:, :, :3]))
