"""The STT's stream: segments cut by the VAD, their settled parts decoded while speech goes on.

livekit-agents' own ``stt.StreamAdapter`` hands a non-streaming STT each VAD segment once it has
ended, so the final transcript of a 20 s answer spoken without a 0.3 s pause waits on a decode
of all 20 s (1.1-1.4 s on 2 cores in ``bench.room_latency``, against 0.4 s for a 2-4 s one),
and the end of the turn waits on the final transcript. ``SettlingStream`` keeps the adapter's
events (start of speech, end of speech, one final transcript per segment) but, each time the
segment so far has grown by ``SETTLE_MIN_S`` and the speaker pauses for ``SETTLE_PAUSE_S``,
decodes what has been said up to the pause in the background; at the end of speech only the
rest is decoded. A shorter rest is decoded at a pause too, as a guess that the pause is the end
of the segment: kept when no speech follows, so the final transcript is ready when the VAD ends
the segment, and dropped when speech goes on. Speech is cut only in pauses, as
``stt_whisper.speech_windows`` cuts long audio, so no word is split.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast

from livekit import rtc
from livekit.agents import APIConnectOptions, stt, utils, vad

from agent.audio import frame_to_float
from perception.words import TimedWord

if TYPE_CHECKING:
    from collections.abc import AsyncIterable
    from contextlib import AbstractContextManager

    import numpy as np

__all__ = ["SETTLE_MIN_S", "SETTLE_PAUSE_S", "Settled", "SettlingStream", "wall_clock_words"]

# New speech needed before a settled part is kept while speech goes on: each decode costs about
# 0.35 s besides its words on 2 cores, so settling every few words would spend more than it
# saves; at the end the rest to decode is then a few seconds (0.4-0.5 s) instead of the whole
# segment. A shorter rest is decoded at a pause only as a guess that the segment ends there (the
# VAD ends it at 0.3 s): when speech goes on instead, that decode was spent for nothing.
SETTLE_MIN_S = 3.0
# A pause this long (as the VAD's silence run, s) is where a settled part may end: the VAD
# segment itself ends at 0.3 s (``turn.vad_min_silence_s``), and speech_windows cuts at 0.1 s;
# 0.15 s leaves a word's soft ending inside the part it belongs to.
SETTLE_PAUSE_S = 0.15
_RATE = 16000  # the STT's sample rate, Hz
# A VAD window this likely to be speech is speech after a cut (silero's deactivation threshold,
# livekit-agents' default: below it a segment's speech is taken to have stopped).
_SPEECH_P = 0.35
# Audio the VAD may not have judged yet and still be caught up (``SettlingStream.caught_up``):
# under one of silero's 32 ms windows (512 samples at 16 kHz) waits for the samples after it.
_VAD_SLACK_S = 0.05


@dataclass(frozen=True)
class Transcript:
    """The text of one utterance with its words (times in seconds on its own clock)."""

    text: str
    words: tuple[TimedWord, ...]
    duration_s: float


class WhisperSTT(Protocol):
    """What the stream needs of ``agent.stt_whisper.WhisperSTT`` (which imports this module)."""

    async def settle(self, audio: np.ndarray) -> Transcript | None: ...
    def joined(self, head: Transcript | None, tail: Transcript, offset: int) -> Transcript: ...
    async def final_transcript(
        self, audio: np.ndarray, settled: Settled | None = None
    ) -> stt.SpeechEvent: ...
    def busy(self) -> AbstractContextManager[None]: ...


@dataclass(frozen=True)
class Settled:
    """The decoded start of a segment: its first ``samples`` (16 kHz) and their transcript."""

    samples: int
    transcript: Transcript | None


class SettlingStream(stt.RecognizeStream):
    """``stt.StreamAdapter``'s stream for ``WhisperSTT``, decoding settled speech early."""

    def __init__(
        self, whisper: WhisperSTT, *, vad: vad.VAD, conn_options: APIConnectOptions
    ) -> None:
        """``whisper`` decodes (``settle``, ``final_transcript``); ``vad`` cuts the segments."""
        # No retries here: the STT retries a decode itself (as livekit's own adapter leaves
        # retrying to ``STT.recognize``).
        super().__init__(
            stt=cast("stt.STT[Any]", whisper),  # WhisperSTT is an STT; the protocol says less
            conn_options=APIConnectOptions(max_retry=0, timeout=conn_options.timeout),
        )
        self._whisper = whisper
        self._vad = vad
        self.settles = 0  # settled parts decoded (for tests and logs)
        self.dropped = 0  # early decodes of a segment's rest dropped: speech went on after them
        # (audio pushed by then, s; time.time() then) for each push the VAD has not yet judged,
        # and the last push (how much audio has been pushed)
        self._pushes: deque[tuple[float, float]] = deque()
        self._judged_s = 0.0  # audio the VAD has judged speech or silence, seconds
        self._judged = asyncio.Event()  # set whenever _judged_s grows, and once closed
        self._closed = False
        self._loop = asyncio.get_running_loop()
        self.in_segment = False  # the VAD has begun a segment whose final transcript is not out

    def push_frame(self, frame: rtc.AudioFrame) -> None:
        """Push audio to be recognized (counted for ``caught_up``)."""
        super().push_frame(frame)
        self._pushes.append((self._pushed_s + frame.duration, time.time()))

    @property
    def _pushed_s(self) -> float:
        """Audio pushed so far, seconds."""
        return self._pushes[-1][0] if self._pushes else 0.0

    def serves(self, loop: asyncio.AbstractEventLoop) -> bool:
        """Whether this stream is open and runs in ``loop`` (what ``caught_up`` can wait on)."""
        return not self._closed and loop is self._loop

    async def caught_up(self, timeout_s: float) -> bool:
        """Wait until the VAD has judged every sample pushed before this call (to within
        ``_VAD_SLACK_S``); False on ``timeout_s``.

        On a loaded machine silero falls behind real time ("VAD inference is slower than
        realtime"): a candidate who presses End with their last word has said words that no
        segment holds yet. The VAD's judgement of a window is taken once this stream has read
        its event, which waits while a segment's final transcript is decoded. A closed stream
        has nothing more to judge: True at once.
        """
        target = self._pushed_s - _VAD_SLACK_S
        try:
            async with asyncio.timeout(timeout_s):
                while self._judged_s < target and not self._closed:
                    self._judged.clear()
                    await self._judged.wait()
        except TimeoutError:
            return False
        return True

    async def _metrics_monitor_task(self, event_aiter: AsyncIterable[stt.SpeechEvent]) -> None:
        async for _ in event_aiter:
            pass

    async def _run(self) -> None:
        vad_stream = self._vad.stream()

        async def forward() -> None:
            async for item in self._input_ch:
                if isinstance(item, self._FlushSentinel):
                    vad_stream.flush()
                else:
                    vad_stream.push_frame(item)
            vad_stream.end_input()

        tasks = [
            asyncio.create_task(forward(), name="stt-forward"),
            asyncio.create_task(self._recognize(vad_stream), name="stt-recognize"),
        ]
        try:
            await asyncio.gather(*tasks)
        finally:
            self._closed = True
            self._judged.set()
            await utils.aio.cancel_and_wait(*tasks)
            await vad_stream.aclose()

    async def _recognize(self, vad_stream: vad.VADStream) -> None:
        segment: _Segment | None = None
        try:
            async for event in vad_stream:
                if event.type == vad.VADEventType.INFERENCE_DONE:
                    self._judged_s += sum(f.duration for f in event.frames)
                    self._judged.set()
                    while len(self._pushes) > 1 and self._pushes[0][0] < self._judged_s:
                        self._pushes.popleft()  # judged: only its time can still be asked
                if event.type == vad.VADEventType.START_OF_SPEECH:
                    if segment is not None:
                        segment.cancel()
                    segment = _Segment(self._whisper, event.frames)
                    self.in_segment = True
                    self._event_ch.send_nowait(stt.SpeechEvent(stt.SpeechEventType.START_OF_SPEECH))
                elif event.type == vad.VADEventType.INFERENCE_DONE and segment is not None:
                    segment.add(event.frames, event.raw_accumulated_silence, event.probability)
                elif event.type == vad.VADEventType.END_OF_SPEECH:
                    # Busy from before the end of speech is told: a reply or a closing that
                    # waits for the answer's last words (``wait_idle``) waits for this one.
                    with self._whisper.busy():
                        final = await self._final(event, segment)
                    if segment is not None:
                        self.settles += segment.settles
                        self.dropped += segment.dropped
                    segment, self.in_segment = None, False
                    if final is not None:
                        self._event_ch.send_nowait(final)
        finally:
            self.in_segment = False
            if segment is not None:
                segment.cancel()

    async def _final(self, event: vad.VADEvent, segment: _Segment | None) -> stt.SpeechEvent | None:
        """Tell the end of speech; the segment's final transcript (None: no words)."""
        # The window that ended the speech was heard when it was pushed (the VAD may judge it
        # later, behind real time); the speech ended the silence run before it.
        heard_at = self._pushes[0][1] if self._pushes else time.time()
        speech_end = heard_at - event.silence_duration
        self._event_ch.send_nowait(
            stt.SpeechEvent(stt.SpeechEventType.END_OF_SPEECH, speech_end_time=speech_end)
        )
        frame = utils.merge_frames(event.frames)
        audio = frame_to_float(frame, _RATE)
        settled = await segment.finish(frame, audio.size) if segment is not None else None
        final = await self._whisper.final_transcript(audio, settled)
        if not final.alternatives or not final.alternatives[0].text:
            return None
        return stt.SpeechEvent(
            stt.SpeechEventType.FINAL_TRANSCRIPT,
            alternatives=[final.alternatives[0]],
            speech_end_time=speech_end,
        )


class _Segment:
    """One VAD segment while it is spoken: its audio so far and the decode of its settled part."""

    def __init__(self, whisper: WhisperSTT, frames: list[rtc.AudioFrame]) -> None:
        self._whisper = whisper
        self._frames = list(frames)
        self._input_samples = sum(f.samples_per_channel for f in frames)
        self._rate = frames[0].sample_rate if frames else _RATE
        self._settled = Settled(0, None)
        self._settled_input = 0  # the settled part's length at the input's rate
        self._pending: asyncio.Task[Transcript | None] | None = None
        self._cut = (0, 0)  # where the pending decode ends: samples at 16 kHz, at the input rate
        self._failed = False
        self._spoken_since_cut = True
        # The pending decode is of a short rest (under SETTLE_MIN_S) begun at a pause in case
        # it is the end: kept if no speech follows its cut, dropped if speech does.
        self._speculative = False
        self.settles = 0  # settled parts decoded
        self.dropped = 0  # early decodes of a rest dropped because speech went on after them

    def add(self, frames: list[rtc.AudioFrame], silence_s: float, probability: float) -> None:
        """Append one VAD window's audio (``silence_s``: the silence run before it, s;
        ``probability``: its speech probability); start decoding the settled part at a pause."""
        self._frames.extend(frames)
        window = sum(f.samples_per_channel for f in frames)
        self._input_samples += window
        if probability >= _SPEECH_P:
            self._spoken_since_cut = True
            return
        if self._failed or silence_s < SETTLE_PAUSE_S:
            return
        if self._pending is not None:
            if not self._pending.done():
                return  # one decode at a time: the final one must never queue behind several
            if self._speculative and not self._spoken_since_cut:
                return  # a guess waits: speech after its cut drops it, the segment's end keeps it
            self._absorb()
            if self._failed:
                return
        if not self._spoken_since_cut:
            return  # only this pause since the last cut: nothing new to decode
        # The cut goes in the middle of the pause (this window is silent too), so neither the
        # last word before it nor the first after it is split.
        cut_input = self._input_samples - int((silence_s * self._rate + window) / 2)
        if cut_input <= self._settled_input:
            return
        # A rest shorter than SETTLE_MIN_S is decoded too, as a guess that this pause is the
        # end: the VAD ends the segment only at turn.vad_min_silence_s (0.3 s), so its final
        # transcript is then ready that much sooner. Speech after the pause drops the guess,
        # and the rest is decoded whole as before (a short part alone is decoded worse).
        self._speculative = cut_input - self._settled_input < SETTLE_MIN_S * self._rate
        if self._speculative:
            # A guess that the segment ends here takes all of the pause so far: no word follows
            # to be split, and a cut mid-pause can clip a soft last sound (the "st" of "lost").
            cut_input = self._input_samples
        audio = frame_to_float(utils.merge_frames(self._frames), _RATE)
        cut = min(audio.size, round(cut_input * _RATE / self._rate))
        self._cut = (cut, cut_input)
        self._spoken_since_cut = False
        self._pending = asyncio.create_task(
            self._whisper.settle(audio[self._settled.samples : cut]), name="stt-settle"
        )

    def _absorb(self) -> None:
        assert self._pending is not None and self._pending.done()
        part = None if self._pending.cancelled() else self._pending.result()
        self._pending = None
        if part is None:  # the decode failed: the rest is decoded at the end of speech
            self._failed = True
            return
        if self._speculative and self._spoken_since_cut:
            self.dropped += 1  # the pause was not the end: the rest is decoded whole later
            return
        head = self._settled
        cut, self._settled_input = self._cut
        self._settled = Settled(cut, self._whisper.joined(head.transcript, part, head.samples))
        self.settles += 1

    async def finish(self, frame: rtc.AudioFrame, samples: int) -> Settled | None:
        """The settled part of the whole segment ``frame`` (the VAD's END_OF_SPEECH audio,
        ``samples`` long at 16 kHz), or None when nothing was settled or the audio seen here is
        not that segment's start."""
        if self._pending is not None:
            # Waited for, not cancelled with the caller: a stream closing now cancels the
            # caller, whose ``finally`` cancels the decode.
            await asyncio.wait({self._pending})
            self._absorb()
        if self._settled.transcript is None or frame.samples_per_channel != self._input_samples:
            return None  # e.g. the VAD's speech buffer was full and it kept only a part
        if not self._spoken_since_cut and self._settled_input == self._cut[1]:
            # Only the silence that ended the segment came after the last cut: nothing is
            # left to decode (decoding it cost 0.3 s and is where Whisper invents words).
            return Settled(samples, self._settled.transcript)
        return self._settled

    def cancel(self) -> None:
        """Drop a decode still running (the segment was abandoned)."""
        if self._pending is not None:
            self._pending.cancel()


def wall_clock_words(data: stt.SpeechData, speech_end_time: float | None) -> list[TimedWord]:
    """A final transcript's words on the wall clock (seconds since the epoch).

    Whisper times words from the start of the voice activity segment; the segment's last word
    is anchored on the moment speech was seen to end (``speech_end_time``; now when unknown).
    """
    if not data.words:
        return []
    anchor = (speech_end_time or time.time()) - float(data.words[-1].end_time or 0.0)
    return [
        TimedWord(str(w), anchor + float(w.start_time or 0.0), anchor + float(w.end_time or 0.0),
                  float(w.confidence or 0.0))
        for w in data.words
    ]  # fmt: skip
