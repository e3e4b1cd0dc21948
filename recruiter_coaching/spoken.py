"""A spoken practice interview (the dashboard's practice page): the interviewer's recorded
question is transcribed, the persona answers in the candidate's voice, and the session's clock
is the speech itself.

Each question is one recording (push to talk), so the interviewer cannot cut into an answer
here: the report's interruptions are read only from two-channel recordings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from threading import Lock

import numpy as np

from agent.stt_whisper import SAMPLE_RATE, whisper_options
from agent.tts_piper import load_voice
from dialogue.spoken_form import spoken_form
from perception.audio_file import read_recording
from perception.readings import PerceptionInputError
from recruiter_coaching.practice import Calibration, PracticeCandidate, PracticeReply
from recruiter_coaching.recording import whisper
from recruiter_coaching.report import Utterance
from recruiter_coaching.session import TURN_GAP_S, TYPED_WPM, CoachedSession, RoleTopics
from recruiter_config.assets import require_asset
from recruiter_config.settings import Settings
from recruiter_rehearsal.candidates import CandidateVoice
from rubrics.models import RoleScript

__all__ = ["SpokenPractice", "SpokenTurn", "candidate_voice", "whisper"]


@lru_cache(maxsize=2)
def candidate_voice(voice_dir: Path) -> CandidateVoice:
    """The persona's voice: the product's piper voice shifted up, so that it is not the
    recruiter's (``CandidateVoice``)."""
    onnx = next(iter(sorted(voice_dir.glob("*.onnx"))))
    return CandidateVoice(load_voice(onnx))


@dataclass(frozen=True)
class SpokenTurn:
    """One exchange: the question as heard, the persona's reply, and its audio (16 kHz mono)."""

    question: str
    reply: PracticeReply
    audio: np.ndarray


@dataclass
class SpokenPractice:
    """One practice session in progress: the persona, the role, and the utterances so far."""

    interviewer: str
    role: RoleScript
    persona: str
    candidate: PracticeCandidate
    topics: RoleTopics
    utterances: list[Utterance] = field(default_factory=list)
    clock_s: float = 0.0
    # One question at a time: two tabs, or a typed question while a recording is sent, must
    # not interleave the persona's state and the clock.
    _lock: Lock = field(default_factory=Lock, repr=False)

    def ask_audio(self, settings: Settings, path: Path) -> SpokenTurn:
        """Transcribe the recorded question in ``path`` and answer it.

        Raises:
            PerceptionInputError: the file cannot be read, or no words were heard in it.
            AssetError: a model is not installed.
        """
        audio = read_recording(path, rate=SAMPLE_RATE).samples
        heard = whisper(whisper_options(settings)).transcribe(audio)
        words = list(heard.words)
        if not words or not heard.text.strip():
            raise PerceptionInputError("no words were heard in the recording; ask again")
        return self._answer(heard.text.strip(), words[-1].end_s - words[0].start_s, settings)

    def ask_text(self, settings: Settings, text: str) -> SpokenTurn:
        """Answer a typed question (timed as said at 150 words per minute)."""
        question = " ".join(text.split())
        if not question:
            raise PerceptionInputError("the question is empty")
        return self._answer(question, len(question.split()) * 60.0 / TYPED_WPM, settings)

    def _answer(self, question: str, spoken_s: float, settings: Settings) -> SpokenTurn:
        voice = candidate_voice(require_asset(settings.models_dir, settings.tts.voice))
        with self._lock:
            return self._answered(question, spoken_s, voice)

    def _answered(self, question: str, spoken_s: float, voice: CandidateVoice) -> SpokenTurn:
        reply = self.candidate.reply(question)
        answer = voice.render(spoken_form(reply.text))  # "A/B test", "15%": said as words
        start = self.clock_s
        self.utterances.append(Utterance("interviewer", start, start + spoken_s, question))
        reply_start = start + spoken_s + TURN_GAP_S
        reply_end = reply_start + answer.voiced_end / SAMPLE_RATE
        self.utterances.append(Utterance("candidate", reply_start, reply_end, reply.text))
        self.clock_s = reply_end + TURN_GAP_S
        return SpokenTurn(question, reply, answer.samples)

    def finish(self, calibration: Calibration | None) -> CoachedSession:
        """The coached session, ready to keep (after any question being answered)."""
        with self._lock:
            return self._finished(calibration)

    def _finished(self, calibration: Calibration | None) -> CoachedSession:
        note = ("A spoken practice session, one recording per question: interruptions are not "
                "read.")  # fmt: skip
        if calibration is None:
            note += " No scores were given, so calibration is not measured."
        return CoachedSession(
            self.interviewer, "practice",
            f"Practice interview: {self.role.title}, candidate '{self.persona}'",
            self.topics.coach(self.utterances, every_turn_asks=True), role_id=self.role.id,
            persona=self.persona, calibration=calibration,
            competency_names=self.topics.competency_names, note=note,
        )  # fmt: skip
