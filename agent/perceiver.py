"""Perception beside the voice pipeline: it hears the candidate's audio and watches the webcam.

The perceiver keeps the last minutes of candidate audio (tapped from the STT input) and, when
there is a camera, face observations made on a worker thread. An answer is measured twice: a
cheap pass (no pitch, no spelling) when the answer ends, for the coaching cue, and a full pass
off the event loop for the stored evidence.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import statistics
import threading
import time
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
from livekit import rtc

from agent.audio import frame_to_float
from perception.answer import AnswerMeasures, measure_answer
from perception.face import FaceAnalyzer, FaceMeasures, FaceObservation, summarize_face
from perception.frames import Frame
from perception.history import AudioHistory
from perception.spoken_language import LanguageIdentifier
from perception.words import TimedWord

__all__ = ["Perceiver"]

logger = logging.getLogger("recruiter.perception")

RATE = 16000
_MARGIN_S = 1.0  # audio kept on each side of an answer's words
_NO_AUDIO = np.zeros(0, dtype=np.float32)  # (the words alone are measured)
_FACE_KEEP_S = 1800.0


class Perceiver:
    """Candidate audio and webcam observations on the wall clock, and answers measured from them."""

    def __init__(
        self, *, face_model: Path | None = None, vocabulary: Iterable[str] = (),
        identify: LanguageIdentifier | None = None,
    ) -> None:  # fmt: skip
        """``identify``: the spoken-language identifier the full pass checks unsure clauses
        with (``agent.language_id``); None checks none."""
        self.audio = AudioHistory(RATE, seconds=300.0)
        self._identify = identify
        self._face_model = face_model
        self._vocabulary = tuple(vocabulary)
        self._observations: deque[FaceObservation] = deque()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._latencies: list[float] = []
        # The full pass runs on a thread of its own, not in the event loop's default pool, where
        # silero VAD runs each 32 ms window (a precaution: the pool has CPUs + 4 threads).
        self._measure_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="measure")

    # -- inputs ----------------------------------------------------------------------------

    async def tap(self, audio: AsyncIterable[rtc.AudioFrame]) -> AsyncIterator[rtc.AudioFrame]:
        """Pass the candidate's audio through, keeping a copy stamped with the wall clock."""
        async for frame in audio:
            self.audio.push(frame_to_float(frame, RATE), time.time())
            yield frame

    def watch(self, frames: Iterable[Frame]) -> None:
        """Observe webcam frames on a worker thread; frames of a file are paced to real time."""
        if self._face_model is None:
            raise ValueError("no face landmarker model: build the perceiver with face_model")
        if self._thread is not None:
            raise RuntimeError("already watching a camera")
        self._thread = threading.Thread(
            target=self._watch, args=(frames, self._face_model), name="webcam", daemon=True
        )
        self._thread.start()

    def _watch(self, frames: Iterable[Frame], model: Path) -> None:
        t0 = time.time()
        try:
            with FaceAnalyzer(model) as analyzer:
                for frame in frames:
                    if self._stop.is_set():
                        return
                    # A frame is used when its moment comes: a file plays like a camera.
                    wait = t0 + frame.t_s - time.time()
                    if wait > 0 and self._stop.wait(wait):
                        return
                    seen = replace(analyzer.observe(frame), t_s=time.time())
                    with self._lock:
                        self._observations.append(seen)
                        while seen.t_s - self._observations[0].t_s > _FACE_KEEP_S:
                            self._observations.popleft()
        except Exception as e:  # the interview goes on without the camera
            logger.error("webcam analysis stopped: %s", type(e).__name__)

    def close(self) -> None:
        """Stop watching the camera and measuring (after the last answer's measurement)."""
        self._measure_thread.shutdown(wait=False)
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5.0)

    # -- measuring -------------------------------------------------------------------------

    def face_between(self, start: float, end: float) -> FaceMeasures | None:
        """The webcam summary for a wall-clock span; None when there is no camera."""
        if self._thread is None:
            return None
        with self._lock:
            observed = list(self._observations)
        return summarize_face(observed, start_s=start, end_s=end)

    def _measure(
        self,
        words: Sequence[TimedWord],
        transcript: str,
        question_end: float | None,
        *,
        full: bool,
        media: bool = True,
    ) -> AnswerMeasures:
        start = words[0].start_s - _MARGIN_S if words else time.time()
        end = words[-1].end_s + _MARGIN_S if words else time.time()
        audio, audio_start = self.audio.slice(start, end) if media else (_NO_AUDIO, start)
        typical = statistics.median(self._latencies) if self._latencies else None
        return measure_answer(
            words,
            transcript=transcript,
            audio=audio,
            rate=RATE,
            audio_start_s=audio_start,
            question_end_s=question_end,
            face=self.face_between(start, end) if media else None,
            typical_latency_s=typical,
            vocabulary=self._vocabulary,
            prosody=full,
            language=full,
            identify=self._identify if full else None,
        )

    def quick(
        self, words: Sequence[TimedWord], transcript: str, *, media: bool = True
    ) -> AnswerMeasures:
        """The cheap pass at the end of an answer: pace, fillers, level and gaze for the cue.
        ``media=False`` measures the words alone (pace, fillers): an answer heard by another
        process, whose audio and camera frames are not the ones kept here."""
        return self._measure(words, transcript, None, full=False, media=media)

    async def measure(
        self, words: Sequence[TimedWord], transcript: str, question_end: float | None
    ) -> AnswerMeasures:
        """The full pass (pitch, level steps, spelling, other languages), off the event loop."""
        loop = asyncio.get_running_loop()
        measure = functools.partial(self._measure, words, transcript, question_end, full=True)
        return await loop.run_in_executor(self._measure_thread, measure)

    def remember(self, measures: AnswerMeasures) -> None:
        """Count a stored answer's response latency in the candidate's usual latency."""
        if measures.speech.response_latency_s is not None:
            self._latencies.append(measures.speech.response_latency_s)
