"""Headless audio I/O: the mic paces frames in real time, the speaker reports playback, and the
recorder puts both sides on one clock."""

from __future__ import annotations

import asyncio
import time
import wave
from pathlib import Path

import numpy as np
from livekit import rtc

from agent.headless_io import CandidateMic, ConversationRecorder, PacedSpeaker
from tests.conftest import run

RATE = 16000


def _tone(seconds: float, rate: int = RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.5 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def test_mic_streams_silence_then_the_utterance_and_times_its_end() -> None:
    recorder = ConversationRecorder(time.time())
    mic = CandidateMic(recorder, sample_rate=RATE)

    async def scenario() -> tuple[list[rtc.AudioFrame], float, float]:
        frames: list[rtc.AudioFrame] = []

        async def read(n: int) -> None:
            async for frame in mic:
                frames.append(frame)
                if len(frames) >= n:
                    return

        reader = asyncio.create_task(read(20))  # 20 frames of 20 ms
        await asyncio.sleep(0.05)
        samples = np.concatenate([_tone(0.1), np.zeros(int(0.06 * RATE), np.float32)])
        spoken = await mic.speak(samples, voiced_end=int(0.1 * RATE))
        await reader
        start = spoken.started_at
        return frames, spoken.speech_ended_at - start, spoken.ended_at - start

    frames, voiced, total = run(scenario())
    assert all(f.sample_rate == RATE and f.samples_per_channel == RATE // 50 for f in frames)
    levels = [np.abs(np.frombuffer(f.data, np.int16)).max() for f in frames]
    assert levels[0] == 0  # silence before the candidate speaks
    assert sum(level > 1000 for level in levels) == 5  # 100 ms of tone = 5 frames
    assert abs(voiced - 0.1) < 0.03
    assert abs(total - 0.16) < 0.03


def test_mic_keeps_wall_clock_time_when_its_reader_stalls() -> None:
    """A busy event loop (a blocking call in it) does not stretch the candidate's speech: the
    missed frames come at once, as from a sound card's buffer, so an answer's samples stay on
    the wall clock; and an utterance never starts in a frame captured before it was spoken."""
    recorder = ConversationRecorder(time.time())
    mic = CandidateMic(recorder, sample_rate=RATE)

    async def scenario() -> tuple[int, float, float, float, float]:
        frames = 0
        first_read = 0.0
        stalled = False

        async def read() -> None:
            nonlocal frames, first_read, stalled
            async for _ in mic:
                frames += 1
                if frames == 1:
                    first_read = time.time()
                if frames == 10 and not stalled:
                    stalled = True
                    time.sleep(0.3)  # the loop is busy: no frame is read for 300 ms

        reader = asyncio.create_task(read())
        await asyncio.sleep(0.1)
        asked = time.time()
        # Asked at 0.1 s, while the reader is about to stall: the 300 ms missed come later.
        spoken = await mic.speak(_tone(0.6))
        mic.close()
        await reader
        return frames, first_read, asked, spoken.started_at, spoken.ended_at

    frames, first_read, asked, started, ended = run(scenario())
    assert started >= asked - 0.011  # not captured before the candidate began
    assert abs((ended - started) - 0.6) < 0.005  # 600 ms of speech spans 600 ms of wall clock
    # Every frame from the first read to the end was delivered: nothing was lost to the stall.
    assert abs(frames * 0.02 - (ended - first_read)) <= 0.06
    assert mic.lost_s == 0.0


def test_speaker_reports_playback_and_takes_real_time() -> None:
    recorder = ConversationRecorder(time.time(), rate=22050)
    speaker = PacedSpeaker(recorder)
    events: list[str] = []
    speaker.on("playback_started", lambda _e: events.append("started"))
    speaker.on("playback_finished", lambda e: events.append(f"finished:{e.interrupted}"))

    async def scenario() -> float:
        pcm = (_tone(0.3, 22050) * 32767).astype(np.int16)
        start = time.monotonic()
        for chunk in np.array_split(pcm, 15):
            await speaker.capture_frame(rtc.AudioFrame(chunk.tobytes(), 22050, 1, chunk.size))
        speaker.flush()
        finished = await speaker.wait_for_playout()
        elapsed = time.monotonic() - start
        await speaker.aclose()
        assert not finished.interrupted
        assert abs(finished.playback_position - 0.3) < 0.01
        return elapsed

    elapsed = run(scenario())
    assert events == ["started", "finished:False"]
    assert elapsed >= 0.28  # played in real time, not instantly


def test_clearing_the_speaker_interrupts_the_segment() -> None:
    speaker = PacedSpeaker(ConversationRecorder(time.time()))

    async def scenario() -> bool:
        pcm = (_tone(1.0, 22050) * 32767).astype(np.int16)
        for chunk in np.array_split(pcm, 50):
            await speaker.capture_frame(rtc.AudioFrame(chunk.tobytes(), 22050, 1, chunk.size))
        speaker.flush()
        await asyncio.sleep(0.1)
        speaker.clear_buffer()
        finished = await asyncio.wait_for(speaker.wait_for_playout(), 2)
        await speaker.aclose()
        return finished.interrupted and finished.playback_position < 0.5

    assert run(scenario())


def test_recorder_writes_both_sides_at_their_times(tmp_path: Path) -> None:
    t0 = 1000.0
    recorder = ConversationRecorder(t0, rate=8000)
    recorder.add("recruiter", t0 + 0.5, np.full(8000, 0.25, np.float32), 8000)
    recorder.add("candidate", t0 + 2.0, np.full(16000, -0.5, np.float32), 16000)
    duration = recorder.write(tmp_path / "c.wav")
    with wave.open(str(tmp_path / "c.wav")) as wav:
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), np.int16).reshape(-1, 2)
    assert abs(duration - 3.0) < 0.01
    left, right = pcm[:, 0], pcm[:, 1]
    assert left[:4000].max() == 0 and left[4100:11900].min() > 8000
    assert right[:16000].max() == 0 and right[16100:23900].max() < -16000


def test_mic_times_a_reply_from_the_end_of_the_answer_not_from_inside_it() -> None:
    """A reply begun in a pause of an answer has no end of speech to be timed from (the
    rehearsal took the answer before's, and stored 25-41 s latencies for replies begun in the
    pauses of recorded speech); one begun after it is timed from its end."""
    recorder = ConversationRecorder(time.time())
    mic = CandidateMic(recorder, sample_rate=RATE)

    async def scenario() -> tuple[float, float, float]:
        async def read() -> None:
            async for _ in mic:
                pass

        reader = asyncio.create_task(read())
        first = await mic.speak(_tone(0.1))
        await asyncio.sleep(0.2)
        gap = np.zeros(int(0.3 * RATE), np.float32)
        second = await mic.speak(np.concatenate([_tone(0.1), gap, _tone(0.1)]))
        mic.close()
        await reader
        return first.speech_ended_at, second.started_at, second.speech_ended_at

    first_end, second_start, second_end = run(scenario())
    assert mic.speech_end_before((first_end + second_start) / 2) == first_end
    assert mic.speech_end_before(second_start + 0.25) is None  # in the second answer's pause
    assert mic.speech_end_before(second_end + 0.01) == second_end
    assert mic.speech_end_before(first_end - 0.05) is None  # the first still being said
