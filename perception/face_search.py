"""Where to look again for a face the landmarker missed in the whole frame, and how long a face is.

Two misses are searched for: a face too small for the detector at the frame's scale (squares of
the frame, :func:`face_crops`), and a face upside down (a camera mounted the wrong way up; the
landmarker's detector, BlazeFace, is trained on roughly upright faces). In a sweep of frontal
faces of 15-45% of the frame's height at 16:9 and 4:3 (``tests/integration/test_face.py``), a
face on its side (a camera turned a quarter) was found as it is, at a roll of 75-90°, but one
upside down was missed in 2 of 8 frames and misread as upright (roll near 0) in 5 more.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np

__all__ = [
    "CROP_SMALL",
    "MIN_CROP_PX",
    "face_crops",
    "face_length_px",
    "roll_upside_down",
    "upside_down",
]

CROP_SMALL = 0.6  # side of the small search squares, of the frame's shorter side (face_crops)
MIN_CROP_PX = 48  # smaller squares hold no face the landmarks could be read from

# The frame turned upside down (OpenCV's rotate code), searched when neither it nor its squares
# show a face.
UPSIDE_DOWN = cv2.ROTATE_180


def face_crops(width: int, height: int) -> list[tuple[int, int, int]]:
    """Squares ``(x0, y0, side)`` in pixels to search for a face the whole frame did not show.

    The landmarker's detector (BlazeFace, short range) sees the whole frame letterboxed into
    one square and finds a face about 14% of that square's side or more: 18% of a 4:3 frame's
    height and 24% of a 16:9 one, while webcams show faces of 15-20% at 16:9 and the product
    reads a face down to ``SMALL_FACE`` (12%). Searched in order: squares of the frame's
    height across a wide frame (a face of 14% of the height), then overlapping squares of
    ``CROP_SMALL`` of the shorter side over the whole frame (a face of 8%). Figures from the
    face-size sweep in ``bench/perception.py``.
    """
    short = min(width, height)
    crops: list[tuple[int, int, int]] = []
    if short * CROP_SMALL < MIN_CROP_PX:
        return crops
    if width > 1.2 * height:  # wide: left, centre and right squares of the full height
        crops += [(x, 0, height) for x in _steps(width, height, 3)]
    side = int(short * CROP_SMALL)
    # Neighbours overlap by a third of a square or more: a face of up to a third of the side
    # lies wholly inside one of them.
    across, down = (math.ceil((n - side) / (side * 2 / 3)) + 1 for n in (width, height))
    for y in _steps(height, side, down):
        crops += [(x, y, side) for x in _steps(width, side, across)]
    return crops


def _steps(length: int, side: int, count: int) -> list[int]:
    """``count`` offsets spreading squares of ``side`` evenly over ``length`` (ends included)."""
    room = max(0, length - side)
    return sorted({round(room * i / (count - 1)) for i in range(count)}) if count > 1 else [0]


def face_length_px(landmarks: Sequence[Any], width: int, height: int) -> float:
    """A face's length (hairline to chin) in pixels, from its landmarks (``.x``, ``.y`` as
    fractions of a ``width`` x ``height`` image), whichever way up it is.

    The larger of the landmarks' vertical and horizontal extents: for an upright face the
    vertical one (a face is longer than it is wide), for a face on its side (a camera turned a
    quarter) the horizontal one; the vertical extent alone read its width, about 0.8 of its
    length in the sweep above (0.16 for a face of 0.20, 0.12-0.13 for 0.15: at the small-face
    gate).
    """
    xs, ys = [p.x for p in landmarks], [p.y for p in landmarks]
    return float(max((max(ys) - min(ys)) * height, (max(xs) - min(xs)) * width))


def upside_down(rgb: np.ndarray) -> np.ndarray:
    """``rgb`` turned half a turn (contiguous, as MediaPipe needs)."""
    return np.ascontiguousarray(cv2.rotate(rgb, UPSIDE_DOWN))


def roll_upside_down(roll_deg: float | None) -> float | None:
    """The roll (degrees counter-clockwise, in (-180, 180]) of a face found in the frame turned
    upside down, as it is in the frame itself."""
    if roll_deg is None:
        return None
    roll = (roll_deg + 180.0) % 360.0
    return roll - 360.0 if roll > 180.0 else roll
