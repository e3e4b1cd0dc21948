"""Recorded answers (``rehearse --answers``): one file per question, in the order asked."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from agent.audio import write_wav
from recruiter_rehearsal.candidates import CandidateError, WavAnswers


def _folder(tmp_path: Path, names_and_seconds: dict[str, float]) -> Path:
    for name, seconds in names_and_seconds.items():
        samples = 0.2 * np.ones(int(seconds * 16000), dtype=np.float32)
        write_wav(tmp_path / f"{name}.wav", samples, 16000)
    return tmp_path


def _seconds(answers: WavAnswers, question_id: str, ordinal: int) -> float:
    (answer,) = answers.utterances(question_id, ordinal)
    assert answer is not None
    return round(answer.voiced_end / 16000, 1)


def test_files_answer_questions_in_the_order_they_are_asked(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"01": 1.0, "02": 2.0, "payment": 3.0})
    answers = WavAnswers(folder, None, ["motivation", "payment", "frustrated"])  # type: ignore[arg-type]
    # An adaptive script asks "frustrated" second, though it is third in the script.
    assert _seconds(answers, "motivation", 1) == 1.0
    assert _seconds(answers, "frustrated", 3) == 2.0
    # A file named after a question answers that question, whenever it is asked.
    assert _seconds(answers, "payment", 2) == 3.0


def test_more_questions_than_files_get_silence(tmp_path: Path) -> None:
    answers = WavAnswers(_folder(tmp_path, {"01": 1.0}), None, ["a", "b"])  # type: ignore[arg-type]
    assert _seconds(answers, "a", 1) == 1.0
    assert answers.utterances("b", 2) == [None]


def test_an_unreadable_file_is_refused_before_the_interview(tmp_path: Path) -> None:
    (tmp_path / "01.wav").write_bytes(b"not a wav")
    with pytest.raises(CandidateError, match=r"01\.wav"):
        WavAnswers(tmp_path, None, ["a"])  # type: ignore[arg-type]
