"""Audio I/O for interviews with no microphone, speaker or LiveKit room.

``CandidateMic`` is an ``AudioInput`` that streams 20 ms frames in real time: silence, or the
audio of an utterance handed to ``speak``. ``PacedSpeaker`` is an ``AudioOutput`` that "plays"
the recruiter's audio in real time (so turn-taking behaves as with a person listening) and reports
playback to the framework. ``ConversationRecorder`` keeps both sides on one clock for the WAV.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from livekit import rtc
from livekit.agents.voice.io import AudioInput, AudioOutput, AudioOutputCapabilities

from agent.audio import frame_to_float, resample, write_wav

__all__ = ["CandidateMic", "ConversationRecorder", "PacedSpeaker", "SpokenUtterance"]


class ConversationRecorder:
    """Both sides of the conversation placed on the session clock; written as one stereo WAV."""

    def __init__(self, t0: float, rate: int = 22050) -> None:
        self.t0 = t0
        self.rate = rate
        self._parts: dict[str, list[tuple[float, np.ndarray]]] = {"recruiter": [], "candidate": []}

    def add(self, side: str, at_wall: float, samples: np.ndarray, rate: int) -> None:
        """Place mono float samples of ``side`` starting at wall-clock time ``at_wall``."""
        self._parts[side].append((at_wall - self.t0, resample(samples, rate, self.rate)))

    def write(self, path: Path) -> float:
        """Write a stereo WAV (left: recruiter, right: candidate); return its duration in s."""
        end = max(
            (start + s.size / self.rate for parts in self._parts.values() for start, s in parts),
            default=0.0,
        )
        out = np.zeros((int(end * self.rate) + 1, 2), dtype=np.float32)
        for channel, side in enumerate(("recruiter", "candidate")):
            for start, samples in self._parts[side]:
                offset = max(0, round(start * self.rate))
                chunk = samples[: out.shape[0] - offset]
                out[offset : offset + chunk.size, channel] += chunk
        write_wav(path, out, self.rate)
        return out.shape[0] / self.rate


@dataclass
class SpokenUtterance:
    """When an utterance was heard, in wall-clock seconds (``time.time()``)."""

    started_at: float
    speech_ended_at: float
    ended_at: float


@dataclass
class _Utterance:
    samples: np.ndarray
    voiced_end: int
    done: asyncio.Future[SpokenUtterance]
    queued_at: float  # wall clock of the ``speak`` call: no frame captured before holds it
    position: int = 0
    started_at: float | None = None
    speech_ended_at: float | None = None


class CandidateMic(AudioInput):
    """A microphone that hears silence, or the utterances given to ``speak``, in real time.

    Like a sound card, it keeps time when its reader is late: frames the reader missed while
    the event loop was busy come at once on the next reads, so the samples stay on the wall
    clock (a reader that fell behind by more than ``MAX_BACKLOG_S`` loses the excess, as a
    device buffer overflows). ``lost_s`` totals the time lost that way.
    """

    MAX_BACKLOG_S = 1.0

    def __init__(
        self, recorder: ConversationRecorder, *, sample_rate: int = 16000, frame_ms: int = 20
    ) -> None:
        super().__init__(label="candidate-mic")
        self._recorder = recorder
        self.sample_rate = sample_rate
        self._frame = sample_rate * frame_ms // 1000
        self._queue: list[_Utterance] = []
        self._next_at: float | None = None
        self._closed = False
        self.lost_s = 0.0
        self._heard: list[_Utterance] = []  # the utterances begun, in order

    async def speak(self, samples: np.ndarray, *, voiced_end: int | None = None) -> SpokenUtterance:
        """Play ``samples`` (mono float at the mic's rate) into the mic; wait until heard.

        Args:
            samples: the utterance, including any pauses inside it.
            voiced_end: index just past the last voiced sample (default: the end), so that the
                end of speech is known exactly even when the audio ends in silence.

        Returns:
            the wall-clock times the utterance was captured at: its first sample, the end of
            its voiced part and its end.
        """
        future: asyncio.Future[SpokenUtterance] = asyncio.get_running_loop().create_future()
        end = samples.size if voiced_end is None else voiced_end
        self._queue.append(_Utterance(samples.astype(np.float32), end, future, time.time()))
        return await future

    def speech_end_before(self, wall: float) -> float | None:
        """When the voiced part of the last utterance begun before ``wall`` (wall clock) ended;
        None when there is none, or it was still being said at ``wall``: a reply begun inside
        an answer (in a pause of it) has no end of the answer to be timed from, and the answer
        before's would time it from a minute earlier."""
        begun = [u for u in self._heard if u.started_at is not None and u.started_at <= wall]
        if not begun or begun[-1].speech_ended_at is None or begun[-1].speech_ended_at > wall:
            return None
        return begun[-1].speech_ended_at

    def close(self) -> None:
        """End the stream: the next read stops the pipeline's input."""
        self._closed = True

    async def __anext__(self) -> rtc.AudioFrame:
        if self._closed:
            raise StopAsyncIteration
        loop = asyncio.get_running_loop()
        if self._next_at is None:
            self._next_at = loop.time()
        behind = loop.time() - self._next_at
        if behind < 0:
            await asyncio.sleep(-behind)
        elif behind > self.MAX_BACKLOG_S:
            lost = behind - self.MAX_BACKLOG_S
            self.lost_s += lost
            self._next_at = loop.time() - self.MAX_BACKLOG_S
            if self._queue and self._queue[0].started_at is not None:  # lost mid-utterance
                self._queue[0].position += round(lost * self.sample_rate)
        # The wall-clock moment this frame was captured at (earlier than now when catching up).
        now = time.time() - max(0.0, loop.time() - self._next_at)
        self._next_at += self._frame / self.sample_rate
        chunk = np.zeros(self._frame, dtype=np.float32)
        half_frame_s = self._frame / self.sample_rate / 2
        if self._queue and now + half_frame_s >= self._queue[0].queued_at:
            utt = self._queue[0]
            if utt.started_at is None:
                utt.started_at = now
                self._heard.append(utt)
                self._recorder.add("candidate", now, utt.samples, self.sample_rate)
            take = utt.samples[utt.position : utt.position + self._frame]
            chunk[: take.size] = take
            before = utt.position
            utt.position += take.size
            if utt.speech_ended_at is None and utt.position >= utt.voiced_end:
                utt.speech_ended_at = now + (utt.voiced_end - before) / self.sample_rate
            if utt.position >= utt.samples.size:
                self._queue.pop(0)
                ended = now + take.size / self.sample_rate
                utt.done.set_result(
                    SpokenUtterance(utt.started_at, utt.speech_ended_at or ended, ended)
                )
        pcm = (np.clip(chunk, -1.0, 1.0) * 32767).astype(np.int16)
        return rtc.AudioFrame(
            data=pcm.tobytes(),
            sample_rate=self.sample_rate,
            num_channels=1,
            samples_per_channel=self._frame,
        )


_FLUSH = object()


@dataclass
class _Segment:
    started_at: float
    played_s: float = 0.0
    interrupted: bool = False


class PacedSpeaker(AudioOutput):
    """An audio sink that plays in real time into the recorder instead of a device."""

    def __init__(self, recorder: ConversationRecorder) -> None:
        super().__init__(
            label="paced-speaker",
            capabilities=AudioOutputCapabilities(pause=False),
            sample_rate=None,
        )
        self._recorder = recorder
        self._queue: asyncio.Queue[rtc.AudioFrame | object] = asyncio.Queue()
        self._segment: _Segment | None = None
        self._task: asyncio.Task[None] | None = None

    async def capture_frame(self, frame: rtc.AudioFrame) -> None:
        """Queue a frame; playback starts at once and proceeds in real time."""
        await super().capture_frame(frame)
        if self._task is None:
            self._task = asyncio.create_task(self._playout(), name="paced-speaker")
        self._queue.put_nowait(frame)

    def flush(self) -> None:
        """Mark the end of the current segment."""
        super().flush()
        self._queue.put_nowait(_FLUSH)

    def clear_buffer(self) -> None:
        """Drop queued audio; the segment being played ends as interrupted."""
        dropped = 0
        while not self._queue.empty():
            dropped += self._queue.get_nowait() is not _FLUSH
        if self._segment is not None:
            self._segment.interrupted = True
            self._queue.put_nowait(_FLUSH)
        elif dropped:
            # Cleared before a single frame played: the segment still has to be reported.
            self.on_playback_finished(playback_position=0.0, interrupted=True)

    async def aclose(self) -> None:
        """Stop the playout task."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    def _finish(self) -> None:
        segment, self._segment = self._segment, None
        if segment is not None:
            self.on_playback_finished(
                playback_position=segment.played_s, interrupted=segment.interrupted
            )

    async def _playout(self) -> None:
        loop = asyncio.get_running_loop()
        next_loop = next_wall = 0.0
        while True:
            item = await self._queue.get()
            if item is _FLUSH:
                self._finish()
                continue
            assert isinstance(item, rtc.AudioFrame)
            now_loop, now_wall = loop.time(), time.time()
            if self._segment is None:
                self._segment = _Segment(started_at=now_wall)
                next_loop, next_wall = now_loop, now_wall
                self.on_playback_started(created_at=now_wall)
            elif next_loop < now_loop:
                # Underrun: the audio arrived after the previous frame finished playing.
                next_wall += now_loop - next_loop
                next_loop = now_loop
            self._recorder.add(
                "recruiter", next_wall, frame_to_float(item, item.sample_rate), item.sample_rate
            )
            next_loop += item.duration
            next_wall += item.duration
            self._segment.played_s += item.duration
            await asyncio.sleep(max(0.0, next_loop - loop.time()))
