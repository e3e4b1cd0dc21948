"""The faster-whisper plugin transcribes synthesized speech of known text (WER <= 10%), and long
recordings whole."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from livekit import rtc
from livekit.agents.stt import STTError

from agent.audio import to_int16
from agent.phone_desk import DIGITS_PROMPT
from agent.skipped_speech import MIN_START_S, PAD_S, WORD_SPEECH_S
from agent.stt_stream import Transcript
from agent.stt_whisper import (
    MAX_WINDOW_S,
    SAMPLE_RATE,
    TranscriptionLostError,
    WhisperOptions,
    WhisperSTT,
    speech_windows,
)
from agent.tts_piper import load_voice
from recruiter_phone.codes import read_out, said_code_part
from recruiter_rehearsal.candidates import MIC_RATE, CandidateVoice
from tests.conftest import run
from tests.integration.speech import word_error_rate
from tests.telephone import over_the_phone

SENTENCES = [
    "I have worked for three years on the help desk of an online bookshop.",
    "Last spring a customer wrote in because his order had been lost twice.",
    "I would first check which problem blocks the customer the most.",
    "Then I would tell the other customer when I expect to get back to them.",
]

pytestmark = pytest.mark.models


@pytest.fixture(scope="module")
def stt(installed_models: Path) -> WhisperSTT:
    return WhisperSTT(WhisperOptions(model_dir=installed_models / "whisper-tiny.en"))


@pytest.fixture(scope="module")
def voice(installed_models: Path) -> CandidateVoice:
    return CandidateVoice(load_voice(installed_models / "piper-joe/en_US-joe-medium.onnx"))


def _frame(samples: np.ndarray) -> rtc.AudioFrame:
    pcm = to_int16(samples)
    return rtc.AudioFrame(pcm.tobytes(), MIC_RATE, 1, pcm.size)


def test_transcribes_known_sentences_through_the_livekit_interface(
    stt: WhisperSTT, voice: CandidateVoice
) -> None:
    async def transcribe_all() -> list[str]:
        texts = []
        for sentence in SENTENCES:
            event = await stt.recognize(buffer=_frame(voice.render(sentence).samples))
            texts.append(event.alternatives[0].text)
        return texts

    heard = run(transcribe_all())
    errors = [word_error_rate(t, h) for t, h in zip(SENTENCES, heard, strict=True)]
    total = word_error_rate(" ".join(SENTENCES), " ".join(heard))
    assert total <= 0.10, f"WER {total:.2%}: {list(zip(heard, errors, strict=True))}"


def test_word_timestamps_are_ordered_and_inside_the_audio(
    stt: WhisperSTT, voice: CandidateVoice
) -> None:
    answer = voice.render("Let me think. [pause 2.0] I called him the same day.")
    result = stt.transcribe(answer.samples)
    assert len(result.words) >= 7
    starts = [w.start_s for w in result.words]
    assert starts == sorted(starts)
    assert all(0 <= w.start_s <= w.end_s <= result.duration_s + 0.1 for w in result.words)
    # Words after the two-second pause are timed after it (Whisper stretches the word before a
    # pause, so the gap itself is not measured here).
    # ("I called him the same day.": its last five words, however they are heard.)
    assert all(w.start_s >= 2.4 for w in result.words[-5:]), result.words


def test_silence_gives_no_words(stt: WhisperSTT) -> None:
    async def recognise() -> str:
        event = await stt.recognize(buffer=_frame(np.zeros(MIC_RATE * 2, dtype=np.float32)))
        return event.alternatives[0].text

    assert len(run(recognise()).split()) <= 1


# Short answers after which Whisper used to write a "Thank you." nobody said (persona runs).
SHORT = ["Sure.", "So.", "Let me think.", "Probably the payment one.", "I froze a bit there."]


def test_short_answers_get_no_words_that_were_not_said(
    stt: WhisperSTT, voice: CandidateVoice
) -> None:
    heard = [stt.transcribe(voice.render(s).samples).text.lower() for s in SHORT * 2]
    assert not [h for h in heard if "thank" in h or "next time" in h], heard


def test_a_thank_you_the_candidate_says_is_kept(stt: WhisperSTT, voice: CandidateVoice) -> None:
    result = stt.transcribe(voice.render("That is all from me. Thank you.").samples)
    assert result.text.lower().rstrip(".!").endswith("thank you"), result.text
    assert [w.word.lower().strip(".") for w in result.words][-2:] == ["thank", "you"]


def test_speech_a_decode_skipped_is_decoded_again(
    stt: WhisperSTT, voice: CandidateVoice, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What Whisper did after another language's nonsense (agent.skipped_speech): here its first
    # decode is the real one with the first sentence's last word drawn over the second
    # sentence, whose words are missing; the decode that follows is Whisper's own.
    first, second = (voice.render(s).samples for s in SENTENCES[:2])
    gap = np.zeros(MIC_RATE // 2, dtype=np.float32)
    audio = np.concatenate([first, gap, second])
    assert audio.size <= MAX_WINDOW_S * SAMPLE_RATE  # one window: the fake's times are its own
    real = stt.transcribe(audio)
    last = max(i for i, w in enumerate(real.words) if w.start_s < first.size / SAMPLE_RATE)
    drawn = replace(real.words[last], end_s=real.duration_s - 0.2)
    decode, calls = stt._decode, []

    def first_skips(window: np.ndarray, *, temperature: float | tuple[float, ...]) -> Transcript:
        calls.append(window.size)
        if len(calls) > 1:
            return decode(window, temperature=temperature)
        return Transcript("", (*real.words[:last], drawn), window.size / SAMPLE_RATE)

    monkeypatch.setattr(stt, "_decode", first_skips)
    result = stt.transcribe(audio)
    # The rest only, from that word, after the silence that keeps its first word (twice where
    # the first decode was a loop).
    again = calls[0] - round(drawn.start_s * SAMPLE_RATE) + round(PAD_S * SAMPLE_RATE)
    assert len(calls) in (2, 3) and set(calls[1:]) == {again}
    assert result.words[:last] == real.words[:last]  # the words before the drawn one, as decoded
    # The rest is Whisper's again: the second sentence is back. (Tiny.en's words at the cut vary
    # with piper's render: "bookshop.", "In bulk shop.", "Workshop." and "Well, that's a good
    # job." were all heard, so the second sentence is checked alone, as the rest's last words.)
    rest = [w.word for w in result.words[last:]]
    second = " ".join(rest[-len(SENTENCES[1].split()) :])
    assert word_error_rate(SENTENCES[1], second) < 0.3, " ".join(rest)
    starts = [w.start_s for w in result.words]
    assert starts == sorted(starts) and result.words[-1].end_s <= result.duration_s + 0.1


def test_a_word_drawn_over_a_pause_is_not_decoded_again(
    stt: WhisperSTT, voice: CandidateVoice, monkeypatch: pytest.MonkeyPatch
) -> None:
    audio = voice.render(f"{SENTENCES[2]} [pause 3.0]").samples
    words = stt.transcribe(audio).words
    drawn = replace(words[-1], end_s=audio.size / SAMPLE_RATE)  # over the pause: Whisper does
    assert drawn.end_s - drawn.start_s > WORD_SPEECH_S and drawn.start_s >= MIN_START_S
    calls: list[int] = []

    def drawing(window: np.ndarray, *, temperature: float | tuple[float, ...]) -> Transcript:
        calls.append(window.size)
        return Transcript("", (*words[:-1], drawn), window.size / SAMPLE_RATE)

    monkeypatch.setattr(stt, "_decode", drawing)
    assert stt.transcribe(audio).words[-1] == drawn
    assert len(calls) == 1  # decoded once: a long word over silence skipped nothing


# A two-person conversation of our own: the interviewer in piper's plain joe voice, the
# candidate shifted up and slower, 0.3-1.5 s between turns, faint noise under both.
CONVERSATION = [
    ("interviewer", "So, tell me how the move to the new warehouse went."),
    ("candidate", "Um, it went better than I feared. We had two weekends, and the scanners arrived "
     "late, so we labelled the shelves by hand on the Saturday."),
    ("interviewer", "By hand? How many shelves was that?"),
    ("candidate", "About four hundred. Uh, my sister came in to help, and we finished around "
     "midnight."),
    ("interviewer", "Right. And on Monday?"),
    ("candidate", "Monday was rough, honestly. Two pickers could not find the cold room, so I "
     "drew a map on the whiteboard and taped copies to every cart."),
    ("interviewer", "Did the map stay?"),
    ("candidate", "It did. It is still there, with coffee stains on it."),
]  # fmt: skip


@pytest.fixture(scope="module")
def conversation(installed_models: Path) -> np.ndarray:
    joe = load_voice(installed_models / "piper-joe/en_US-joe-medium.onnx")
    voices = {
        "interviewer": CandidateVoice(joe, shift=1.0, pace=1.1),
        "candidate": CandidateVoice(joe, shift=1.3, pace=1.0),
    }
    gaps = [0.3, 1.5, 0.5, 1.0]
    pieces: list[np.ndarray] = []
    for i, (who, text) in enumerate(CONVERSATION):
        pieces.append(voices[who].render(text).samples)
        pieces.append(np.zeros(int(gaps[i % len(gaps)] * SAMPLE_RATE), dtype=np.float32))
    audio = np.concatenate(pieces)
    noise = np.random.default_rng(14).standard_normal(audio.size).astype(np.float32)
    return audio + 0.005 * noise  # about -46 dBFS under speech near -20 dBFS


def test_long_audio_is_cut_at_pauses_into_short_windows(conversation: np.ndarray) -> None:
    windows = speech_windows(conversation)
    assert conversation.size / SAMPLE_RATE > 30
    assert len(windows) >= 3
    # At most 12 s of speech with at most 1 s of silence on either side.
    assert all(0 < end - start <= (MAX_WINDOW_S + 2.0) * SAMPLE_RATE for start, end in windows)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(windows))
    # Each cut between two windows falls in a pause, not inside a word: 20 ms either side of it
    # is quiet. (The first window's start is not a cut: this recording opens with speech, so
    # it sits a few ms before the first word.)
    cuts = itertools.pairwise(windows)
    edges = [e for (_, a_end), (b_start, _) in cuts for e in (a_end, b_start)]
    level = [float(np.sqrt(np.mean(conversation[e - 320 : e + 320] ** 2))) for e in edges]
    assert all(v < 0.01 for v in level), level


def test_silence_around_speech_is_not_decoded(conversation: np.ndarray) -> None:
    """20 s of silence before and after: the windows hold the speech, not the silence."""
    quiet = np.zeros(20 * SAMPLE_RATE, dtype=np.float32)
    padded = np.concatenate([quiet, conversation, quiet])
    windows = speech_windows(padded)
    assert windows[0][0] >= 19 * SAMPLE_RATE and windows[-1][1] <= padded.size - 19 * SAMPLE_RATE
    assert all(end - start <= (MAX_WINDOW_S + 2.0) * SAMPLE_RATE for start, end in windows)


def test_no_speech_of_a_long_conversation_is_dropped(
    stt: WhisperSTT, conversation: np.ndarray, installed_models: Path
) -> None:
    """The verbatim prompt on one 30 s piece made Whisper skip most of a real conversation
    (issue 14); cut into windows, the prompted pass hears as many words per second of speech as
    a pass without the prompt."""
    unprompted = WhisperSTT(
        WhisperOptions(model_dir=installed_models / "whisper-tiny.en", verbatim=False)
    )
    # Seconds of audio decoded: the speech windows, pauses inside them included.
    speech_s = sum(end - start for start, end in speech_windows(conversation)) / SAMPLE_RATE
    heard = stt.transcribe(conversation)
    plain = unprompted.transcribe(conversation)
    rate, plain_rate = len(heard.words) / speech_s, len(plain.words) / speech_s
    assert rate >= 0.9 * plain_rate, (rate, plain_rate, heard.text)
    truth = " ".join(text for _, text in CONVERSATION)
    assert word_error_rate(truth, heard.text) <= 0.2, heard.text
    # Word times are on the recording's clock, in order, across the windows.
    starts = [w.start_s for w in heard.words]
    assert starts == sorted(starts)
    assert heard.words[-1].end_s > 28.0


def test_the_phone_desks_digit_prompt_reads_codes_said_over_the_line(
    stt: WhisperSTT, voice: CandidateVoice
) -> None:
    desk = stt.with_prompt(DIGITS_PROMPT)
    assert desk._model is stt._model  # the loaded model is shared, not loaded again
    # Codes the verbatim prompt misread over G.711 ("3024. 66633.", "164-A 0 8 9 4", ...).
    for code in ("30246633", "62992312", "81924865", "16480894"):
        audio = over_the_phone(voice.render(f"{read_out(code)}.").samples, MIC_RATE)
        assert said_code_part(desk.transcribe(audio).text) == code


def test_a_runtime_fault_is_transcribed_again_and_a_lasting_one_keeps_listening(
    stt: WhisperSTT, voice: CandidateVoice, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A transient fault costs one more attempt; a lasting one gives an empty transcript and a
    recoverable error event (recognition goes on for the next answer) instead of ending
    livekit-agents' listening."""
    sentence = SENTENCES[0]
    frame = _frame(voice.render(sentence).samples)
    real, calls = stt.transcribe, []

    def failing_first(audio: np.ndarray):  # type: ignore[no-untyped-def]
        calls.append(audio.size)
        if len(calls) == 1:
            raise RuntimeError("CUDA failed with error out of memory")  # what CTranslate2 raises
        return real(audio)

    monkeypatch.setattr(stt, "transcribe", failing_first)
    event = run(stt.recognize(buffer=frame))
    assert len(calls) == 2
    assert word_error_rate(sentence, event.alternatives[0].text) <= 0.1

    def always_failing(audio: np.ndarray):  # type: ignore[no-untyped-def]
        calls.append(audio.size)
        raise RuntimeError("model runtime gone")

    monkeypatch.setattr(stt, "transcribe", always_failing)
    calls.clear()
    errors: list[STTError] = []
    stt.on("error", errors.append)
    event = run(stt.recognize(buffer=frame))
    stt.off("error", errors.append)
    assert len(calls) == 3  # every attempt was made
    assert event.alternatives[0].text == ""
    # The loss is reported (agent.not_heard asks the candidate again), as recoverable.
    assert [(type(e.error), e.recoverable) for e in errors] == [(TranscriptionLostError, True)]
    monkeypatch.setattr(stt, "transcribe", real)
    event = run(stt.recognize(buffer=frame))
    assert word_error_rate(sentence, event.alternatives[0].text) <= 0.1
