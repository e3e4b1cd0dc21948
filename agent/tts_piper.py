"""livekit-agents TTS plugin over piper (onnxruntime), offline.

Text is first put in its spoken form (``dialogue.spoken_form``: "$80k" is read "eighty thousand
dollars"), then synthesized sentence by sentence in a worker thread. Sentences are cached: what
the recruiter is likely to say (acknowledgements, the next questions) is synthesized ahead with
``prepare`` while the candidate speaks, so a reply that starts with a prepared sentence has its
first audio at once. ``speak`` yields frames per sentence for the interviewer's ``tts_node``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Never

import numpy as np
from livekit import rtc
from livekit.agents import APIConnectionError, APIConnectOptions, tts
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS
from livekit.agents.utils import shortuuid
from piper import PiperVoice, SynthesisConfig

from dialogue import spoken_form

__all__ = [
    "PiperOptions",
    "PiperTTS",
    "load_voice",
    "speak_pieces",
    "split_sentences",
    "synthesize_pcm",
    "trim_lead",
]

logger = logging.getLogger("recruiter.tts")
# A runtime fault in synthesis (onnxruntime raises RuntimeError) is tried again this many times
# in all before the sentence is given up (bench.faults: a fault on the first attempt of every
# sentence, and every reply still within 2 s).
_ATTEMPTS = 3


@dataclass(frozen=True)
class PiperOptions:
    """Which voice files to load and how to speak."""

    model_path: Path
    length_scale: float = 1.0
    noise_scale: float | None = None
    noise_w_scale: float | None = None
    # Extra pronunciations (company names, acronyms): written form -> how it is said.
    lexicon: Mapping[str, str] = field(default_factory=dict)
    region: str = "US"  # ISO 3166 code: phone numbers and date order (``spoken_form``)
    cache_sentences: int = 256  # synthesized sentences kept (about 130 kB per second of audio)


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
_FRAME_S = 0.05


def split_sentences(text: str) -> list[str]:
    """``text`` cut after each ".", "!" or "?" followed by a space and a capital letter or a
    quote (known abbreviations are already words in the spoken form; "U.S. market" stays
    whole)."""
    return [p.strip() for p in _SENTENCE.split(text) if p.strip()]


def load_voice(model_path: Path) -> PiperVoice:
    """Load a piper voice from its ``.onnx`` file (the ``.onnx.json`` config sits beside it)."""
    config = model_path.with_name(model_path.name + ".json")
    if not model_path.is_file() or not config.is_file():
        raise FileNotFoundError(f"no piper voice at {model_path} (with {config.name})")
    return PiperVoice.load(model_path, config_path=config)


def synthesize_pcm(voice: PiperVoice, text: str, config: SynthesisConfig) -> Iterator[bytes]:
    """Yield int16 PCM bytes, one chunk per sentence piper finds in ``text`` (blocking)."""
    for chunk in voice.synthesize(text, syn_config=config):
        yield chunk.audio_int16_bytes


class PiperTTS(tts.TTS[Never]):  # Never: no events beyond the base class's
    """The recruiter's voice."""

    def __init__(self, opts: PiperOptions, *, voice: PiperVoice | None = None) -> None:
        self._voice = voice or load_voice(opts.model_path)
        super().__init__(
            capabilities=tts.TTSCapabilities(streaming=False),
            sample_rate=self._voice.config.sample_rate,
            num_channels=1,
        )
        self._opts = opts
        self._config = SynthesisConfig(
            length_scale=opts.length_scale,
            noise_scale=opts.noise_scale,
            noise_w_scale=opts.noise_w_scale,
        )
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._preparing: asyncio.Task[None] | None = None
        self.cache_hits = 0
        self.cache_misses = 0

    @property
    def voice(self) -> PiperVoice:
        """The loaded piper voice (shared with the simulated candidate's voice)."""
        return self._voice

    @property
    def model(self) -> str:
        """The voice file's name."""
        return self._opts.model_path.stem

    @property
    def provider(self) -> str:
        """Local piper."""
        return "piper"

    def spoken(self, text: str) -> list[str]:
        """The sentences of ``text`` in their spoken form, as they are synthesized and cached."""
        return split_sentences(spoken_form(text, self._opts.lexicon, region=self._opts.region))

    def _cached(self, sentence: str) -> bytes | None:
        with self._cache_lock:
            pcm = self._cache.get(sentence)
            if pcm is not None:
                self._cache.move_to_end(sentence)
            return pcm

    def clear_cache(self) -> None:
        """Forget every synthesized sentence (the next use of each synthesizes it again)."""
        with self._cache_lock:
            self._cache.clear()

    def _synthesize_sentence(self, sentence: str) -> bytes:
        """int16 PCM of one spoken-form sentence, from the cache or synthesized (blocking)."""
        pcm = self._cached(sentence)  # speech and preparation use the cache from two threads
        if pcm is not None:
            return pcm
        pcm = b"".join(synthesize_pcm(self._voice, sentence, self._config))
        with self._cache_lock:
            self._cache[sentence] = pcm
            while len(self._cache) > self._opts.cache_sentences:
                self._cache.popitem(last=False)
        return pcm

    def _synthesize_retrying(self, sentence: str) -> bytes:
        """``_synthesize_sentence``, tried again at once on a runtime fault (blocking).

        Raises:
            RuntimeError, ValueError: every one of ``_ATTEMPTS`` attempts failed.
        """
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                return self._synthesize_sentence(sentence)
            except (RuntimeError, ValueError) as e:
                if attempt == _ATTEMPTS:
                    raise
                logger.warning("synthesis attempt %d failed (%s); trying again",
                               attempt, type(e).__name__)  # fmt: skip
        raise AssertionError("unreachable")

    def prepare(self, texts: Iterable[str]) -> None:
        """Synthesize the first sentence of each text ahead, then the rest, in the background.

        Replaces a preparation still running. Failures only mean a later cache miss.
        """
        sentences = [self.spoken(t) for t in texts]
        order = [s[0] for s in sentences if s] + [x for s in sentences for x in s[1:]]
        if self._preparing is not None:
            self._preparing.cancel()

        async def run() -> None:
            for sentence in dict.fromkeys(order):
                if self._cached(sentence) is not None:
                    continue
                try:
                    await asyncio.to_thread(self._synthesize_retrying, sentence)
                except (RuntimeError, ValueError):
                    logger.warning("could not prepare a sentence")

        self._preparing = asyncio.get_running_loop().create_task(run(), name="tts-prepare")

    async def speak(
        self, text: str, *, on_lost: Callable[[str], None] | None = None
    ) -> AsyncIterator[rtc.AudioFrame]:
        """Frames of ``text`` in 50 ms pieces, sentence by sentence: cached ones at once,
        the first with its leading silence cut to 20 ms (``trim_lead``).

        ``on_lost``: told of each sentence no attempt could synthesize, which is then left
        out; without it such a sentence raises.

        Raises:
            APIConnectionError: piper failed to synthesize (and no ``on_lost`` was given).
        """
        samples_per_frame = int(self.sample_rate * _FRAME_S)
        first = True
        for sentence in self.spoken(text):
            pcm = self._cached(sentence)
            if pcm is not None:
                self.cache_hits += 1
            else:
                self.cache_misses += 1
                try:
                    pcm = await asyncio.to_thread(self._synthesize_retrying, sentence)
                except (RuntimeError, ValueError) as e:
                    if on_lost is None:
                        raise APIConnectionError("piper failed to synthesize",
                                                 retryable=False) from e  # fmt: skip
                    logger.warning("a sentence could not be synthesized; left out")
                    on_lost(sentence)
                    continue
            if first:  # heard as soon as it plays; later sentences keep their pause before
                pcm, first = trim_lead(pcm, self.sample_rate), False
            audio = np.frombuffer(pcm, dtype=np.int16)
            for start in range(0, audio.size, samples_per_frame):
                chunk = audio[start : start + samples_per_frame]
                yield rtc.AudioFrame(
                    data=chunk.tobytes(),
                    sample_rate=self.sample_rate,
                    num_channels=1,
                    samples_per_channel=chunk.size,
                )

    async def aclose(self) -> None:
        """Stop preparing sentences."""
        if self._preparing is not None:
            self._preparing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._preparing
            self._preparing = None
        await super().aclose()

    def synthesize(
        self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> PiperChunkedStream:
        """Synthesize ``text``; the stream yields audio as each sentence is ready."""
        return PiperChunkedStream(tts=self, input_text=text, conn_options=conn_options)


async def speak_pieces(
    voice: PiperTTS, text: AsyncIterable[str], on_lost: Callable[[str], None]
) -> AsyncIterator[rtc.AudioFrame]:
    """Speak text as it comes, each sentence once it is whole (prepared ones play at once).

    A sentence no attempt could synthesize is left out and ``on_lost`` is told (the reply loses
    that sentence, not everything after it); when nothing at all could be spoken, the error is
    raised, as a silent reply would leave the candidate waiting.

    Raises:
        APIConnectionError: no sentence of the text could be synthesized.
    """
    spoke = lost = False

    def left_out(sentence: str) -> None:
        nonlocal lost
        lost = True
        on_lost(sentence)

    pending = ""
    async for piece in text:
        # The flow's pieces are whole sentences; anything else waits for its sentence end.
        pending += piece
        if not pending.rstrip().endswith((".", "!", "?")):
            continue
        async for frame in voice.speak(pending, on_lost=left_out):
            spoke = True
            yield frame
        pending = ""
    if pending.strip():
        async for frame in voice.speak(pending, on_lost=left_out):
            spoke = True
            yield frame
    if lost and not spoke:
        raise APIConnectionError("piper failed to synthesize the reply", retryable=False)


class PiperChunkedStream(tts.ChunkedStream):
    """One synthesis request."""

    def __init__(self, *, tts: PiperTTS, input_text: str, conn_options: APIConnectOptions) -> None:
        super().__init__(tts=tts, input_text=input_text, conn_options=conn_options)
        self._piper = tts

    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        output_emitter.initialize(
            request_id=shortuuid("piper_"),
            sample_rate=self._piper.sample_rate,
            num_channels=1,
            mime_type="audio/pcm",
        )
        try:
            for sentence in self._piper.spoken(self.input_text):
                output_emitter.push(
                    await asyncio.to_thread(self._piper._synthesize_retrying, sentence)
                )
        except (RuntimeError, ValueError) as e:
            raise APIConnectionError("piper failed to synthesize", retryable=False) from e
        output_emitter.flush()


# Piper starts a sentence with 25-130 ms of silence (measured on the recruiter's voice); all but
# this much of it is cut from a reply's first sentence, so that the reply is heard as soon as it
# plays (seconds).
_LEAD_S = 0.02
_AUDIBLE = 328  # -40 dBFS in int16 (32768 * 10 ** (-40 / 20))


def trim_lead(pcm: bytes, sample_rate: int) -> bytes:
    """``pcm`` (int16 mono) less its leading silence (below -40 dBFS), keeping 20 ms of it.

    Audio that never gets louder than that is returned as it is.
    """
    audio = np.frombuffer(pcm, dtype=np.int16)
    loud = np.flatnonzero(np.abs(audio.astype(np.int32)) > _AUDIBLE)
    if loud.size == 0:
        return pcm
    start = max(0, int(loud[0]) - int(_LEAD_S * sample_rate))
    return audio[start:].tobytes()


def pcm_to_float(pcm: bytes) -> np.ndarray:
    """int16 PCM bytes to float32 samples."""
    return np.frombuffer(pcm, dtype=np.int16).astype(np.float32) / 32768.0
