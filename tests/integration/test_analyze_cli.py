"""``recruiter analyze``: measurements of your own recordings and videos, and clear errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from scipy.signal import resample_poly

from agent.audio import write_wav
from agent.tts_piper import load_voice
from recruiter_rehearsal.candidates import CandidateVoice, spoken_in
from tests.integration.speech import word_error_rate
from tests.integration.test_spoken_language import RUSSIAN
from tests.webcam_video import ASTRONAUT

pytestmark = pytest.mark.models

ANSWER = (
    "Um, so I moved our billing jobs onto a queue. [pause 2.5] After that the month end backlog "
    "cleared in minutes instead of hours, and the team, uh, used the same approach elsewhere."
)


def _analyze(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "recruiter_cli.main", "analyze", *args],
        capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "RECRUITER_HOME": str(home)},
    )  # fmt: skip


def _json(proc: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def speech(installed_models: Path) -> np.ndarray:
    voice = CandidateVoice(load_voice(installed_models / "piper-joe/en_US-joe-medium.onnx"))
    return voice.render(ANSWER).samples


def test_a_recording_is_measured(home: Path, tmp_path: Path, speech: np.ndarray) -> None:
    wav = tmp_path / "answer.wav"
    write_wav(wav, speech, 16000)
    out = _json(_analyze(home, "audio", str(wav), "--json"))
    assert out["sample_rate"] == 16000
    assert word_error_rate(ANSWER.replace("[pause 2.5] ", ""), out["transcript"]) < 0.3
    s = out["speech"]
    assert s["words"] >= 25 and 100 < s["words_per_minute"] < 220
    assert s["pauses_over_2s"] == 1 and s["fillers"] >= 1
    assert 80 < out["voice"]["pitch_median_hz"]["value"] < 200
    assert out["voice"]["quality"] == []
    assert out["face"] is None and isinstance(out["cues"], list)
    assert out["other_language"] == []


def test_a_recording_in_another_language_says_so(home: Path, tmp_path: Path) -> None:
    """A recorder's 48 kHz file of a line in Russian: heard as English-looking words, and those
    are told apart as another language (from the 16 kHz audio the identifier takes)."""
    wav = tmp_path / "russian.wav"
    write_wav(wav, resample_poly(spoken_in(RUSSIAN, "ru"), 3, 1), 48000)
    out = _json(_analyze(home, "audio", str(wav), "--json"))
    assert out["sample_rate"] == 48000 and out["transcript"].strip()
    assert out["other_language"], out["transcript"]
    assert all(o["english"] < 0.5 for o in out["other_language"])


def test_the_true_transcript_is_counted_when_given(
    home: Path, tmp_path: Path, speech: np.ndarray
) -> None:
    wav = tmp_path / "answer.wav"
    write_wav(wav, speech, 16000)
    truth = ANSWER.replace("[pause 2.5] ", "")
    out = _json(_analyze(home, "audio", str(wav), "--transcript", truth, "--json"))
    assert out["speech"]["fillers"] == 2  # "Um" and "uh", as written


def test_telephone_clipped_and_silent_audio_give_results_that_say_so(
    home: Path, tmp_path: Path, speech: np.ndarray
) -> None:
    narrow = tmp_path / "phone.wav"
    write_wav(narrow, resample_poly(speech, 1, 2), 8000)
    out = _json(_analyze(home, "audio", str(narrow), "--json"))
    assert out["sample_rate"] == 8000 and out["speech"]["words"] >= 20
    assert any("narrowband" in q for q in out["voice"]["quality"])
    clipped = tmp_path / "clipped.wav"
    write_wav(clipped, np.clip(speech * 6.0, -1.0, 1.0), 16000)
    out = _json(_analyze(home, "audio", str(clipped), "--json"))
    assert any("clipped" in q for q in out["voice"]["quality"])
    silent = tmp_path / "silent.wav"
    write_wav(silent, np.zeros(16000 * 3, dtype=np.float32), 16000)
    out = _json(_analyze(home, "audio", str(silent), "--json"))
    assert "silent" in out["voice"]["quality"]
    assert out["speech"]["words_per_minute"] is None
    assert out["voice"]["pitch_median_hz"]["value"] is None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.wav", b"", "the file is empty"),
        ("broken.wav", b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(range(200)), "not a readable audio"),
        ("notes.mp3", b"just some text, not audio\n" * 20, "not a readable audio"),
    ],
)
def test_unreadable_audio_is_a_clear_error(
    home: Path, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    proc = _analyze(home, "audio", str(path), "--json")
    assert proc.returncode == 1
    assert message in proc.stderr and "Traceback" not in proc.stderr
    missing = _analyze(home, "audio", str(tmp_path / "nope.wav"))
    assert missing.returncode == 1 and "no such file" in missing.stderr


def test_a_photo_and_a_broken_video(home: Path, tmp_path: Path) -> None:
    photo = tmp_path / "me.png"
    cv2.imwrite(str(photo), cv2.cvtColor(ASTRONAUT, cv2.COLOR_RGB2BGR))
    out = _json(_analyze(home, "video", str(photo), "--json"))
    face = out["face"]
    assert face["frames"] == 1 and face["face_present_share"]["value"] == 1.0
    assert face["smiling_share"]["value"] == 1.0
    assert face["head_movement_deg"]["value"] is None  # one frame: not measured, and says why
    assert face["head_movement_deg"]["reason"].startswith("not measured")
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(os.urandom(4096))
    proc = _analyze(home, "video", str(broken), "--json")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert str(broken) in proc.stderr


def test_a_ten_minute_monologue_is_transcribed_whole_and_measured(
    home: Path, tmp_path: Path, speech: np.ndarray
) -> None:
    """Issue 17: a 10-minute answer (the same spoken answer over and over, 0.6 s apart) is
    read in VAD segments, not as one stretch the recogniser skips through: nearly every word
    is transcribed and the pace is the speaker's."""
    gap = np.zeros(int(0.6 * 16000), np.float32)
    reps = int(np.ceil(600 * 16000 / (len(speech) + len(gap))))
    wav = tmp_path / "monologue.wav"
    write_wav(wav, np.concatenate([np.concatenate([speech, gap])] * reps), 16000)
    out = _json(_analyze(home, "audio", str(wav), "--json"))
    said = len(ANSWER.replace("[pause 2.5] ", "").split()) * reps
    s = out["speech"]
    assert out["duration_s"] >= 600
    assert 0.85 * said <= s["words"] <= 1.1 * said, (s["words"], said)
    assert 100 < s["words_per_minute"] < 220
    answer = ANSWER.replace("[pause 2.5] ", "")
    assert word_error_rate(" ".join([answer] * reps), out["transcript"]) < 0.3  # every answer
