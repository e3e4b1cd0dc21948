"""Everything measured about one answer, and the session summary built from the answers."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from perception.cues import Cue, Flag, coaching_cues, integrity_flags
from perception.face import FaceMeasures
from perception.language import LanguageNote, language_notes
from perception.speech import SpeechMeasures, measure_speech
from perception.spoken_language import LanguageIdentifier, OtherLanguage, other_language_spans
from perception.voice import VoiceMeasures, level_dbfs, measure_voice, speech_span
from perception.words import TimedWord

__all__ = ["AnswerMeasures", "measure_answer", "summarize_session"]


@dataclass(frozen=True)
class AnswerMeasures:
    """One answer: how it was spoken, how the voice sounded, what the camera saw, cues, flags."""

    speech: SpeechMeasures
    voice: VoiceMeasures | None
    face: FaceMeasures | None
    language: list[LanguageNote]
    cues: list[Cue]
    flags: list[Flag]
    # Clauses heard in another language than English: not the answer's evidence.
    other_language: list[OtherLanguage] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON and storage."""
        return {
            "speech": self.speech.as_dict(),
            "voice": self.voice.as_dict() if self.voice else None,
            "face": self.face.as_dict() if self.face else None,
            "language": [n.as_dict() for n in self.language],
            "cues": [c.as_dict() for c in self.cues],
            "flags": [f.as_dict() for f in self.flags],
            "other_language": [o.as_dict() for o in self.other_language],
        }


def measure_answer(
    words: Sequence[TimedWord],
    *,
    transcript: str | None = None,
    audio: np.ndarray | None = None,
    rate: int = 16000,
    audio_start_s: float = 0.0,
    question_end_s: float | None = None,
    face: FaceMeasures | None = None,
    typical_latency_s: float | None = None,
    vocabulary: Iterable[str] = (),
    prosody: bool = True,
    language: bool = True,
    identify: LanguageIdentifier | None = None,
) -> AnswerMeasures:
    """Measure one answer from its words and, when given, its audio and webcam summary.

    Args:
        words: the answer's words, on the same clock as ``audio_start_s``.
        transcript: the answer's text (default: the words joined).
        audio: the candidate's audio around the answer (mono float); the pace is taken over
            the speech found in it, which is more exact than word times alone.
        rate: the audio's sample rate.
        audio_start_s: the time of the audio's first sample.
        question_end_s: when the question ended, for the response latency.
        face: the webcam summary for the answer's span.
        typical_latency_s: the candidate's usual latency, for the latency flag.
        vocabulary: words the spelling check accepts (role terms).
        prosody: False skips pitch and the level track (the cheap live path).
        language: False skips the spelling and grammar notes (the cheap live path).
        identify: a spoken-language identifier: with ``audio`` at 16 kHz, stretches the
            recogniser was unsure of are checked for another language
            (``perception.spoken_language``); at another rate, none is.
    """
    span = speech_span(audio, rate) if audio is not None and audio.size else None
    start = end = None
    if span is not None and words:
        # The speech around the words; audio outside the words (noise, the other side) is not used.
        start = max(audio_start_s + span[0], words[0].start_s - 1.0)
        end = min(audio_start_s + span[1], words[-1].end_s + 1.0)
    speech = measure_speech(
        words, transcript=transcript, question_end_s=question_end_s,
        turn_start_s=start, turn_end_s=end,
    )  # fmt: skip
    voice: VoiceMeasures | None = None
    level: float | None = None
    if audio is not None and audio.size:
        if prosody:
            voice = measure_voice(audio, rate)
            level = voice.level_dbfs.value
        elif span is not None:
            a, b = round(span[0] * rate), round(span[1] * rate)
            level = level_dbfs(audio[a:b])
    text = transcript if transcript is not None else " ".join(w.word for w in words)
    other: list[OtherLanguage] = []
    if identify is not None and audio is not None and audio.size and words and rate == 16000:
        other = other_language_spans(words, audio, rate, audio_start_s, identify)
    return AnswerMeasures(
        speech=speech,
        voice=voice,
        face=face,
        language=language_notes(text, vocabulary=vocabulary) if language else [],
        cues=coaching_cues(speech, level_dbfs=level, face=face),
        flags=integrity_flags(
            response_latency_s=speech.response_latency_s,
            typical_latency_s=typical_latency_s,
            face=face,
        ),
        other_language=other,
    )


def _median(values: Iterable[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return round(statistics.median(kept), 2) if kept else None


def summarize_session(answers: Sequence[AnswerMeasures]) -> dict[str, Any]:
    """The whole session: totals over all answers, and medians of the per-answer values."""
    words = sum(a.speech.words for a in answers)
    timed = [a.speech for a in answers if a.speech.words_per_minute is not None]
    minutes = sum(s.words / s.words_per_minute for s in timed if s.words_per_minute)
    fillers = sum(a.speech.fillers for a in answers)
    return {
        "answers": len(answers),
        "words": words,
        "words_per_minute": round(sum(s.words for s in timed) / minutes, 1) if minutes else None,
        "fillers_per_100_words": round(100.0 * fillers / words, 2) if words else None,
        "hedges": sum(a.speech.hedges for a in answers),
        "pauses_over_2s": sum(a.speech.pauses_over_2s for a in answers),
        "longest_pause_s": max((a.speech.longest_pause_s for a in answers), default=0.0),
        "response_latency_median_s": _median(a.speech.response_latency_s for a in answers),
        "level_median_dbfs": _median(a.voice.level_dbfs.value for a in answers if a.voice),
        "pitch_variation_median_st": _median(
            a.voice.pitch_variation_st.value for a in answers if a.voice
        ),
        "looking_at_screen_median": _median(
            a.face.looking_at_screen_share.value for a in answers if a.face
        ),
        "cues": sorted({c.kind for a in answers for c in a.cues}),
        "flags": sorted({f.kind for a in answers for f in a.flags}),
    }
