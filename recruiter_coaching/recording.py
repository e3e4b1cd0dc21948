"""A recorded two-person interview as utterances for the coaching report.

A stereo file with one speaker per channel (what most recorders and meeting tools can export)
is transcribed channel by channel with the product's Whisper (cut at pauses, word times on the
file's clock); each speaker's words are joined into utterances wherever they pause less than
``_TURN_GAP_S``. Mono files are refused with how to export two channels: pyannote.audio, the
usual diarization library, fetches its pipelines from the Hugging Face hub, which these machines
cannot reach; Resemblyzer ships its speaker encoder inside its wheel but needs torch, and is not
measured here yet.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from agent.stt_whisper import SAMPLE_RATE, WhisperOptions, WhisperSTT, whisper_options
from perception.audio_file import read_recording
from perception.readings import PerceptionInputError
from perception.words import TimedWord
from recruiter_coaching.report import Speaker, Utterance
from recruiter_config.settings import Settings

__all__ = ["MONO_ADVICE", "recording_utterances", "whisper", "words_to_utterances"]

# A pause longer than this (seconds) between one speaker's words starts a new utterance.
_TURN_GAP_S = 1.5
# A pause (seconds) in which the other speaker's turn ending splits an utterance: longer than
# the gaps between a fluent speaker's words (under 0.3 s in the synthesized interviews here).
_TAKEN_TURN_S = 0.3
# A channel quieter than this (peak, full scale 1.0) holds nobody: -40 dBFS.
_SILENT_PEAK = 0.01

_EXPORT_ADVICE = (
    "Export it with one speaker per channel (two-channel WAV): in Zoom turn on "
    "'Record a separate audio file of each participant' and join the two files as left and "
    "right (e.g. `ffmpeg -i interviewer.m4a -i candidate.m4a -filter_complex "
    "amerge=inputs=2 interview.wav`); most recorders have a stereo or 'separate tracks' setting."
)
MONO_ADVICE = (
    "this recording has one channel, so the interviewer's voice cannot be told from the "
    f"candidate's. {_EXPORT_ADVICE}"
)
# Channels correlating this closely carry one mix twice: two speakers on their own channels
# (even with some of each other's voice bleeding in) correlate far less.
_SAME_MIX = 0.9


@lru_cache(maxsize=2)
def whisper(options: WhisperOptions) -> WhisperSTT:
    """The Whisper model, loaded once per options and shared by every request (CTranslate2
    serves several threads at once)."""
    return WhisperSTT(options)


def _same_on_both(channels: np.ndarray) -> bool:
    """Whether a two-channel recording's channels carry the same signal (Pearson correlation
    over every 4th sample at least ``_SAME_MIX``)."""
    left, right = channels[0, ::4], channels[1, ::4]
    if float(left.std()) == 0.0 or float(right.std()) == 0.0:
        return False
    return float(np.corrcoef(left, right)[0, 1]) >= _SAME_MIX


def words_to_utterances(
    words: list[TimedWord], speaker: Speaker, others: list[TimedWord] | None = None
) -> list[Utterance]:
    """Join one speaker's timed words into utterances, split at pauses over ``_TURN_GAP_S``
    and at a pause of ``_TAKEN_TURN_S`` or more in which the other speaker (``others``: their
    words) finished speaking they had begun during this utterance: an answer cut off and the
    next answer after the interviewer's question are two utterances however short the
    question. Someone starting to talk in a pause is not enough: that is how an interruption
    begins, and the utterance it cuts into goes on."""
    out: list[Utterance] = []
    group: list[TimedWord] = []
    spans = [(o.start_s, o.end_s) for o in others or []]

    def other_spoke(start: float, end: float) -> bool:
        if end - start < _TAKEN_TURN_S:
            return False
        return any(a > group[0].start_s and start < b < end for a, b in spans)

    for w in [*words, None]:
        if group and (
            w is None
            or w.start_s - group[-1].end_s > _TURN_GAP_S
            or other_spoke(group[-1].end_s, w.start_s)
        ):
            text = " ".join(g.word.strip() for g in group).strip()
            out.append(Utterance(speaker, group[0].start_s, group[-1].end_s, text))
            group = []
        if w is not None:
            group.append(w)
    return out


def recording_utterances(
    settings: Settings, path: Path, *, interviewer_channel: int = 0
) -> list[Utterance]:
    """Both speakers' utterances in ``path``, in time order (seconds from the file's start).

    Args:
        settings: where the Whisper model is.
        path: a two-channel recording (WAV, FLAC, MP3, M4A, OGG/Opus, WebM), one speaker each.
        interviewer_channel: 0 (left) or 1 (right): the interviewer's channel.

    Raises:
        PerceptionInputError: the file cannot be read, has one channel (``MONO_ADVICE``), more
            than two, or a silent channel.
        AssetError: the Whisper model is not installed.
    """
    if interviewer_channel not in (0, 1):
        raise PerceptionInputError("the interviewer's channel is 0 (left) or 1 (right)")
    recording = read_recording(path, rate=SAMPLE_RATE, keep_channels=True)
    channels = recording.channels
    if channels is None or channels.shape[0] == 1:
        raise PerceptionInputError(f"{path}: {MONO_ADVICE}")
    if channels.shape[0] != 2:
        raise PerceptionInputError(
            f"{path}: has {channels.shape[0]} channels; give two, one speaker on each"
        )
    if _same_on_both(channels):
        raise PerceptionInputError(
            f"{path}: both channels hold the same mix (a mono recording saved as stereo), so "
            f"the interviewer's voice cannot be told from the candidate's. {_EXPORT_ADVICE}"
        )
    for i, name in enumerate(("left", "right")):
        if float(np.abs(channels[i]).max()) < _SILENT_PEAK:
            raise PerceptionInputError(
                f"{path}: the {name} channel is silent, so it holds nobody's voice; "
                "give a recording with one speaker on each channel"
            )
    stt = whisper(whisper_options(settings))
    words = [list(stt.transcribe(channels[i]).words) for i in (0, 1)]
    out: list[Utterance] = []
    for i in (0, 1):
        speaker: Speaker = "interviewer" if i == interviewer_channel else "candidate"
        out += words_to_utterances(words[i], speaker, words[1 - i])
    return sorted(out, key=lambda u: u.start_s)
