"""livekit-agents TTS plugin over piper (onnxruntime), offline.

The session wraps this non-streaming TTS in ``tts.StreamAdapter`` with a sentence tokenizer, so
each sentence is synthesized on its own and audio starts after the first sentence, not after
the whole reply. Synthesis runs in a worker thread; chunks are pushed as piper yields them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from livekit.agents import APIConnectionError, APIConnectOptions, tts
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS
from livekit.agents.utils import shortuuid
from piper import PiperVoice, SynthesisConfig

__all__ = ["PiperOptions", "PiperTTS", "load_voice", "synthesize_pcm"]

logger = logging.getLogger("recruiter.tts")


@dataclass(frozen=True)
class PiperOptions:
    """Which voice files to load and how to speak."""

    model_path: Path
    length_scale: float = 1.0
    noise_scale: float | None = None
    noise_w_scale: float | None = None


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


class PiperTTS(tts.TTS):
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

    def synthesize(
        self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> PiperChunkedStream:
        """Synthesize ``text``; the stream yields audio as each sentence is ready."""
        return PiperChunkedStream(tts=self, input_text=text, conn_options=conn_options)


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
        pieces = synthesize_pcm(self._piper.voice, self.input_text, self._piper._config)
        done = object()
        try:
            while True:
                pcm = await asyncio.to_thread(next, pieces, done)
                if pcm is done:
                    break
                assert isinstance(pcm, bytes)
                output_emitter.push(pcm)
        except (RuntimeError, ValueError) as e:
            raise APIConnectionError("piper failed to synthesize", retryable=False) from e
        output_emitter.flush()


def pcm_to_float(pcm: bytes) -> np.ndarray:
    """int16 PCM bytes to float32 samples."""
    return np.frombuffer(pcm, dtype=np.int16).astype(np.float32) / 32768.0
