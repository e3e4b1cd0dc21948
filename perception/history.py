"""The last minutes of candidate audio, kept with wall-clock times so an answer can be cut out."""

from __future__ import annotations

import numpy as np

__all__ = ["AudioHistory"]


class AudioHistory:
    """A ring of mono float32 audio at one rate; older audio than ``seconds`` is dropped."""

    def __init__(self, rate: int = 16000, seconds: float = 180.0) -> None:
        self.rate = rate
        self._capacity = int(rate * seconds)
        self._buffer = np.zeros(self._capacity, dtype=np.float32)
        self._written = 0  # samples ever pushed
        self._end_time: float | None = None  # wall time of the newest sample's end

    def push(self, samples: np.ndarray, end_time: float) -> None:
        """Append audio whose last sample ended at ``end_time`` (seconds, any clock)."""
        data = np.asarray(samples, dtype=np.float32).reshape(-1)[-self._capacity :]
        start = self._written % self._capacity
        first = min(data.size, self._capacity - start)
        self._buffer[start : start + first] = data[:first]
        self._buffer[: data.size - first] = data[first:]
        self._written += data.size
        self._end_time = end_time

    def slice(self, start_time: float, end_time: float) -> tuple[np.ndarray, float]:
        """The audio between two times (clamped to what is kept) and its first sample's time."""
        if self._end_time is None or end_time <= start_time:
            return np.zeros(0, dtype=np.float32), start_time
        kept = min(self._written, self._capacity)
        oldest = self._end_time - kept / self.rate
        start_time = max(start_time, oldest)
        end_time = min(end_time, self._end_time)
        if end_time <= start_time:
            return np.zeros(0, dtype=np.float32), start_time
        # Offsets back from the newest sample, then into the ring.
        back_start = round((self._end_time - start_time) * self.rate)
        back_end = round((self._end_time - end_time) * self.rate)
        idx = (self._written - back_start + np.arange(back_start - back_end)) % self._capacity
        return self._buffer[idx].copy(), start_time
