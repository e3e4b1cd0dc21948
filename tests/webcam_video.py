"""Webcam video made from the real face photo in scikit-image: steady, turning, two faces.

Shared by the webcam tests, the rehearsal test and ``bench/perception.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
from skimage import data

W, H, FPS, SECONDS = 640, 480, 10.0, 12
ASTRONAUT = data.astronaut()  # 512x512 RGB, one smiling face looking into the lens
# Head and shoulders: the landmarker's short-range detector needs a face of roughly 15% of the
# frame height or more (the whole astronaut photo scaled into 640x480 leaves it at ~13%).
HEAD = ASTRONAUT[0:300, 75:375]


def canvas(img: np.ndarray, size: int, cx: int = W // 2, cy: int = H // 2) -> np.ndarray:
    """``img`` scaled to ``size`` px square and pasted centred at (cx, cy) on black, clipped."""
    small = cv2.resize(img, (size, size), interpolation=cv2.INTER_AREA)
    out = np.zeros((H, W, 3), np.uint8)
    x0, y0 = cx - size // 2, cy - size // 2
    dx0, dy0, dx1, dy1 = max(0, x0), max(0, y0), min(W, x0 + size), min(H, y0 + size)
    if dx1 > dx0 and dy1 > dy0:
        out[dy0:dy1, dx0:dx1] = small[dy0 - y0 : dy1 - y0, dx0 - x0 : dx1 - x0]
    return out


# The landmarks' face height (hairline to chin) over the side of a pasted HEAD, as the landmarker
# measures it on portrait(): 0.365.
HEAD_FACE = 0.365


def face_frame(
    width: int, height: int, face: float, cx: float = 0.5, cy: float = 0.5
) -> np.ndarray:
    """A ``width`` x ``height`` webcam frame on mid-grey with one frontal face whose landmark
    height is ``face`` of the frame's height, centred at (``cx``, ``cy``) in frame fractions."""
    size = max(1, round(face * height / HEAD_FACE))
    small = cv2.resize(HEAD, (size, size), interpolation=cv2.INTER_AREA)
    out = np.full((height, width, 3), 90, np.uint8)
    x0, y0 = round(cx * width) - size // 2, round(cy * height) - size // 2
    dx0, dy0 = max(0, x0), max(0, y0)
    dx1, dy1 = min(width, x0 + size), min(height, y0 + size)
    if dx1 > dx0 and dy1 > dy0:
        out[dy0:dy1, dx0:dx1] = small[dy0 - y0 : dy1 - y0, dx0 - x0 : dx1 - x0]
    return out


def portrait(dx: int = 0, dy: int = 0) -> np.ndarray:
    """The head filling about a third of the frame height (h ~ 0.33), as a webcam shows it."""
    return canvas(HEAD, 440, W // 2 + dx, H // 2 + dy)


def turn_head(frame: np.ndarray, side: int) -> np.ndarray:
    """A head turn faked in 2-D: the far half of the face squeezed, the near half stretched.

    In-plane rotation, shifts and perspective warps of a flat photo leave the estimated yaw
    near 0 (the face still looks frontal). Squeezing one side of the face 0.3x about a line
    near the nose and stretching the other side reads as a turn: about -35° (side=-1) and
    +30° (side=+1). The lines and factors were scanned for stable values: the photo's face is
    not symmetric, and with the right side squeezed harder the detector loses the face.
    """
    cx, squeeze, stretch = (340.0, 0.3, 1.5) if side < 0 else (307.0, 0.3, 1.8)
    x = np.arange(W, dtype=np.float32)
    far = (x - cx) * side > 0  # the side of the face turning away from the camera
    src_x = np.where(far, cx + (x - cx) / squeeze, cx + (x - cx) / stretch).astype(np.float32)
    map_x = np.tile(src_x, (H, 1))
    map_y = np.tile(np.arange(H, dtype=np.float32)[:, None], (1, W))
    return cv2.remap(frame, map_x, map_y, cv2.INTER_LINEAR)


def roll(frame: np.ndarray, degrees: float) -> np.ndarray:
    return cv2.warpAffine(frame, cv2.getRotationMatrix2D((W / 2, H / 2), degrees, 1.0), (W, H))


def write_video(path: Path, frames: Iterator[np.ndarray], fourcc: str) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), FPS, (W, H))
    if not writer.isOpened():
        raise RuntimeError(f"cannot write {path}")
    for rgb in frames:
        writer.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    writer.release()
    return path


def steady_frames() -> Iterator[np.ndarray]:
    rng = np.random.default_rng(1)
    for _ in range(int(FPS * SECONDS)):
        dx, dy = (int(v) for v in rng.integers(-3, 4, size=2))  # a hand-held sort of wobble
        yield portrait(dx, dy)


# One-second segments, cycled: frontal, turned left, turned right, tilted (roll), out of frame,
# turned left. Of the 5 segments with a face, 2 look at the screen (frontal and tilted).
SEGMENTS = ("front", "left", "right", "roll", "away", "left")


def segment_frame(kind: str) -> np.ndarray:
    base = portrait()
    if kind == "left":
        return turn_head(base, -1)
    if kind == "right":
        return turn_head(base, +1)
    if kind == "roll":
        return roll(portrait(dx=-20), 20.0)
    if kind == "away":
        return portrait(dx=330)  # the face has left the frame: only a shoulder remains
    return base


def turning_frames() -> Iterator[np.ndarray]:
    for i in range(int(FPS * SECONDS)):
        yield segment_frame(SEGMENTS[int(i / FPS) % len(SEGMENTS)])


def write_y4m(path: Path, frames: Iterator[np.ndarray]) -> Path:
    """RGB frames as a Y4M (4:2:0) file, the format chromium's fake camera plays in a loop."""
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{W} H{H} F{int(FPS)}:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for rgb in frames:
            out.write(b"FRAME\n")
            out.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420).tobytes())
    return path
