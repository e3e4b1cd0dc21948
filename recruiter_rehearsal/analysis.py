"""Measure a recording or video the way answers are measured live (``recruiter analyze``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from agent.language_id import language_identifier
from agent.stt_whisper import SAMPLE_RATE, WhisperSTT, whisper_options
from perception.answer import measure_answer
from perception.audio_file import read_recording
from perception.cues import coaching_cues, integrity_flags
from perception.face import FaceAnalyzer, summarize_face
from perception.frames import frames_from_file
from perception.readings import PerceptionInputError
from perception.spoken_language import other_language_spans
from recruiter_config.assets import require_asset
from recruiter_config.settings import Settings

__all__ = ["analyze_audio", "analyze_video"]


def analyze_audio(
    settings: Settings, path: Path, *, transcript: str | None = None
) -> dict[str, Any]:
    """Transcribe ``path`` with word times and measure it as one answer (with the stretches
    heard in another language, when ``whisper-base`` is installed).

    Args:
        settings: where the Whisper model is.
        path: a recording (WAV, FLAC, MP3, M4A, OGG/Opus, WebM).
        transcript: the true text, if known: fillers and hedges are counted in it.

    Raises:
        PerceptionInputError: the file cannot be read.
    """
    native = read_recording(path)
    for_stt = native if native.rate == SAMPLE_RATE else read_recording(path, rate=SAMPLE_RATE)
    stt = WhisperSTT(whisper_options(settings))
    heard = stt.transcribe(for_stt.samples)
    words = list(heard.words)
    measures = measure_answer(
        words, transcript=transcript or heard.text, audio=native.samples, rate=native.rate
    )
    identify = language_identifier(settings.models_dir)
    if identify is not None:  # (on the 16 kHz audio the identifier takes)
        other = other_language_spans(words, for_stt.samples, SAMPLE_RATE, 0.0, identify)
        measures = replace(measures, other_language=other)
    return {
        "file": str(path),
        "duration_s": round(native.duration_s, 2),
        "sample_rate": native.rate,
        # A cut file is measured as far as it goes, and said so.
        **({"ends_early": native.ends_early} if native.ends_early else {}),
        "transcript": heard.text,
        "stt_model": stt.model,
        **measures.as_dict(),
        # Each stretch with its words (first_word..last_word, counted from 0, both included).
        "other_language": [
            {
                **o.as_dict(),
                "label": o.label,
                "words": o.words_in(words),
            }
            for o in measures.other_language
        ],
    }


def analyze_video(settings: Settings, path: Path, *, fps: float = 5.0) -> dict[str, Any]:
    """Run the face landmarker on ``path`` (a video or an image) and summarise what it saw.

    Raises:
        PerceptionInputError: the file cannot be read.
    """
    model = require_asset(settings.models_dir, "face-landmarker")
    with FaceAnalyzer(model) as analyzer:
        observations = analyzer.observe_all(frames_from_file(path, fps=fps))
    if not observations:
        raise PerceptionInputError(f"{path}: no frames could be read")
    face = summarize_face(observations)
    return {
        "file": str(path),
        "fps": fps,
        "face": face.as_dict(),
        "cues": [c.as_dict() for c in coaching_cues(face=face)],
        "flags": [f.as_dict() for f in integrity_flags(face=face)],
    }
