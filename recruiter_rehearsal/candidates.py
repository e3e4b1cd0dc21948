"""The simulated candidate of a headless rehearsal: what it answers and the voice it speaks with.

Answers come from a persona file (text, synthesized with a voice distinct from the recruiter's)
or from a folder of WAV recordings. ``[pause 2.5]`` inside an answer's text is a thinking pause
of 2.5 s of silence.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Protocol

import numpy as np
import yaml
from faster_whisper.vad import VadOptions, get_speech_timestamps
from piper import PiperVoice, SynthesisConfig
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent.audio import resample
from agent.tts_piper import pcm_to_float, synthesize_pcm
from perception.audio_file import read_recording
from perception.readings import PerceptionInputError
from recruiter_rehearsal.errors import CandidateError
from rubrics import RoleScript

__all__ = [
    "DEFAULT_PERSONA",
    "GENERIC_PERSONA",
    "Answer",
    "AnswerSource",
    "CandidateError",
    "CandidateVoice",
    "PersonaAnswers",
    "WavAnswers",
    "answering_persona",
    "check_persona",
    "generic_answers",
    "load_persona",
    "persona_for",
    "shipped_personas",
    "spoken_in",
]

MIC_RATE = 16000
# espeak-ng's voice for a language whose voice is not named by its ISO 639-1 code.
_ESPEAK_VOICES = {"zh": "cmn"}
# A sample above this (full scale 1.0; -40 dBFS) is speech: the end of speech is the last one.
# Piper ends each sentence with about 0.2 s at -100 dBFS, which nobody hears.
VOICED_LEVEL = 0.01
_PAUSE = re.compile(r"\[pause\s+(\d+(?:\.\d+)?)\]")


@dataclass(frozen=True)
class Answer:
    """One utterance ready for the microphone."""

    samples: np.ndarray
    voiced_end: int
    text: str | None


# What the candidate says to one question, in order: the answer, then what they say each time
# the recruiter speaks again on that question (a follow-up, a prompt). None: stay silent.
Utterances = list[Answer | None]

_FILLER = "I think that covers it."


class AnswerSource(Protocol):
    """Gives the candidate's utterances for a question."""

    def utterances(self, question_id: str, ordinal: int) -> Utterances:
        """What is said to ``question_id``, the ``ordinal``-th question asked (from 1)."""
        ...

    def filler(self) -> Answer:
        """What is said when the candidate has nothing more for the question."""
        ...


class CandidateVoice:
    """Piper's joe voice shifted up in pitch (and re-timed), so the two sides sound different."""

    def __init__(self, voice: PiperVoice, *, shift: float = 1.22, pace: float = 1.45) -> None:
        self._voice = voice
        self._shift = shift
        # Slower phonemes, then played faster: a higher pitch; ``pace`` slows the voice from
        # piper's brisk default to a conversational rate (about 150 words per minute).
        self._config = SynthesisConfig(
            length_scale=shift * pace, noise_scale=0.6, noise_w_scale=0.7
        )

    def render(self, text: str) -> Answer:
        """Synthesize ``text`` (with ``[pause N]`` markers) at the microphone's rate."""
        pieces: list[np.ndarray] = []
        voiced_end = 0
        for index, part in enumerate(_PAUSE.split(text)):
            if index % 2 == 1:
                pieces.append(np.zeros(int(float(part) * MIC_RATE), dtype=np.float32))
                continue
            if not part.strip():
                continue
            pcm = b"".join(synthesize_pcm(self._voice, part.strip(), self._config))
            native = self._voice.config.sample_rate
            speech = resample(pcm_to_float(pcm), round(native * self._shift), MIC_RATE)
            voiced = np.flatnonzero(np.abs(speech) > VOICED_LEVEL)
            if voiced.size:
                voiced_end = sum(p.size for p in pieces) + int(voiced[-1]) + 1
            pieces.append(speech)
        tail = np.zeros(int(0.2 * MIC_RATE), dtype=np.float32)
        samples = np.concatenate([*pieces, tail]) if pieces else tail
        return Answer(samples, voiced_end, _PAUSE.sub(" ", text).strip())


def spoken_in(text: str, language: str) -> np.ndarray:
    """``text`` said by espeak-ng in ``language`` (ISO 639-1; a speaker of that language, where
    piper's voice is English only and reads any text by English rules), at the microphone's
    rate. espeak-ng is installed by ``make setup`` (piper phonemizes with it).

    Raises:
        CandidateError: espeak-ng has no such language, or failed.
    """
    voice = _ESPEAK_VOICES.get(language, language)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "said.wav"
        try:
            subprocess.run(["espeak-ng", "-v", voice, "-w", str(path), text], check=True,
                           capture_output=True, timeout=60)  # fmt: skip
            return read_recording(path, rate=MIC_RATE).samples
        except (OSError, subprocess.SubprocessError, PerceptionInputError) as e:
            raise CandidateError(f"espeak-ng could not say a line in {language!r}: {e}") from e


class _Persona(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str
    answers: dict[str, str | list[str]] = Field(min_length=1)


class _PersonaFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: str
    personas: dict[str, _Persona]


def _persona_dir() -> Path:
    return Path(str(resources.files("recruiter_rehearsal").joinpath("personas")))


def _persona_file(role_id: str) -> _PersonaFile | None:
    path = _persona_dir() / f"{role_id}.yaml"
    if not path.is_file():
        return None
    try:
        return _PersonaFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (ValidationError, yaml.YAMLError) as e:
        raise CandidateError(f"{path}: invalid persona file: {e}") from e


def shipped_personas(role_id: str) -> list[str]:
    """Names of the personas written for ``role_id``."""
    data = _persona_file(role_id)
    return sorted(data.personas) if data else []


class PersonaAnswers:
    """Answers written as text for one role, spoken by ``CandidateVoice``.

    An answer is a text, or a list of texts: the answer, then what is said each time the
    recruiter speaks again on that question. ``[silence]`` says nothing to that turn.
    """

    def __init__(self, answers: dict[str, str | list[str]], voice: CandidateVoice) -> None:
        self._answers = answers
        self._voice = voice

    def utterances(self, question_id: str, ordinal: int) -> Utterances:
        """Speak the persona's utterances for ``question_id``."""
        texts = self._answers.get(question_id)
        if texts is None:
            texts = "I'm sorry, I don't have a good answer to that one. Could we move on?"
        listed = [texts] if isinstance(texts, str) else texts
        return [None if t.strip() == "[silence]" else self._voice.render(t) for t in listed]

    def filler(self) -> Answer:
        """The line for when the persona has nothing more to say on a question."""
        return self._voice.render(_FILLER)


def load_persona(
    role_id: str,
    name: str,
    voice: CandidateVoice,
    *,
    answers: dict[str, str | list[str]] | None = None,
) -> PersonaAnswers:
    """The persona ``name`` written for ``role_id`` (or the given ``answers``)."""
    if answers is not None:
        return PersonaAnswers(answers, voice)
    data = _persona_file(role_id)
    if data is None or name not in data.personas:
        known = ", ".join(sorted(data.personas)) if data else "none"
        raise CandidateError(
            f"no persona '{name}' for role '{role_id}'; personas for this role: {known}"
        )
    return PersonaAnswers(data.personas[name].answers, voice)


DEFAULT_PERSONA = "prepared"
GENERIC_PERSONA = "generic"

# Plain, on-topic answers by question kind, for a role no persona was written for. "{topic}" is
# the question's competencies by name. The behavioural one tells a whole story (situation, task,
# own action, measurable result) so that the interview runs as it would with a prepared person.
_GENERIC = {
    "behavioural": "Last year I had a situation where {topic} really mattered. The team was "
    "behind and a customer was waiting on us. My task was to sort it out, so I listed what had "
    "to happen, agreed the order with my lead, and did the hardest part myself. In the end we "
    "finished two days early, and the customer renewed their contract for another year.",
    "situational": "First I would find out what matters most to the people affected and what "
    "is blocking them. Then I would deal with the most urgent part myself, tell everyone else "
    "when to expect an answer, and check afterwards that the problem is really solved, because "
    "{topic} is about following through.",
    "technical": "I would start by making sure I understand the requirements and the limits. "
    "Then I would pick the simplest approach that works, try it on a small example and measure "
    "it. I would watch out for edge cases and failures, and explain the trade-offs to the team.",
    # Thinking aloud while coding (a rehearsal has no editor: such a role is refused before it
    # starts, but its answers are still written out).
    "coding": "I would start from the examples and write the simplest version that passes them, "
    "then think about the edge cases, like an empty input, and about how it grows with {topic}.",
    "motivation": "I enjoy this kind of work because I like {topic}, and I have done it for "
    "three years. This role would let me grow in it with a team that cares about doing it well.",
    "candidate-questions": "Yes: what does a typical week look like in this role, and how does "
    "the team measure success?",
}


def generic_answers(role: RoleScript) -> dict[str, str | list[str]]:
    """A plain answer to every question of ``role``, chosen by the question's kind.

    For rehearsing a role that no persona was written for (a recruiter's own script): the
    interview runs end to end with on-topic answers; write a persona file, or record answers
    (``--answers``), for answers that test the role itself.
    """
    names = {c.id: c.name.lower() for c in role.competencies}
    answers: dict[str, str | list[str]] = {}
    for q in role.questions:
        topic = " and ".join(names.get(c, c) for c in q.competencies) or "this work"
        answers[q.id] = _GENERIC[q.kind].format(topic=topic)
    return answers


def speech_stretches(samples: np.ndarray) -> list[tuple[int, int]]:
    """The stretches of speech in ``samples`` (mono float at ``MIC_RATE``), as sample indices
    [start, end), by silero VAD as faster-whisper runs it; a 0.3 s silence ends a stretch, as
    in the voice pipeline (``TurnSettings.vad_min_silence_s``; at the library's default 2 s, the
    last stretch of a recording runs to its end)."""
    options = VadOptions(min_silence_duration_ms=300, speech_pad_ms=0)
    spans = get_speech_timestamps(samples, options, sampling_rate=MIC_RATE)
    return [(int(span["start"]), int(span["end"])) for span in spans]


def _speech_end(samples: np.ndarray) -> int:
    """Index just past a recording's last speech (``speech_stretches``), else past its last
    sample over ``VOICED_LEVEL``: a recording's noise floor can stay over that level after the
    last word (1.5 s of room noise after "thanks" in one of ``recruiter_config.recordings``),
    and the reply would be timed from its end."""
    stretches = speech_stretches(samples)
    if stretches:
        return stretches[-1][1]
    voiced = np.flatnonzero(np.abs(samples) > VOICED_LEVEL)
    return int(voiced[-1]) + 1 if voiced.size else 0


def _recorded(path: Path) -> np.ndarray:
    """``path`` decoded to mono float32 at the microphone rate.

    Raises:
        CandidateError: the file is not audio, is empty or truncated (the reason named).
    """
    try:
        recording = read_recording(path, rate=MIC_RATE)
    except PerceptionInputError as e:
        raise CandidateError(f"cannot use this recording as an answer: {e}") from e
    if recording.ends_early:  # the answer would stop mid-sentence: export it again
        raise CandidateError(
            f"cannot use this recording as an answer: {path}: {recording.ends_early}"
        )
    return recording.samples


def check_persona(role_id: str, name: str) -> None:
    """Refuse a persona the role does not have, before any model loads.

    ``generic`` answers any role; the default persona falls back to it for a role that has no
    personas of its own.

    Raises:
        CandidateError: ``name`` is neither written for the role nor ``generic``; the message
            lists the role's personas and the ``--answers`` alternative.
    """
    written = shipped_personas(role_id)
    if name == GENERIC_PERSONA or name in written or (name == DEFAULT_PERSONA and not written):
        return
    known = ", ".join([*written, GENERIC_PERSONA])
    raise CandidateError(
        f"no persona '{name}' for role '{role_id}'; personas for this role: {known} "
        "(or answer with your own recordings: --answers DIR)"
    )


def answering_persona(role_id: str, name: str) -> str:
    """The persona that answers when ``name`` is asked for: ``name``, or ``generic`` for a role
    with no persona of that name (what ``persona_for`` loads, and the session records)."""
    return name if name in shipped_personas(role_id) else GENERIC_PERSONA


def persona_for(role: RoleScript, name: str, voice: CandidateVoice) -> PersonaAnswers:
    """The persona ``name`` for ``role``: one written for it, else the generic one.

    Raises:
        CandidateError: as ``check_persona``, or the role's persona file is invalid.
    """
    check_persona(role.id, name)
    if name == GENERIC_PERSONA or name not in shipped_personas(role.id):
        return PersonaAnswers(generic_answers(role), voice)
    return load_persona(role.id, name, voice)


# What recorders and phones export; each is decoded by one reader (PyAV, as `analyze audio`).
ANSWER_SUFFIXES = (".wav", ".flac", ".mp3", ".m4a", ".ogg", ".opus", ".webm")


class WavAnswers:
    """Recorded answers: the audio files of a folder, one per question in the order asked.

    A file named after a question id (``frustrated-customer.wav``) answers that question;
    the others answer the remaining questions in name order, as they are asked. Any file
    ``perception.audio_file.read_recording`` decodes is taken (``ANSWER_SUFFIXES``: 16-, 24-
    and 32-bit float WAV at any rate, FLAC, MP3, M4A, OGG/Opus, WebM), stereo mixed to mono.
    """

    def __init__(
        self, folder: Path, voice: CandidateVoice, question_ids: Iterable[str] = ()
    ) -> None:
        files = (
            sorted(f for f in folder.iterdir() if f.suffix.lower() in ANSWER_SUFFIXES)
            if folder.is_dir()
            else []
        )
        if not files:
            kinds = ", ".join(ANSWER_SUFFIXES)
            raise CandidateError(f"{folder}: no recordings to answer with ({kinds})")
        # Each is decoded now, before anything is stored: a broken file stops the run here; and
        # its end of speech found now, off the interview's event loop.
        self._audio = {path: _recorded(path) for path in files}
        self._ends = {path: _speech_end(samples) for path, samples in self._audio.items()}
        ids = set(question_ids)
        self._named = {f.stem: f for f in files if f.stem in ids}
        self._in_order = [f for f in files if f.stem not in ids]
        self._voice = voice

    def utterances(self, question_id: str, ordinal: int) -> Utterances:
        """The recording named after the question, else the next unnamed one, else silence.

        Call it once per question, when the question is asked: each call without a named
        file takes the next recording (``ordinal`` is not used).
        """
        path = self._named.get(question_id)
        if path is None and self._in_order:
            path = self._in_order.pop(0)
        if path is None:
            return [None]
        samples = self._audio[path]
        silence = np.zeros(MIC_RATE // 5, np.float32)
        return [Answer(np.concatenate([samples, silence]), self._ends[path], None)]

    def filler(self) -> Answer:
        """Recorded answers have nothing more: a short synthesized line."""
        return self._voice.render(_FILLER)
