"""The candidate's camera in a room, sampled into frames for the perceiver's webcam cues."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import time
from collections.abc import Iterator

from livekit import rtc

from perception.frames import Frame, frame_from_rgba

__all__ = ["LiveFrames", "follow_camera"]

logger = logging.getLogger("recruiter.room")


class LiveFrames:
    """Frames pushed from the event loop, read on the perceiver's thread; at most ``fps`` a second.

    Iteration blocks until a frame arrives and ends once :meth:`close` is called. A slow reader
    never holds up the room: when the small queue is full, the frame is dropped.
    """

    def __init__(self, fps: float = 5.0) -> None:
        self._period = 1.0 / fps
        self._queue: queue.Queue[Frame | None] = queue.Queue(maxsize=4)
        self._t0 = time.time()
        self._last = -1.0
        self._closed = False
        self.received = 0

    def due(self) -> bool:
        """Whether a frame arriving now would be kept (so the caller can skip converting it)."""
        return not self._closed and time.time() - self._t0 - self._last >= self._period

    def push(self, rgba: bytes, width: int, height: int) -> None:
        """Offer one RGBA frame taken now."""
        t_s = time.time() - self._t0
        self._last = t_s
        self.received += 1
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(frame_from_rgba(rgba, width, height, t_s))

    def close(self) -> None:
        """End the iteration."""
        self._closed = True
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(None)

    def __iter__(self) -> Iterator[Frame]:
        # A file's frames are paced by their time stamps; these are stamped on arrival, relative
        # to the moment this object was made, which the perceiver takes as its start.
        self._t0 = time.time()
        while True:
            try:
                frame = self._queue.get(timeout=0.5)
            except queue.Empty:
                if self._closed:
                    return
                continue
            if frame is None:
                return
            yield frame


async def follow_camera(track: rtc.Track, frames: LiveFrames) -> None:
    """Read a remote video track until it ends, offering frames at the sampling rate."""
    stream = rtc.VideoStream(track)
    try:
        async for event in stream:
            if not frames.due():
                continue
            rgba = event.frame.convert(rtc.VideoBufferType.RGBA)
            frames.push(bytes(rgba.data), rgba.width, rgba.height)
            await asyncio.sleep(0)
    finally:
        await stream.aclose()
