"""A synthesized two-channel interview with known moments, for the coaching tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from agent.audio import write_wav
from agent.tts_piper import load_voice
from recruiter_rehearsal.candidates import CandidateVoice

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


def two_channel_interview(installed_models: Path, folder: Path) -> dict[str, object]:
    """``SCRIPT`` written to ``folder`` as a two-channel file (``stereo``) and its mono mix
    (``mono``), with when each line starts and ends (``times``: speaker, seconds, seconds)."""
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
    folder.mkdir(parents=True, exist_ok=True)
    write_wav(folder / "interview.wav", stereo, RATE)
    write_wav(folder / "mono.wav", stereo.mean(axis=1), RATE)
    return {"stereo": folder / "interview.wav", "mono": folder / "mono.wav", "times": times}
