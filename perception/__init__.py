"""What is observed about how the candidate speaks and presents (measurements with a confidence)."""

from perception.answer import AnswerMeasures, measure_answer, summarize_session
from perception.cues import Cue, Flag, coaching_cues, integrity_flags
from perception.face import FaceAnalyzer, FaceMeasures, FaceObservation, FaceWindow, summarize_face
from perception.frames import Frame, frame_from_rgba, frames_from_camera, frames_from_file
from perception.readings import PerceptionInputError, Reading
from perception.speech import SpeechMeasures, measure_speech
from perception.voice import VoiceMeasures, measure_voice, speech_span
from perception.words import TimedWord

__all__ = [
    "AnswerMeasures",
    "Cue",
    "FaceAnalyzer",
    "FaceMeasures",
    "FaceObservation",
    "FaceWindow",
    "Flag",
    "Frame",
    "PerceptionInputError",
    "Reading",
    "SpeechMeasures",
    "TimedWord",
    "VoiceMeasures",
    "coaching_cues",
    "frame_from_rgba",
    "frames_from_camera",
    "frames_from_file",
    "integrity_flags",
    "measure_answer",
    "measure_speech",
    "measure_voice",
    "speech_span",
    "summarize_face",
    "summarize_session",
]
