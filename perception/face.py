"""Webcam cues: per-frame face observations (MediaPipe face landmarker) and per-answer measures.

Only observable behaviour is reported: whether a face is in view, how many, where the head points,
where the eyes point, smiling and blinking. Nothing here labels emotions, personality or
"confidence". A value the video cannot support (too dark, face too small, too few frames) is not
measured, with the reason, instead of guessed.

The landmarker runs in IMAGE mode: every frame is detected on its own, so frames may come from any
source, in any order and at any rate (a file sampled at 5 fps, a camera, a LiveKit track, one
snapshot). VIDEO mode would track between frames (a little faster and smoother), but it needs
strictly increasing timestamps per landmarker and can miss a second face entering until it
re-detects; at about 15 ms per 640x480 frame, IMAGE mode is cheap enough at a few frames per second.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from itertools import pairwise
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from perception.face_search import face_crops, face_length_px, roll_upside_down, upside_down
from perception.frames import Frame
from perception.readings import PerceptionInputError, Reading, not_measured

if TYPE_CHECKING:
    from mediapipe.tasks.python.vision import FaceLandmarker

__all__ = [
    "FaceAnalyzer",
    "FaceMeasures",
    "FaceObservation",
    "FaceWindow",
    "face_crops",
    "summarize_face",
]

# Looking at the screen: head yaw within ±20° (beyond it the screen is out of the central field
# of view at a normal distance). Pitch gets ±25° because the camera sits above or below the
# screen: reading the screen tilts the head 10-15° away from the lens (the astronaut test photo,
# looking into the lens, already measures +9..+16°).
LOOK_YAW_DEG = 20.0
LOOK_PITCH_DEG = 25.0
# Eyes: the eyeLook* blendshapes are ~0.05-0.15 looking ahead and reach 0.6-0.9 at a strong
# sideways or vertical glance; a combined offset of 0.5 is a clear glance off, not jitter.
GAZE_OFF = 0.5
SMILE_ON = 0.5  # mean mouthSmileLeft/Right (the smiling test photo scores 0.9)
BLINK_ON = 0.5  # mean eyeBlinkLeft/Right (open eyes score ~0.03)
# Quality gates.
MIN_FRAMES = 5  # below this, shares have low confidence and head movement is not measured
MIN_RATE_S = 10.0  # seconds of face video needed before a blink rate means anything
BLINK_FULL_FPS = 10.0  # below this, blinks (100-400 ms) fall between samples: lower confidence
MAX_GAP_S = 1.0  # a longer gap between two frames is not counted as observed time
DARK_LUMA = 40.0  # median mean-luma (0-255); below it webcam noise dominates the face
# Frames under this height (pixels) are too coarse for the landmarker: faces filling them were
# missed (48x48 to 96x54) or their eyes misread as looking away (128x72, 160x90) in the
# newcomer trial of 1 Dec 2026; QVGA (240 px), the smallest webcam mode in use, passes.
MIN_FRAME_PX = 180
SMALL_FACE = 0.12  # median face height / frame height; below it landmarks are too coarse
FULL_SUPPORT_FRAMES = 25  # frames (5 s at 5 fps) for full confidence in a share


@dataclass(frozen=True)
class FaceObservation:
    """What one frame shows; the pose, gaze and face fields describe the largest face.

    Angles follow MediaPipe's face geometry (camera x right, y up, z towards the viewer):
    positive yaw turns the face towards the image's right, positive pitch tilts it down,
    positive roll tilts it counter-clockwise in the image. ``gaze_x`` is positive towards
    the side MediaPipe's blendshapes call "Left", ``gaze_y`` positive upwards; both are -1..1.
    """

    t_s: float
    faces: int
    brightness: float  # mean luma of the whole frame, 0-255
    face_height_frac: float | None = None
    yaw_deg: float | None = None
    pitch_deg: float | None = None
    roll_deg: float | None = None
    gaze_x: float | None = None
    gaze_y: float | None = None
    smile: float | None = None
    eyes_closed: bool = False
    looking_at_screen: bool = False
    frame_height: int = 0  # pixels (0: not known)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return asdict(self)


def _euler_deg(matrix: np.ndarray) -> tuple[float, float, float]:
    """Yaw, pitch, roll of the rotation in a 4x4 face transform (R = Rz(roll) Ry(yaw) Rx(pitch))."""
    r = np.asarray(matrix, dtype=np.float64)[:3, :3]
    yaw = np.degrees(np.arctan2(-r[2, 0], np.hypot(r[2, 1], r[2, 2])))
    pitch = np.degrees(np.arctan2(r[2, 1], r[2, 2]))
    roll = np.degrees(np.arctan2(r[1, 0], r[0, 0]))
    return float(yaw), float(pitch), float(roll)


def _gaze(scores: dict[str, float]) -> tuple[float, float]:
    """Horizontal and vertical eye direction from the eyeLook* blendshapes, both eyes averaged."""
    left_x = scores.get("eyeLookOutLeft", 0.0) - scores.get("eyeLookInLeft", 0.0)
    right_x = scores.get("eyeLookInRight", 0.0) - scores.get("eyeLookOutRight", 0.0)
    left_y = scores.get("eyeLookUpLeft", 0.0) - scores.get("eyeLookDownLeft", 0.0)
    right_y = scores.get("eyeLookUpRight", 0.0) - scores.get("eyeLookDownRight", 0.0)
    return (left_x + right_x) / 2.0, (left_y + right_y) / 2.0


class FaceAnalyzer:
    """Runs the MediaPipe face landmarker on frames; one instance per thread (not thread-safe)."""

    def __init__(self, model_path: Path, *, max_faces: int = 2, search_crops: bool = True) -> None:
        """Load the landmarker.

        Args:
            model_path: the ``face_landmarker.task`` file.
            max_faces: faces looked for per frame; counts saturate there (2 tells "more than one").
            search_crops: when the whole frame shows no face, search the squares of
                :func:`face_crops` and the frame upside down (False: the whole frame only, the
                landmarker's own reach).

        Raises:
            PerceptionInputError: the model file is missing or cannot be loaded.
        """
        # Imported here: mediapipe takes about a second to import, and importing perception for
        # speech measures alone should not pay for it.
        from mediapipe.tasks.python import BaseOptions, vision

        path = Path(model_path)
        if not path.is_file():
            raise PerceptionInputError(f"{path}: face landmarker model not found")
        options = vision.FaceLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(path)),
            running_mode=vision.RunningMode.IMAGE,
            num_faces=max_faces,
            output_face_blendshapes=True,
            output_facial_transformation_matrixes=True,
        )
        try:
            self._landmarker: FaceLandmarker = vision.FaceLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as e:
            raise PerceptionInputError(f"{path}: cannot load the face landmarker model") from e
        self._last_crop: tuple[int, int, int] | None = None
        self._search_crops = search_crops
        self._max_faces = max_faces

    def observe(self, frame: Frame) -> FaceObservation:
        """Detect faces in one frame and describe the largest one.

        A frame where the landmarker finds no face is searched again in the squares of
        :func:`face_crops` (the square that last held a face first) until two distinct faces
        are found, so a face of 8% of the frame's height or more is found at any aspect ratio,
        and a second one beside it; then the frame upside down, for a camera mounted the wrong
        way up. ``face_height_frac`` is the face's length (``face_length_px``, which
        ever way up) over the whole frame's height; ``roll_deg`` is as in the frame itself.
        """
        rgb = np.ascontiguousarray(frame.rgb)
        brightness = float(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).mean())
        faces, result, size = self._find(rgb)
        turned = False
        if faces == 0 and self._search_crops:  # a camera mounted upside down
            faces, result, size = self._find(upside_down(rgb))
            turned = faces > 0
        if faces == 0:
            return FaceObservation(frame.t_s, 0, brightness, frame_height=frame.height)
        heights = [face_length_px(lm, *size) / frame.height for lm in result.face_landmarks]
        main = int(np.argmax(heights))
        yaw = pitch = roll = None
        if main < len(result.facial_transformation_matrixes):
            yaw, pitch, roll = _euler_deg(result.facial_transformation_matrixes[main])
            roll = roll_upside_down(roll) if turned else roll
        scores: dict[str, float] = {}
        if main < len(result.face_blendshapes):
            scores = {c.category_name: c.score for c in result.face_blendshapes[main]}
        gaze_x, gaze_y = _gaze(scores)
        smile = (scores.get("mouthSmileLeft", 0.0) + scores.get("mouthSmileRight", 0.0)) / 2.0
        blink = (scores.get("eyeBlinkLeft", 0.0) + scores.get("eyeBlinkRight", 0.0)) / 2.0
        head_towards = (
            yaw is not None
            and pitch is not None
            and abs(yaw) <= LOOK_YAW_DEG
            and abs(pitch) <= LOOK_PITCH_DEG
        )
        eyes_towards = abs(gaze_x) < GAZE_OFF and abs(gaze_y) < GAZE_OFF
        return FaceObservation(
            t_s=frame.t_s,
            faces=faces,
            brightness=brightness,
            face_height_frac=float(heights[main]),
            yaw_deg=yaw,
            pitch_deg=pitch,
            roll_deg=roll,
            gaze_x=gaze_x,
            gaze_y=gaze_y,
            smile=smile,
            eyes_closed=blink > BLINK_ON,
            looking_at_screen=bool(head_towards and eyes_towards),
            frame_height=frame.height,
        )

    def _find(self, rgb: np.ndarray) -> tuple[int, Any, tuple[int, int]]:
        """The faces in ``rgb`` (the whole image, then its squares), the landmarker's result
        for the largest and the size (pixels) of the image its landmarks are fractions of."""
        import mediapipe as mp  # already loaded by __init__; this is a dictionary look-up

        height, width = rgb.shape[:2]
        result = self._landmarker.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb))
        faces, size = len(result.face_landmarks), (width, height)
        if faces == 0 and self._search_crops:
            faces, found = self._search(rgb, width, height)
            if found is not None:
                result, (_, _, side) = found
                size = (side, side)
        return faces, result, size

    def _search(self, rgb: np.ndarray, width: int, height: int) -> tuple[int, Any]:
        """The distinct faces in the squares of ``face_crops`` (up to ``max_faces``), and the
        landmarker's result and square for the largest; (0, None) when there is none. A face
        seen in two overlapping squares counts once (centres closer than half its height)."""
        import mediapipe as mp

        seen: list[tuple[float, float, float]] = []  # centre x, y and height, in pixels
        best: tuple[float, Any] | None = None
        for crop in self._search_order(width, height):
            x0, y0, side = crop
            part = np.ascontiguousarray(rgb[y0 : y0 + side, x0 : x0 + side])
            result = self._landmarker.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=part))
            for lm in result.face_landmarks:
                ys = [p.y for p in lm]
                h = face_length_px(lm, side, side)
                cx = x0 + float(np.mean([p.x for p in lm])) * side
                cy = y0 + float(np.mean(ys)) * side
                if all(math.hypot(cx - x, cy - y) > 0.5 * max(h, fh) for x, y, fh in seen):
                    seen.append((cx, cy, h))
                if best is None or h > best[0]:
                    best, self._last_crop = (h, (result, crop)), crop
            if len(seen) >= self._max_faces:
                break
        return (len(seen), best[1]) if best is not None else (0, None)

    def _search_order(self, width: int, height: int) -> list[tuple[int, int, int]]:
        """The squares to search when the whole frame shows no face, the last hit first."""
        crops = face_crops(width, height)
        if self._last_crop in crops:
            crops.remove(self._last_crop)
            crops.insert(0, self._last_crop)
        return crops

    def observe_all(self, frames: Iterable[Frame]) -> list[FaceObservation]:
        """Observe every frame of a source, in order."""
        return [self.observe(frame) for frame in frames]

    def close(self) -> None:
        """Release the landmarker."""
        self._landmarker.close()

    def __enter__(self) -> FaceAnalyzer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


@dataclass(frozen=True)
class FaceMeasures:
    """Webcam measures over one answer (or window), each a :class:`Reading` with a confidence."""

    frames: int
    duration_s: float
    face_present_share: Reading  # frames with at least one face
    multiple_faces_share: Reading  # frames with two or more faces
    looking_at_screen_share: Reading  # of the frames with a face
    head_movement_deg: Reading  # RMS deviation of yaw/pitch from their mean, frames with a face
    smiling_share: Reading  # of the frames with a face, smile > SMILE_ON
    blink_rate_per_min: Reading  # open -> closed transitions per minute of observed face video
    quality: list[str]  # the gates that failed, e.g. "too dark: ..."

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON and storage."""
        readings = {
            "face_present_share": self.face_present_share,
            "multiple_faces_share": self.multiple_faces_share,
            "looking_at_screen_share": self.looking_at_screen_share,
            "head_movement_deg": self.head_movement_deg,
            "smiling_share": self.smiling_share,
            "blink_rate_per_min": self.blink_rate_per_min,
        }
        out: dict[str, Any] = {"frames": self.frames, "duration_s": self.duration_s}
        out.update({name: reading.as_dict() for name, reading in readings.items()})
        out["quality"] = list(self.quality)
        return out


def _support(n: int) -> float:
    return min(1.0, n / FULL_SUPPORT_FRAMES)


def _share(count: int, total: int, *, few: str | None) -> Reading:
    return Reading(round(count / total, 3), _support(total), "share", few)


def _covered_s(obs: Sequence[FaceObservation]) -> float:
    """First to last frame plus one typical frame interval (each frame stands for that long)."""
    if len(obs) < 2:
        return 0.0
    times = np.array([o.t_s for o in obs])
    return float(times[-1] - times[0] + np.median(np.diff(times)))


def _head_movement(with_face: Sequence[FaceObservation]) -> Reading:
    posed = [o for o in with_face if o.yaw_deg is not None and o.pitch_deg is not None]
    if len(posed) < MIN_FRAMES:
        return not_measured(f"needs {MIN_FRAMES} frames with a face, got {len(posed)}", "deg")
    yaw = np.array([o.yaw_deg for o in posed], dtype=np.float64)
    pitch = np.array([o.pitch_deg for o in posed], dtype=np.float64)
    # The spread of where the head points, independent of the sampling rate (a frame-to-frame
    # change would shrink as the frame rate grows and grow with landmark jitter).
    spread = float(np.sqrt(yaw.var() + pitch.var()))
    return Reading(round(spread, 1), _support(len(posed)), "deg")


def _blink_rate(obs: Sequence[FaceObservation]) -> Reading:
    unit = "per min"
    observed_s, blinks = 0.0, 0
    for prev, cur in pairwise(obs):
        dt = cur.t_s - prev.t_s
        if prev.faces == 0 or cur.faces == 0 or not 0 < dt <= MAX_GAP_S:
            continue  # a blink can only be seen between two close frames that both show a face
        observed_s += dt
        blinks += int(cur.eyes_closed and not prev.eyes_closed)
    if observed_s < MIN_RATE_S:
        return not_measured(f"needs {MIN_RATE_S:.0f} s of face video, got {observed_s:.1f} s", unit)
    span = obs[-1].t_s - obs[0].t_s
    fps = (len(obs) - 1) / span if span > 0 else 0.0
    confidence = min(1.0, observed_s / 60.0)
    reason = None
    if fps < BLINK_FULL_FPS:
        confidence *= 0.5
        reason = f"sampled at {fps:.1f} fps: blinks shorter than a frame interval are missed"
    return Reading(round(blinks * 60.0 / observed_s, 1), confidence, unit, reason)


def _gated(
    n: int,
    duration: float,
    quality: list[str],
    *,
    present: Reading | None = None,
    multiple: Reading | None = None,
) -> FaceMeasures:
    """Measures where the last quality gate leaves the face details (or everything) unmeasured."""
    reason = quality[-1]
    share = not_measured(reason, "share")
    return FaceMeasures(
        frames=n,
        duration_s=duration,
        face_present_share=present if present is not None else share,
        multiple_faces_share=multiple if multiple is not None else share,
        looking_at_screen_share=share,
        head_movement_deg=not_measured(reason, "deg"),
        smiling_share=share,
        blink_rate_per_min=not_measured(reason, "per min"),
        quality=quality,
    )


def summarize_face(
    observations: Iterable[FaceObservation],
    *,
    start_s: float | None = None,
    end_s: float | None = None,
) -> FaceMeasures:
    """Measure the observations between ``start_s`` and ``end_s`` (inclusive; default: all).

    Quality gates: fewer than ``MIN_FRAMES`` frames lowers confidence and leaves head movement
    unmeasured; a median brightness under ``DARK_LUMA`` or a median frame height under
    ``MIN_FRAME_PX`` leaves everything unmeasured; a median face height under ``SMALL_FACE``
    leaves every value but presence unmeasured.
    """
    obs = sorted(
        (
            o
            for o in observations
            if (start_s is None or o.t_s >= start_s) and (end_s is None or o.t_s <= end_s)
        ),
        key=lambda o: o.t_s,
    )
    n = len(obs)
    duration = round(_covered_s(obs), 2)
    if n == 0:
        return _gated(0, 0.0, ["no frames"])
    quality: list[str] = []
    few = f"only {n} frame(s): low confidence" if n < MIN_FRAMES else None
    if few:
        quality.append(f"too few frames: {n} < {MIN_FRAMES}")
    luma = float(np.median([o.brightness for o in obs]))
    if luma < DARK_LUMA:
        quality.append(f"too dark: median brightness {luma:.0f} < {DARK_LUMA:.0f}")
        return _gated(n, duration, quality)
    sized = [o.frame_height for o in obs if o.frame_height]
    if sized and (px := float(np.median(sized))) < MIN_FRAME_PX:
        quality.append(f"picture too small: {px:.0f} px high < {MIN_FRAME_PX}")
        return _gated(n, duration, quality)
    with_face = [o for o in obs if o.faces > 0]
    present = _share(len(with_face), n, few=few)
    multiple = _share(sum(o.faces > 1 for o in obs), n, few=few)
    detail_gate: str | None = None
    if not with_face:
        detail_gate = "no face in view"
    else:
        height = float(np.median([o.face_height_frac or 0.0 for o in with_face]))
        if height < SMALL_FACE:
            detail_gate = (f"face too small: median height {height:.1%} < {SMALL_FACE:.0%} of "
                           "frame")  # fmt: skip
    if detail_gate is not None:
        quality.append(detail_gate)
        return _gated(n, duration, quality, present=present, multiple=multiple)
    k = len(with_face)
    face_few = f"only {k} frame(s) with a face: low confidence" if k < MIN_FRAMES else None
    return FaceMeasures(
        frames=n,
        duration_s=duration,
        face_present_share=present,
        multiple_faces_share=multiple,
        looking_at_screen_share=_share(
            sum(o.looking_at_screen for o in with_face), k, few=face_few
        ),
        head_movement_deg=_head_movement(with_face),
        smiling_share=_share(sum((o.smile or 0.0) > SMILE_ON for o in with_face), k, few=face_few),
        blink_rate_per_min=_blink_rate(obs),
        quality=quality,
    )


class FaceWindow:
    """The last ``seconds`` of observations, summarised on demand (for live cues)."""

    def __init__(self, seconds: float = 10.0) -> None:
        """Keep observations no older than ``seconds`` before the newest one."""
        if seconds <= 0:
            raise ValueError(f"seconds must be positive, got {seconds}")
        self.seconds = seconds
        self._obs: deque[FaceObservation] = deque()

    def add(self, observation: FaceObservation) -> None:
        """Add the newest observation; one earlier than the last starts a new window."""
        if self._obs and observation.t_s < self._obs[-1].t_s:
            self._obs.clear()
        self._obs.append(observation)
        while self._obs[0].t_s < observation.t_s - self.seconds:
            self._obs.popleft()

    def summary(self) -> FaceMeasures:
        """Measures over the observations in the window."""
        return summarize_face(self._obs)

    def clear(self) -> None:
        """Forget every observation."""
        self._obs.clear()

    def __len__(self) -> int:
        return len(self._obs)
