"""The piper plugin: real speech at 22050 Hz, and audio that starts before the reply is complete."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest
from livekit.agents import APIConnectionError, tokenize, tts
from piper import SynthesisConfig

from agent.tts_piper import PiperOptions, PiperTTS, speak_pieces, synthesize_pcm, trim_lead
from tests.conftest import run

pytestmark = pytest.mark.models


@pytest.fixture(scope="module")
def piper(installed_models: Path) -> PiperTTS:
    return PiperTTS(PiperOptions(model_path=installed_models / "piper-joe/en_US-joe-medium.onnx"))


def test_synthesizes_speech_of_plausible_length(piper: PiperTTS) -> None:
    text = "Tell me about a time you helped a frustrated customer."

    async def synth() -> float:
        seconds = 0.0
        async with piper.synthesize(text) as stream:
            async for audio in stream:
                assert audio.frame.sample_rate == 22050
                seconds += audio.frame.duration
        return seconds

    seconds = run(synth())
    words = len(text.split())
    assert 1.5 < words / seconds < 5.0  # 90-300 words per minute


def test_a_reply_is_audible_within_25_ms_of_its_first_frame_and_keeps_its_words(
    piper: PiperTTS,
) -> None:
    # Piper starts each sentence with 50-130 ms of silence; the recruiter's voice cuts it.
    text = "Tell me about a time you helped a frustrated customer. Why do you want this job?"

    async def frames() -> list[np.ndarray]:
        return [np.frombuffer(f.data, dtype=np.int16) async for f in piper.speak(text)]

    audio = np.concatenate(run(frames()))
    first = int(np.flatnonzero(np.abs(audio.astype(np.int32)) > 328)[0])  # -40 dBFS
    assert first / piper.sample_rate <= 0.025
    # Only silence is cut, 20 ms of it kept; audio that is all silence stays as it is.
    rate = piper.sample_rate
    tone = (8000 * np.sin(np.arange(rate // 10) * 0.3)).astype(np.int16)
    quiet = np.zeros(rate // 10, dtype=np.int16)
    trimmed = np.frombuffer(trim_lead(np.concatenate([quiet, tone]).tobytes(), rate), np.int16)
    lead = int(0.02 * rate) - 1  # the tone's first sample is silent too (sin 0)
    assert np.array_equal(trimmed[lead + 1 :], tone[1:]) and not trimmed[:lead].any()
    assert trim_lead(quiet.tobytes(), rate) == quiet.tobytes()


def test_piper_yields_one_chunk_per_sentence(piper: PiperTTS) -> None:
    chunks = list(
        synthesize_pcm(
            piper.voice, "Thank you. That was my last question. Goodbye!", SynthesisConfig()
        )
    )
    assert len(chunks) == 3
    assert all(len(c) > 0 for c in chunks)


def test_first_audio_arrives_before_the_reply_is_complete(piper: PiperTTS) -> None:
    """As in the session: the sentence adapter speaks the first sentence while text still comes."""
    adapter = tts.StreamAdapter(
        tts=piper, sentence_tokenizer=tokenize.blingfire.SentenceTokenizer()
    )

    async def speak() -> int:
        async with adapter.stream() as stream:
            stream.push_text("Thanks for telling me about the lost parcel. ")
            stream.push_text("Now, imagine two urgent requests arrive at the same moment. ")
            stream.flush()
            # Only one sentence boundary is certain so far; audio must already flow.
            first = await asyncio.wait_for(stream.__anext__(), timeout=20)
            assert first.frame.samples_per_channel > 0
            stream.push_text("How would you decide which one to handle first?")
            stream.end_input()
            frames = 1
            async for _ in stream:
                frames += 1
            return frames

    assert run(speak()) > 10


def test_a_runtime_fault_in_synthesis_is_tried_again(
    piper: PiperTTS, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first attempt of each sentence fails (as onnxruntime raises): the reply is still
    spoken whole; a sentence that never synthesizes raises the plugin's connection error."""
    real, tried = piper._synthesize_sentence, []

    def failing_first(sentence: str) -> bytes:
        tried.append(sentence)
        if tried.count(sentence) == 1:
            raise RuntimeError("onnxruntime: failed to allocate")
        return real(sentence)

    monkeypatch.setattr(piper, "_synthesize_sentence", failing_first)
    text = "Thanks for waiting today. Tell me about a shift that went wrong."

    async def frames(text: str) -> int:
        return sum([f.samples_per_channel async for f in piper.speak(text)])

    samples = run(frames(text))
    assert len(tried) == 4  # two sentences, each tried twice
    assert samples / piper.sample_rate > 2.0

    def gone(sentence: str) -> bytes:
        raise RuntimeError("model gone")

    monkeypatch.setattr(piper, "_synthesize_sentence", gone)
    with pytest.raises(APIConnectionError):
        run(frames("A sentence never synthesized before."))


def test_a_sentence_that_never_synthesizes_is_left_out_and_the_rest_is_spoken(
    piper: PiperTTS, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = piper._synthesize_sentence

    def one_broken(sentence: str) -> bytes:
        if "broken" in sentence:
            raise RuntimeError("onnxruntime: failed to allocate")
        return real(sentence)

    monkeypatch.setattr(piper, "_synthesize_sentence", one_broken)

    async def pieces(*texts: str) -> AsyncIterator[str]:
        for t in texts:
            yield t

    async def spoken(*texts: str) -> tuple[float, list[str]]:
        lost: list[str] = []
        frames = [f async for f in speak_pieces(piper, pieces(*texts), lost.append)]
        return sum(f.samples_per_channel for f in frames) / piper.sample_rate, lost

    seconds, lost = run(spoken("Thanks for that. ", "This one is broken. ", "Next question."))
    assert lost == ["This one is broken."] and seconds > 1.0
    with pytest.raises(APIConnectionError):
        run(spoken("Only a broken sentence here."))
