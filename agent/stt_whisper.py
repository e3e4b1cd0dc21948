"""livekit-agents STT plugin over faster-whisper (CTranslate2), offline, with word timestamps."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
import weakref
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Never

import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.vad import VadOptions, get_speech_timestamps
from livekit import rtc
from livekit.agents import APIConnectionError, APIConnectOptions, stt, utils
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, NOT_GIVEN, NotGivenOr, TimedString
from livekit.agents.vad import VAD
from livekit.agents.voice.events import ErrorEvent

from agent.audio import frame_to_float
from agent.skipped_speech import decoded_again, skipped_from
from agent.stt_stream import Settled, SettlingStream, Transcript
from agent.unheard_words import without_invented_sentence, without_unheard_tail
from perception.words import TimedWord
from recruiter_config.assets import require_asset
from recruiter_config.settings import Settings

__all__ = [
    "MAX_WINDOW_S",
    "Transcript",
    "TranscriptionLostError",
    "WhisperOptions",
    "WhisperSTT",
    "speech_lost",
    "speech_windows",
    "whisper_options",
]

logger = logging.getLogger("recruiter.stt")
# A runtime fault in transcription (CTranslate2 raises RuntimeError) is tried again this many
# times in all, on the same audio, before the utterance is given up (bench.faults: a fault on
# the first attempt of every answer, and every reply still within 2 s).
_ATTEMPTS = 3

SAMPLE_RATE = 16000
_WINDOW_S = 30  # Whisper's input window, in seconds
# Whisper writes clean text by default and drops "um" and "uh". A prompt that itself contains
# disfluencies makes it write them out (bench/perception.py measures how many it then finds).
# Kept this short: a longer one (a sentence of fillers) found no more of them in the
# perception bench (16 of 24 either way) but made Whisper add words that were never said
# ("Thank you.") to short segments and fall back to slower decoding on them.
VERBATIM_PROMPT = "Um, uh, so, hmm."
# Whisper's own test for a repetition loop: text that zlib compresses more than 2.4 times.
_LOOP_RATIO = 2.4
# Longer audio is cut at pauses into windows of at most this many seconds, each decoded on its
# own. On one 30 s piece the verbatim prompt made Whisper skip most of a conversation (21 of 81
# words, WER 0.80); cut at pauses the same recording gave WER 0.19 (issue 14). Live segments
# up to 13 s decoded well in the persona runs, so 12 s keeps the usual answer in one piece.
MAX_WINDOW_S = 12.0
# Where to cut: between silero VAD's speech spans (the model ships inside faster-whisper), which
# end at a pause of 0.1 s or more; a phrase boundary in fast speech is about that long.
_MIN_PAUSE_MS = 100
# Silence kept on either side of a window's speech: with less after the last word, Whisper
# added words nobody said ("This is the first one.") in 1 of 3 runs of the pace test; a long
# silence is where it invents words too.
_WINDOW_PAD_S = 1.0
# A pause this long always ends a window: inside one, Whisper placed the words after a 2.5 s
# silence 3 s late (1 render in 17 of tests/integration/test_perception_audio.py), so the pause
# read 5.5 s. Perception counts pauses of 2 s and more, so they are kept out of windows.
_LONG_PAUSE_S = 1.5
# Silence kept before a window's first word: Whisper starts the first word where the window
# starts, so with 1 s there a 2.5 s pause read 1.9-2.0 s; invented words came only after.
_LEAD_PAD_S = 0.2
# How often ``heard_out`` looks whether the VAD's open segment has ended, s (a VAD window: 32 ms).
_POLL_S = 0.02
_CUT_AT = VadOptions(
    min_silence_duration_ms=_MIN_PAUSE_MS, speech_pad_ms=0, max_speech_duration_s=MAX_WINDOW_S
)


def _compression_ratio(text: str) -> float:
    """How much zlib compresses ``text`` (Whisper's repetition measure); 0 for no text."""
    raw = text.encode("utf-8")
    return len(raw) / len(zlib.compress(raw)) if raw else 0.0


class TranscriptionLostError(APIConnectionError):
    """Speech no attempt could transcribe (reported as a recoverable STT error event).

    ``seconds`` is the length of the speech lost.
    """

    def __init__(self, seconds: float) -> None:
        super().__init__(f"could not transcribe {seconds:.2f} s of speech", retryable=False)
        self.seconds = seconds


def speech_lost(event: ErrorEvent) -> TranscriptionLostError | None:
    """The speech a session's error event reports lost in transcription, if that is what it
    reports (``WhisperSTT`` emits it as a recoverable STT error and goes on listening)."""
    error = event.error
    if isinstance(error, stt.STTError) and isinstance(error.error, TranscriptionLostError):
        return error.error
    return None


@dataclass(frozen=True)
class WhisperOptions:
    """How to run the model. ``model_dir`` is a local CTranslate2 directory, never a hub name."""

    model_dir: Path
    compute_type: str = "int8"
    threads: int = 2
    language: str = "en"
    beam_size: int = 1
    verbatim: bool = True  # keep fillers ("um", "uh") in the transcript, for perception
    # Whisper's initial prompt in place of the verbatim one (e.g. digits, for a code read out).
    prompt: str | None = None


def whisper_options(settings: Settings) -> WhisperOptions:
    """The STT options ``settings`` ask for, with the model from the verified assets.

    Raises:
        AssetError: the Whisper model is not installed (``recruiter models install``).
    """
    return WhisperOptions(
        model_dir=require_asset(settings.models_dir, settings.stt.model),
        compute_type=settings.stt.compute_type,
        threads=settings.stt.threads,
        language=settings.stt.language,
        verbatim=settings.stt.verbatim,
    )


class WhisperSTT(stt.STT[Never]):  # Never: no events beyond the base class's
    """Whisper, segment by segment. With a ``vad`` it streams (``SettlingStream``: the VAD's
    segments, each one's settled part decoded while it is spoken); without, the session drives
    it with livekit-agents' ``StreamAdapter`` and ``recognize`` takes whole segments."""

    def __init__(
        self,
        opts: WhisperOptions,
        *,
        model: WhisperModel | None = None,
        thread: ThreadPoolExecutor | None = None,
        vad: VAD | None = None,
    ) -> None:
        super().__init__(
            capabilities=stt.STTCapabilities(streaming=vad is not None, interim_results=False)
        )
        self._vad = vad
        if not (opts.model_dir / "model.bin").is_file():
            raise FileNotFoundError(f"no Whisper model at {opts.model_dir}")
        self._opts = opts
        self._model = model or WhisperModel(
            str(opts.model_dir),
            device="cpu",
            compute_type=opts.compute_type,
            cpu_threads=opts.threads,
            local_files_only=True,
        )
        # One thread of its own (shared with ``with_prompt``'s copies, as the model is): decodes
        # never take a thread of the event loop's default pool, where silero VAD runs each
        # 32 ms window, so the VAD's windows never wait behind them (a precaution: the pool
        # has CPUs + 4 threads).
        self._thread = thread or ThreadPoolExecutor(max_workers=1, thread_name_prefix="whisper")
        self._lock = asyncio.Lock()
        self._in_flight = 0
        # Set while nothing is being transcribed; one per event loop (models outlive a loop:
        # an Event waited on in one loop raises in the next).
        self._idle: asyncio.Event | None = None
        self._idle_loop: asyncio.AbstractEventLoop | None = None
        self._streams: weakref.WeakSet[SettlingStream] = weakref.WeakSet()

    def with_prompt(self, prompt: str) -> WhisperSTT:
        """The same loaded model (shared, not loaded again) with ``prompt`` as Whisper's initial
        prompt instead of the verbatim one; for the phone desk, which hears codes read out."""
        opts = replace(self._opts, prompt=prompt)
        return WhisperSTT(opts, model=self._model, thread=self._thread, vad=self._vad)

    def stream(
        self,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
    ) -> stt.RecognizeStream:
        """The VAD's segments transcribed, one final transcript each (``SettlingStream``).

        Raises:
            NotImplementedError: built without a VAD (the session then adapts ``recognize``).
        """
        if self._vad is None:
            return super().stream(language=language, conn_options=conn_options)
        stream = SettlingStream(self, vad=self._vad, conn_options=conn_options)
        self._streams.add(stream)
        return stream

    async def caught_up(self, timeout_s: float) -> bool:
        """Wait until the VAD of each open stream in this event loop has judged the audio pushed
        before this call (``SettlingStream.caught_up``); False on ``timeout_s``. At once without
        a VAD. (One job runs per process: the streams are that session's.)"""
        deadline, loop = time.monotonic() + timeout_s, asyncio.get_running_loop()
        for stream in [s for s in self._streams if s.serves(loop)]:
            if not await stream.caught_up(max(0.0, deadline - time.monotonic())):
                return False
        return True

    async def heard_out(self, timeout_s: float) -> bool:
        """Wait until every word said before this call has its final transcript; False on
        ``timeout_s`` (seconds).

        The VAD first judges the audio pushed (``caught_up``: behind real time on a loaded
        machine), a segment it has begun then ends, and every segment is decoded
        (``wait_idle``). A turn ended by the session's own VAD before the STT's VAD ended the
        segment would otherwise be replied to without its last words, which then arrive as a
        turn of their own and cut the reply off once it has begun (seen on CI: two replies to
        one pause 0.3 s apart).
        """
        deadline, loop = time.monotonic() + timeout_s, asyncio.get_running_loop()
        if not await self.caught_up(timeout_s):
            return False
        while any(s.serves(loop) and s.in_segment for s in list(self._streams)):
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(_POLL_S)
        return await self.wait_idle(max(0.0, deadline - time.monotonic()))

    @property
    def model(self) -> str:
        """The model directory's name (e.g. ``whisper-tiny.en``)."""
        return self._opts.model_dir.name

    @property
    def provider(self) -> str:
        """Local faster-whisper."""
        return "faster-whisper"

    def _idle_event(self) -> asyncio.Event:
        loop = asyncio.get_running_loop()
        if self._idle is None or self._idle_loop is not loop:
            self._idle, self._idle_loop = asyncio.Event(), loop
            if self._in_flight == 0:
                self._idle.set()
        return self._idle

    async def wait_idle(self, timeout_s: float) -> bool:
        """Wait until every segment handed to the STT is transcribed; False on ``timeout_s``.

        The end of a turn can be decided while the last segment of the answer is still being
        transcribed; a reply that waits for it hears the whole answer.
        """
        try:
            async with asyncio.timeout(timeout_s):
                await self._idle_event().wait()
        except TimeoutError:
            return False
        return True

    def transcribe(self, audio: np.ndarray) -> Transcript:
        """Transcribe mono float32 16 kHz audio (blocking; call it off the event loop).

        Audio longer than ``MAX_WINDOW_S`` is cut at pauses (``speech_windows``) and each
        window decoded on its own; word times are on ``audio``'s own clock (seconds from its
        first sample). A silence phrase written at a window's end unheard ("Thank you.") is left
        out (``without_unheard_tail``); speech its words skip is decoded again (``skipped_from``).
        """
        # Whisper's features are float32; float64 input (as numpy resampling gives) made it add
        # low-probability words after the last one said ("This is the first time I've ever seen
        # it.", p 0.01-0.6) at the end of a window in the pace test.
        audio = np.asarray(audio, dtype=np.float32)
        texts: list[str] = []
        words: list[TimedWord] = []
        for start, end in speech_windows(audio):
            part = self._transcribe_window(audio[start:end])
            offset = start / SAMPLE_RATE
            texts.append(part.text)
            words.extend(
                TimedWord(w.word, w.start_s + offset, w.end_s + offset, w.probability)
                for w in part.words
            )
        return Transcript(" ".join(t for t in texts if t), tuple(words), audio.size / SAMPLE_RATE)

    def _transcribe_window(self, audio: np.ndarray, *, again: bool = True) -> Transcript:
        transcript = self._decode(audio, temperature=0.0)
        if _compression_ratio(transcript.text) > _LOOP_RATIO:
            # A repetition loop (greedy decoding, degraded audio): sampled, as Whisper's own is.
            transcript = self._decode(audio, temperature=(0.2, 0.4, 0.6, 0.8, 1.0))
        if not again or (skip := skipped_from(transcript.words, audio)) is None:  # once at most
            return transcript
        once = partial(self._transcribe_window, again=False)
        words = decoded_again(audio, transcript.words, skip.word, once, from_s=skip.from_s)
        return Transcript(" ".join(w.word for w in words), words, audio.size / SAMPLE_RATE)

    def _decode(self, audio: np.ndarray, *, temperature: float | tuple[float, ...]) -> Transcript:
        # Whisper pads every input to 30 s; padding a segment only to its own length (plus a
        # second) transcribes a 13 s segment in 0.6 s instead of 1.4 s here with the same words.
        chunk = min(_WINDOW_S, math.ceil(audio.size / SAMPLE_RATE) + 1)
        segments, _info = self._model.transcribe(
            audio,
            chunk_length=chunk,
            language=self._opts.language,
            beam_size=self._opts.beam_size,
            word_timestamps=True,
            condition_on_previous_text=False,
            vad_filter=False,
            # Greedy first: Whisper's own fallback (on a low log-probability too) decoded short
            # segments again up to 5 times (2 s instead of 0.4 s on a 1 s segment here) for text
            # that was no better; only a repetition loop is decoded again (``transcribe``).
            temperature=temperature,
            initial_prompt=self._opts.prompt or (VERBATIM_PROMPT if self._opts.verbatim else None),
        )
        words: list[TimedWord] = []
        texts: list[str] = []
        spelled: list[str] = []  # each word as written, with its leading space
        for segment in segments:
            texts.append(segment.text.strip())
            for w in segment.words or []:
                # Plain floats: numpy scalars would leak into every measure and its JSON.
                words.append(
                    TimedWord(w.word.strip(), float(w.start), float(w.end), float(w.probability))
                )
                spelled.append(w.word)
        kept = without_invented_sentence(without_unheard_tail(words))
        text = " ".join(t for t in texts if t)
        if len(kept) < len(words):
            words, text = kept, "".join(spelled[: len(kept)]).strip()
        return Transcript(text, tuple(words), audio.size / SAMPLE_RATE)

    async def _transcribe_retrying(self, audio: np.ndarray) -> Transcript:
        """``transcribe`` in the STT's own thread, tried again at once on any fault of the model's
        runtime (CTranslate2 raises RuntimeError; memory and I/O faults raise others).

        Raises:
            Exception: the last attempt's, when every one of ``_ATTEMPTS`` attempts failed.
        """
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(self._thread, self.transcribe, audio)
            except Exception as e:
                if attempt == _ATTEMPTS:
                    raise
                logger.warning("transcription attempt %d failed (%s); trying again",
                               attempt, type(e).__name__)  # fmt: skip
        raise AssertionError("unreachable")

    async def settle(self, audio: np.ndarray) -> Transcript | None:
        """Transcribe the settled start of a segment still being spoken (16 kHz float audio),
        in the STT's thread; None when the decode failed (the final decode then takes it)."""
        try:
            async with self._lock:
                return await asyncio.get_running_loop().run_in_executor(
                    self._thread, self.transcribe, audio
                )
        except Exception as e:  # any fault of the model runtime: left to the final decode
            logger.warning("settled part not transcribed (%s)", type(e).__name__)
            return None

    @staticmethod
    def joined(head: Transcript | None, tail: Transcript, offset: int) -> Transcript:
        """``head`` (a segment's first ``offset`` samples, 16 kHz) followed by ``tail`` (the
        rest, on its own clock): one transcript on the segment's clock."""
        shift = offset / SAMPLE_RATE
        words = tuple(
            TimedWord(w.word, w.start_s + shift, w.end_s + shift, w.probability) for w in tail.words
        )
        if head is None:
            return Transcript(tail.text, words, shift + tail.duration_s)
        text = " ".join(t for t in (head.text, tail.text) if t)
        return Transcript(text, head.words + words, shift + tail.duration_s)

    async def _recognize_impl(
        self,
        buffer: utils.AudioBuffer,
        *,
        language: NotGivenOr[str] = NOT_GIVEN,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
    ) -> stt.SpeechEvent:
        frame = rtc.combine_audio_frames(buffer) if isinstance(buffer, list) else buffer
        with self.busy():
            return await self.final_transcript(frame_to_float(frame, SAMPLE_RATE))

    @contextlib.contextmanager
    def busy(self) -> Iterator[None]:
        """While inside, a segment handed over is being transcribed: ``wait_idle`` waits."""
        self._in_flight += 1
        self._idle_event().clear()
        try:
            yield
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle_event().set()

    async def final_transcript(
        self, audio: np.ndarray, settled: Settled | None = None
    ) -> stt.SpeechEvent:
        """The final transcript of one segment (16 kHz float ``audio``), of which ``settled``
        was already decoded; only the rest is decoded here. Call it inside ``busy``. Never
        raises for a fault of the model: the speech is reported lost (``TranscriptionLostError``
        as a recoverable error event) and the transcript is empty."""
        asked = time.perf_counter()
        head = settled.transcript if settled is not None else None
        done = settled.samples if settled is not None and head is not None else 0
        try:
            async with self._lock:
                began = time.perf_counter()
                if head is not None and done >= audio.size:  # all of it was decoded early
                    result = replace(head, duration_s=audio.size / SAMPLE_RATE)
                else:
                    result = await self._transcribe_retrying(audio[done:])
                    if head is not None:
                        result = self.joined(head, result, done)
            # Durations and a count only (no words): where a late final transcript's time went,
            # and whether speech came out as nothing.
            took, waited = time.perf_counter() - began, began - asked
            logger.info("transcribed %.2f s of audio (%.2f s settled before) in %.2f s, after "
                        "%.2f s waiting: %d words", audio.size / SAMPLE_RATE, done / SAMPLE_RATE,
                        took, waited, len(result.words))  # fmt: skip
        except Exception as e:  # any fault of the model runtime, after every attempt
            # Raising would end livekit-agents' recognition for the rest of the session (the
            # recruiter would hear nothing more). A recoverable error event says the speech was
            # lost (``agent.not_heard`` asks for it again) and an empty transcript keeps the
            # session listening; the speech stays in the recording.
            seconds = audio.size / SAMPLE_RATE
            logger.error("could not transcribe %.2f s of speech (%s); listening on",
                         seconds, type(e).__name__)  # fmt: skip
            lost = TranscriptionLostError(seconds)
            self._emit_error(lost, recoverable=True)
            result = Transcript("", (), seconds)
        words = [
            TimedString(
                w.word, start_time=w.start_s, end_time=w.end_s, confidence=w.probability or 0.0
            )
            for w in result.words
        ]
        known = [w.probability for w in result.words if w.probability is not None]
        confidence = float(np.mean(known)) if known else 0.0
        return stt.SpeechEvent(
            type=stt.SpeechEventType.FINAL_TRANSCRIPT,
            alternatives=[
                stt.SpeechData(
                    # livekit types this as its LanguageCode class; a plain ISO code is what
                    # its own plugins pass and what it reads.
                    language=self._opts.language,  # type: ignore[arg-type]
                    text=result.text,
                    start_time=0.0,
                    end_time=result.duration_s,
                    confidence=confidence,
                    words=words,
                )
            ],
        )


def speech_windows(audio: np.ndarray) -> list[tuple[int, int]]:
    """Where to decode 16 kHz ``audio``: ``(start, end)`` sample ranges, in order, not overlapping.

    Audio up to ``MAX_WINDOW_S`` (12 s) is one window. Longer audio is cut only in the pauses
    between the speech spans silero VAD finds (``_CUT_AT``), so no word is split: consecutive
    spans are grouped while the group lasts at most ``MAX_WINDOW_S`` (silero itself splits a
    span longer than that) and no pause in it is ``_LONG_PAUSE_S`` (1.5 s) or longer. Each
    window is its group's speech with up to ``_LEAD_PAD_S`` (0.2 s) of the silence before it and
    ``_WINDOW_PAD_S`` (1 s) after it, never more than half of a pause. Long silences between
    windows are not decoded, so nothing can be invented in them; every window is at most 14 s.
    With no speech found, the audio is one window (Whisper's own 30 s windows then apply).
    """
    if audio.size <= MAX_WINDOW_S * SAMPLE_RATE:
        return [(0, audio.size)]
    spans = get_speech_timestamps(
        np.asarray(audio, dtype=np.float32), _CUT_AT, sampling_rate=SAMPLE_RATE
    )
    if not spans:
        return [(0, audio.size)]
    limit, pad = int(MAX_WINDOW_S * SAMPLE_RATE), int(_WINDOW_PAD_S * SAMPLE_RATE)
    long_pause, lead = int(_LONG_PAUSE_S * SAMPLE_RATE), int(_LEAD_PAD_S * SAMPLE_RATE)
    groups: list[list[dict[str, int]]] = [[spans[0]]]
    for span in spans[1:]:
        fits = span["end"] - groups[-1][0]["start"] <= limit
        if fits and span["start"] - groups[-1][-1]["end"] < long_pause:
            groups[-1].append(span)
        else:
            groups.append([span])
    windows = []
    for i, group in enumerate(groups):
        before = groups[i - 1][-1]["end"] if i else 0
        after = groups[i + 1][0]["start"] if i + 1 < len(groups) else audio.size
        start, end = group[0]["start"], group[-1]["end"]
        windows.append((max(before + (start - before) // 2, start - lead),
                        min(end + (after - end) // 2, end + pad)))  # fmt: skip
    return windows
