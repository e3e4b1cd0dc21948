"""Silero VAD whose recurrent state is cleared in silence, so a quieter answer is still heard.

Silero's model carries an LSTM state from one 32 ms window to the next for the whole stream.
After a candidate has spoken at one level and then been quiet, that state leaves the model
nearly deaf to speech at a lower level: measured on ``recruiter_config.recordings``, one
man answering at -25 dBFS, then 15 s of near-silence (-70 dBFS noise), then the same man with
a cold at about -35 dBFS, the plain model called 0% of that answer's windows speech (above
0.5), against 72% from a fresh state, and the stream found no speech in it
(``tests/integration/test_recorded_speech.py``); after only 2 s of silence, 47% of windows.
In a headless rehearsal the whole second answer went unheard: the recruiter said "Take your
time" over it, then repeated the question. Silero's maintainers advise resetting the state
between utterances (snakers4/silero-vad issues 725 and 538); here it is reset after each
``RESET_AFTER_S`` of silence, where no speech is under way and only the next onset depends on it
(a fresh state found 72% of the quiet answer's windows, and 69% after 15 s of noise alone).
"""

from __future__ import annotations

import numpy as np
import onnxruntime
from livekit.plugins import silero
from livekit.plugins.silero import onnx_model
from livekit.plugins.silero.vad import VADStream

__all__ = ["QUIET_BELOW", "RESET_AFTER_S", "RecoveringVAD"]

# The model's own speech probabilities under this are silence (the stream compares a smoothed
# one with its thresholds; its default end-of-speech threshold is 0.35: activation 0.5 less 0.15).
QUIET_BELOW = 0.15
# Silence after which the state is cleared, and again after each as long. Measured on the four
# recordings (speech found by the stream, seconds): at 2 s, exactly what the plain model finds in
# each alone (21.4, 19.7, 20.7 and 49.4 s), and 20.1 s of the quieter answer after the louder one
# (plain: 0); at 1 s the lecture lost 8.5 s (a fresh state is slow to call the next onset).
RESET_AFTER_S = 2.0


class _ClearedInSilence(onnx_model.OnnxModel):
    """Silero's ONNX model, its state cleared after each ``RESET_AFTER_S`` of silence (called
    on one stream's windows, in order)."""

    def __init__(self, *, onnx_session: onnxruntime.InferenceSession, sample_rate: int) -> None:
        super().__init__(onnx_session=onnx_session, sample_rate=sample_rate)
        self._quiet_s = 0.0
        self._window_s = self.window_size_samples / sample_rate

    def __call__(self, x: np.ndarray) -> float:
        p = super().__call__(x)
        if p >= QUIET_BELOW:
            self._quiet_s = 0.0
            return p
        self._quiet_s += self._window_s
        if self._quiet_s >= RESET_AFTER_S:
            self.reset()
        return p

    def reset(self) -> None:
        """Clear the model's state (as the stream does on a flush) and the silence counted."""
        super().reset()
        self._quiet_s = 0.0


class RecoveringVAD(silero.VAD):
    """``silero.VAD`` (``RecoveringVAD.load(...)`` takes its options) whose streams clear the
    model's state after ``RESET_AFTER_S`` of silence."""

    def stream(self) -> VADStream:
        """A stream whose model is cleared in silence (see the module's docstring)."""
        stream = VADStream(
            self,
            self._opts,
            _ClearedInSilence(onnx_session=self._onnx_session, sample_rate=self._opts.sample_rate),
        )
        self._streams.add(stream)
        return stream
