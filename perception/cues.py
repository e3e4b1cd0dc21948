"""Coaching cues and integrity flags from one answer's measurements.

Cues are for practice mode: the dialogue manager may turn one into a short spoken tip between
questions. Flags are for a human reviewer and never decide anything. Both name only observable
behaviour (pace, fillers, level, gaze, faces), never emotions or personality.

Thresholds follow the product brief: a comfortable interview pace is 120-160 words per minute,
fillers above about 1.3 per 100 words are noticed, looking away more than a third of the time is
noticed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from perception.face import FaceMeasures
    from perception.speech import SpeechMeasures

__all__ = ["Cue", "Flag", "coaching_cues", "integrity_flags"]

PACE_LOW_WPM = 120.0
PACE_HIGH_WPM = 160.0
# A cue waits for a clear excess: one answer's pace is noisy, and a tip that is wrong costs trust.
PACE_MARGIN = 0.1
FILLERS_PER_100 = 1.3
LOOKING_AWAY_SHARE = 1 / 3
QUIET_DBFS = -40.0  # speech this far below full scale is hard to hear on a laptop microphone
MIN_CONFIDENCE = 0.5
# Integrity: review prompts, not verdicts.
ANOTHER_FACE_SHARE = 0.1
FACE_MISSING_SHARE = 0.3
OFF_SCREEN_SHARE = 0.6
LATENCY_HIGH_S = 15.0  # a pause this long before answering stands out in any interview
LATENCY_VS_TYPICAL = 3.0  # ... and so does one three times the candidate's usual


@dataclass(frozen=True)
class Cue:
    """A coaching cue: what was observed, the value and the band it left."""

    kind: str  # "pace-fast" | "pace-slow" | "fillers" | "looking-away" | "quiet"
    value: float
    threshold: float

    def __post_init__(self) -> None:
        # Plain floats: a numpy scalar from a measurement would leak into JSON and printouts.
        object.__setattr__(self, "value", float(self.value))

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON and storage."""
        return asdict(self)


@dataclass(frozen=True)
class Flag:
    """Something a reviewer may want to look at, with what was measured."""

    kind: str  # "another-face" | "face-missing" | "off-screen-gaze" | "unusual-latency"
    detail: str

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON and storage."""
        return asdict(self)


def coaching_cues(
    speech: SpeechMeasures | None = None,
    *,
    level_dbfs: float | None = None,
    face: FaceMeasures | None = None,
) -> list[Cue]:
    """The cues one answer earns, most useful first (pace, fillers, gaze, level).

    Args:
        speech: the answer's speech measures; a rate of low confidence gives no pace cue.
        level_dbfs: the answer's speech level (see :func:`perception.voice.level_dbfs`).
        face: the answer's webcam measures, when there is a camera.
    """
    cues: list[Cue] = []
    if speech is not None and speech.confidence >= MIN_CONFIDENCE:
        wpm = speech.words_per_minute
        if wpm is not None and wpm > PACE_HIGH_WPM * (1 + PACE_MARGIN):
            cues.append(Cue("pace-fast", wpm, PACE_HIGH_WPM))
        # Taking a few seconds to think is not slow speech: long pauses are left out here.
        talking = speech.duration_s - speech.long_pause_total_s
        pace = round(speech.words * 60.0 / talking, 1) if wpm and talking > 0 else None
        if pace is not None and pace < PACE_LOW_WPM * (1 - PACE_MARGIN):
            cues.append(Cue("pace-slow", pace, PACE_LOW_WPM))
        per100 = speech.fillers_per_100_words
        if per100 is not None and per100 > FILLERS_PER_100:
            cues.append(Cue("fillers", per100, FILLERS_PER_100))
    if face is not None:
        looking = face.looking_at_screen_share
        if looking.value is not None and looking.confidence >= MIN_CONFIDENCE:
            away = round(1.0 - looking.value, 2)
            if away > LOOKING_AWAY_SHARE:
                cues.append(Cue("looking-away", away, round(LOOKING_AWAY_SHARE, 2)))
    if level_dbfs is not None and level_dbfs < QUIET_DBFS:
        cues.append(Cue("quiet", level_dbfs, QUIET_DBFS))
    return cues


def integrity_flags(
    *,
    response_latency_s: float | None = None,
    typical_latency_s: float | None = None,
    face: FaceMeasures | None = None,
) -> list[Flag]:
    """Flags for human review of one answer; an empty list when nothing stands out.

    Args:
        response_latency_s: end of the question to the start of the answer.
        typical_latency_s: the candidate's median latency so far in the session, if known.
        face: the answer's webcam measures, when there is a camera.
    """
    flags: list[Flag] = []
    limit = LATENCY_HIGH_S
    if typical_latency_s is not None and typical_latency_s > 0:
        limit = min(limit, max(5.0, LATENCY_VS_TYPICAL * typical_latency_s))
    if response_latency_s is not None and response_latency_s > limit:
        flags.append(
            Flag("unusual-latency", f"answer began {response_latency_s:.1f} s after the question")
        )
    if face is None:
        return flags
    many = face.multiple_faces_share.value
    if many is not None and many >= ANOTHER_FACE_SHARE:
        flags.append(Flag("another-face", f"a second face in {many:.0%} of frames"))
    present = face.face_present_share.value
    if present is not None and 1.0 - present >= FACE_MISSING_SHARE:
        flags.append(Flag("face-missing", f"no face in {1.0 - present:.0%} of frames"))
    looking = face.looking_at_screen_share.value
    if looking is not None and 1.0 - looking >= OFF_SCREEN_SHARE:
        flags.append(Flag("off-screen-gaze", f"looking away {1.0 - looking:.0%} of the answer"))
    return flags
