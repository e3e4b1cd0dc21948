"""``recruiter coach-interview``: a synthesized two-channel interview with known moments."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from agent.audio import write_wav
from agent.tts_piper import load_voice
from recruiter_rehearsal.candidates import CandidateVoice

pytestmark = pytest.mark.models

RATE = 16000
# (speaker, start in seconds, words): the interviewer on the left channel in the plain voice,
# the candidate on the right in the shifted one. The last question cuts into the answer before.
SCRIPT = [
    ("interviewer", 0.5, "Tell me about a time you helped a frustrated customer."),
    (
        "candidate",
        4.5,
        "A customer was upset about a late parcel. We talked to the courier, and "
        "they sorted it out in the end.",
    ),
    ("interviewer", None, "You stayed calm the whole time, right?"),
    ("candidate", None, "Yes, I think so."),
    ("interviewer", None, "Are you planning to have children soon?"),
    ("candidate", None, "I would rather not say, if that is all right."),
    ("interviewer", None, "Which would you handle first, a failed payment or an invoice question?"),
    (
        "candidate",
        None,
        "The failed payment first, because it stops the customer from buying, and "
        "the invoice can wait an hour. I would tell that customer when I will reply.",
    ),
    ("interviewer", -2.5, "And why is that?"),
]


@pytest.fixture(scope="module")
def interview(
    installed_models: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, object]:
    """The two-channel file, the mono mix, and when each line starts and ends (seconds)."""
    model = load_voice(installed_models / "piper-joe/en_US-joe-medium.onnx")
    voices = {"interviewer": CandidateVoice(model, shift=1.0, pace=1.0),
              "candidate": CandidateVoice(model)}  # fmt: skip
    tracks = {"interviewer": np.zeros(0, np.float32), "candidate": np.zeros(0, np.float32)}
    times: list[tuple[str, float, float]] = []
    end = 0.0
    for speaker, start, text in SCRIPT:
        answer = voices[speaker].render(text)
        voiced = np.flatnonzero(np.abs(answer.samples) > 0.01)
        begin = start if start is not None and start >= 0 else end + (start or 1.2)
        at = int(begin * RATE) - int(voiced[0])  # the first voiced sample lands at ``begin``
        track = tracks[speaker]
        need = at + answer.samples.size
        if track.size < need:
            track = np.concatenate([track, np.zeros(need - track.size, np.float32)])
        track[at:need] += answer.samples
        tracks[speaker] = track
        end = (at + int(voiced[-1])) / RATE
        times.append((speaker, begin, end))
    length = max(t.size for t in tracks.values()) + RATE
    stereo = np.zeros((length, 2), np.float32)
    stereo[: tracks["interviewer"].size, 0] = tracks["interviewer"]
    stereo[: tracks["candidate"].size, 1] = tracks["candidate"]
    folder = tmp_path_factory.mktemp("coach")
    write_wav(folder / "interview.wav", stereo, RATE)
    write_wav(folder / "mono.wav", stereo.mean(axis=1), RATE)
    return {"stereo": folder / "interview.wav", "mono": folder / "mono.wav", "times": times}


def _coach(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "recruiter_cli.main", "coach-interview", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "RECRUITER_HOME": str(home)},
    )


def test_the_report_finds_each_moment_at_its_time(
    home: Path, tmp_path: Path, interview: dict[str, object]
) -> None:
    times = interview["times"]
    assert isinstance(times, list)
    out = tmp_path / "coaching"
    proc = _coach(home, str(interview["stereo"]), "--role", "demo", "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-3000:]
    (folder,) = out.iterdir()
    report = json.loads((folder / "report.json").read_text())
    starts = [begin for speaker, begin, _ in times if speaker == "interviewer"]
    asked = [q["at_s"] for q in report["questions"]]
    assert asked == pytest.approx(starts, abs=0.6)
    assert [m["at_s"] for m in report["leading"]] == pytest.approx([starts[1]], abs=0.6)
    assert [m["at_s"] for m in report["protected"]] == pytest.approx([starts[2]], abs=0.6)
    assert "children" in report["protected"][0]["quote"]
    assert [m["at_s"] for m in report["interruptions"]] == pytest.approx([starts[4]], abs=0.6)
    assert report["uncovered"] == ["Motivation for support work"]
    said = {s: sum(e - b for sp, b, e in times if sp == s) for s in ("interviewer", "candidate")}
    truth = said["interviewer"] / (said["interviewer"] + said["candidate"])
    assert report["talk_share"] == pytest.approx(truth, abs=0.08)
    assert report["things_to_change"][0].startswith("Never ask about protected topics")
    text = (folder / "report.md").read_text()
    assert "## Summary (90 seconds)" in text and "children soon" in text
    assert "Three things to do differently" in proc.stdout


def test_a_mono_recording_says_how_to_export_two_channels(
    home: Path, tmp_path: Path, interview: dict[str, object]
) -> None:
    out = tmp_path / "coaching"
    proc = _coach(home, str(interview["mono"]), "--out", str(out))
    assert proc.returncode == 2
    assert "one speaker per channel" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()
