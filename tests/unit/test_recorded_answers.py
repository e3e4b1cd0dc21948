"""Recorded answers (``rehearse --answers``): one file per question, in the order asked."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from agent.audio import write_wav
from perception.audio_file import read_recording
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


def _encoded(path: Path, codec: str, rate: int, layout: str, seconds: float) -> None:
    """A 440 Hz tone at 0.5 written with PyAV's ``codec`` (what recorders export)."""
    channels = 2 if layout == "stereo" else 1
    t = np.arange(int(seconds * rate)) / rate
    tone = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=rate, layout=layout)
        frame = av.AudioFrame.from_ndarray(np.tile(tone, (channels, 1)), format="fltp",
                                           layout=layout)  # fmt: skip
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


@pytest.mark.parametrize(
    ("name", "codec", "rate", "layout"),
    [
        ("01.wav", "pcm_s24le", 48000, "stereo"),
        ("02.wav", "pcm_f32le", 48000, "mono"),
        ("03.wav", "pcm_s16le", 44100, "stereo"),
        ("04.flac", "flac", 48000, "mono"),
        ("05.wav", "pcm_mulaw", 8000, "mono"),
    ],
)
def test_recorders_formats_are_read_by_one_reader(
    tmp_path: Path, name: str, codec: str, rate: int, layout: str
) -> None:
    """Issue 17: a 24-bit WAV stopped `rehearse --answers` with a traceback that `analyze
    audio` did not; both now read through PyAV, at the microphone's 16 kHz, mono."""
    _encoded(tmp_path / name, codec, rate, layout, seconds=1.5)
    answers = WavAnswers(tmp_path, None, ["a"])  # type: ignore[arg-type]
    (answer,) = answers.utterances("a", 1)
    assert answer is not None
    assert abs(answer.voiced_end / 16000 - 1.5) < 0.05
    # Mono as the mean of the channels: a stereo file keeps its level (ffmpeg's own downmix
    # made it 3 dB louder).
    assert abs(float(np.max(np.abs(answer.samples))) - 0.5) < 0.05


@pytest.mark.parametrize("content", [b"", b"RIFF\x24\x00\x00\x00WAVEfmt ", b"just some text\n"])
def test_empty_truncated_or_not_audio_files_are_refused_by_name(
    tmp_path: Path, content: bytes
) -> None:
    (tmp_path / "01.wav").write_bytes(content)
    with pytest.raises(CandidateError, match=r"01\.wav"):
        WavAnswers(tmp_path, None, ["a"])  # type: ignore[arg-type]


def _cut(path: Path, keep: float) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


def test_a_recording_cut_short_says_so_and_is_refused_as_an_answer(tmp_path: Path) -> None:
    write_wav(tmp_path / "whole.wav", 0.2 * np.ones(16000 * 10, dtype=np.float32), 16000)
    assert read_recording(tmp_path / "whole.wav").ends_early is None
    (tmp_path / "01.wav").write_bytes((tmp_path / "whole.wav").read_bytes())
    _cut(tmp_path / "01.wav", 0.5)  # a recorder stopped by a crash: the header says 10 s
    cut = read_recording(tmp_path / "01.wav")
    assert abs(cut.duration_s - 5.0) < 0.1
    assert cut.ends_early is not None and "declares 10.00 s" in cut.ends_early
    (tmp_path / "whole.wav").unlink()
    with pytest.raises(CandidateError, match=r"01\.wav: the file ends early"):
        WavAnswers(tmp_path, None, ["a"])  # type: ignore[arg-type]


def test_a_wav_whose_writer_left_the_length_unknown_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "streamed.wav"
    write_wav(path, 0.2 * np.ones(16000 * 2, dtype=np.float32), 16000)
    data = bytearray(path.read_bytes())
    at = data.index(b"data") + 4
    data[at : at + 4] = b"\xff\xff\xff\xff"  # as a writer that streams leaves it
    path.write_bytes(bytes(data))
    recording = read_recording(path)
    assert recording.ends_early is None and abs(recording.duration_s - 2.0) < 0.05


@pytest.mark.parametrize("placeholder", [0x7FFFFFFF, 0x7FFFF000])
def test_the_lengths_arecord_and_sox_leave_when_streaming_mean_unknown(
    tmp_path: Path, placeholder: int
) -> None:
    path = tmp_path / "piped.wav"
    write_wav(path, 0.2 * np.ones(16000, dtype=np.float32), 16000)
    data = bytearray(path.read_bytes())
    at = data.index(b"data") + 4
    data[at : at + 4] = placeholder.to_bytes(4, "little")
    path.write_bytes(bytes(data))
    assert read_recording(path).ends_early is None


def test_a_mu_law_wav_cut_short_is_caught_and_a_flac_that_breaks_off_is_named_so(
    tmp_path: Path,
) -> None:
    _encoded(tmp_path / "call.wav", "pcm_mulaw", 8000, "mono", seconds=6.0)
    _cut(tmp_path / "call.wav", 0.5)  # G.711, as phone recordings are: its byte rate is exact
    assert read_recording(tmp_path / "call.wav").ends_early is not None
    (tmp_path / "call.wav").unlink()
    _encoded(tmp_path / "01.flac", "flac", 48000, "mono", seconds=6.0)
    _cut(tmp_path / "01.flac", 0.4)
    with pytest.raises(CandidateError, match=r"01\.flac: the file is damaged or ends early"):
        WavAnswers(tmp_path, None, ["a"])  # type: ignore[arg-type]
