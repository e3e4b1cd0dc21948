"""A simulated candidate in a real LiveKit room (no browser): speaks, and hears the recruiter.

Used by the room tests and `bench/room_latency.py`.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from livekit import rtc

from agent.worker import CONTROL_TOPIC, EVENTS_TOPIC

__all__ = ["HeardRecruiter", "RoomCandidate"]

RATE = 16000
_FRAME = RATE // 100  # 10 ms
_QUEUE_MS = 1000  # longer than any stall seen on a loaded 2-core test loop (~0.5 s)


@dataclass
class HeardRecruiter:
    """What the candidate hears: when recruiter audio was loud, and the events sent to the page."""

    loud_at: list[float] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    agent_states: list[tuple[float, str]] = field(default_factory=list)
    audio: list[np.ndarray] = field(default_factory=list)  # 16 kHz int16, where kept

    def samples(self) -> np.ndarray:
        """All audio heard (where kept: ``RoomCandidate(keep_audio=True)``), mono float32 at
        16 kHz."""
        if not self.audio:
            return np.zeros(0, dtype=np.float32)
        return (np.concatenate(self.audio) / 32768.0).astype(np.float32)


class RoomCandidate:
    """Joins a room with a token, publishes a microphone track fed from samples."""

    def __init__(self, queue_ms: int = _QUEUE_MS, *, keep_audio: bool = False) -> None:
        """``queue_ms``: the microphone's buffer. The default, deep queue means a busy test loop
        (rendering speech, another candidate) cannot open a gap that voice activity detection
        would hear as a pause; when speech leaves is then estimated from what is still queued.
        A timing benchmark passes 20 ms, so that speech leaves when it is captured.
        ``keep_audio``: keep every frame heard (``HeardRecruiter.samples``; 32 kB a second)."""
        self.keep_audio = keep_audio
        self.room = rtc.Room()
        self.source = rtc.AudioSource(RATE, 1, queue_size_ms=queue_ms)
        self.heard = HeardRecruiter()
        self._tasks: set[asyncio.Task[None]] = set()
        self._mic_task: asyncio.Task[None] | None = None

    async def join(self, url: str, token: str) -> None:
        """Connect and publish the microphone (sending silence until told to speak)."""
        self.room.on("track_subscribed", self._on_track)
        self.room.on("data_received", self._on_data)
        self.room.on("participant_attributes_changed", self._on_attributes)
        await self.room.connect(url, token)
        track = rtc.LocalAudioTrack.create_audio_track("microphone", self.source)
        options = rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
        await self.room.local_participant.publish_track(track, options)
        self._queue: asyncio.Queue[np.ndarray] = asyncio.Queue()
        self._mic_task = asyncio.create_task(self._microphone())

    async def say(self, samples: np.ndarray) -> float:
        """Speak ``samples`` (float32 at 16 kHz) in real time.

        Returns the wall-clock time (seconds) the last sample leaves the microphone: when it
        was queued plus the audio queued ahead of it.
        """
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._done = done
        await self._queue.put(samples)
        await self._queue.put(np.array([], dtype=np.float32))
        await done
        return time.time() + self.source.queued_duration

    async def end_interview(self) -> None:
        """Ask the recruiter to stop, as the page's button does."""
        await self.room.local_participant.publish_data(
            json.dumps({"type": "end"}), reliable=True, topic=CONTROL_TOPIC
        )

    async def wait_for_event(self, kind: str, timeout_s: float) -> dict[str, Any]:
        """The first event of ``kind`` sent to the page."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for event in self.heard.events:
                if event.get("type") == kind:
                    return event
            await asyncio.sleep(0.1)
        raise TimeoutError(f"no {kind!r} event within {timeout_s:.0f} s")

    async def wait_for_state(self, state: str, after: float, timeout_s: float) -> float:
        """When the agent entered ``state`` after the wall-clock time ``after``."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for t, s in self.heard.agent_states:
                if s == state and t > after:
                    return t
            await asyncio.sleep(0.05)
        raise TimeoutError(f"the agent was not {state!r} within {timeout_s:.0f} s")

    def first_loud_after(self, t: float) -> float | None:
        """The first moment after ``t`` the recruiter's audio was audible."""
        return next((x for x in self.heard.loud_at if x > t), None)

    async def leave(self) -> None:
        """Stop the microphone and disconnect."""
        if self._mic_task is not None:
            self._mic_task.cancel()
        for task in self._tasks:
            task.cancel()
        await self.room.disconnect()

    async def _microphone(self) -> None:
        silence = np.zeros(_FRAME, dtype=np.float32)
        pending: np.ndarray | None = None
        while True:
            if pending is None and not self._queue.empty():
                pending = self._queue.get_nowait()
                if pending.size == 0:
                    pending = None
                    self._done.set_result(None)
                    continue
            chunk = silence
            if pending is not None:
                chunk, pending = pending[:_FRAME], pending[_FRAME:]
                if chunk.size < _FRAME:
                    chunk = np.pad(chunk, (0, _FRAME - chunk.size))
                if pending.size == 0:
                    pending = None
            pcm = (np.clip(chunk, -1, 1) * 32767).astype(np.int16)
            # capture_frame waits while the source's buffer is full: this paces it in real time.
            await self.source.capture_frame(rtc.AudioFrame(pcm.tobytes(), RATE, 1, _FRAME))

    def _on_track(self, track: rtc.Track, *_: object) -> None:
        if track.kind == rtc.TrackKind.KIND_AUDIO:
            task = asyncio.create_task(self._listen(track))
            self._tasks.add(task)

    async def _listen(self, track: rtc.Track) -> None:
        stream = rtc.AudioStream(track, sample_rate=RATE, num_channels=1)
        async for event in stream:
            pcm = np.frombuffer(bytes(event.frame.data), dtype=np.int16)
            if self.keep_audio:
                self.heard.audio.append(pcm)
            if pcm.size and float(np.sqrt(np.mean((pcm / 32768.0) ** 2))) > 0.01:
                self.heard.loud_at.append(time.time())

    def _on_data(self, packet: rtc.DataPacket) -> None:
        if packet.topic == EVENTS_TOPIC:
            self.heard.events.append(json.loads(packet.data))

    def _on_attributes(self, changed: dict[str, str], participant: rtc.Participant) -> None:
        state = changed.get("lk.agent.state")
        if state:
            self.heard.agent_states.append((time.time(), state))
