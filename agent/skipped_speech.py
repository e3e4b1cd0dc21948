"""Speech Whisper wrote no words for: a stretch its word timings skip over.

After a stretch it cannot make out (another language, heard by the English-only recogniser),
Whisper can go on past the English that follows without writing it: in
``bench.spoken_injection`` a Russian line before a strong answer came out as "I can't believe
that I'm in the same place. Apologize and ship ...", and the answer's first two sentences
(7 s) were lost, their time taken by two words ("same" 2.98-7.68 s, "place." 7.68-11.30 s).
No word lasts that long: over the 58 answers of the demo role's personas (Piper's voice,
about 150 words per minute) the most speech inside one word's span was 1.02 s. Where a word's
span holds more speech than ``WORD_SPEECH_S``, the window is decoded again from that word's
start, and the words from there are the new decode's. Here the answer came back whole: "I
can't believe that I'm in the Last spring, a customer wrote ...".
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from faster_whisper.vad import VadOptions, get_speech_timestamps

from perception.words import TimedWord

__all__ = ["WORD_SPEECH_S", "skipped_from"]

# More speech than this (s, silero VAD's) inside one word's span is speech it skipped: about
# twice the most in one word over the personas' answers (1.02 s; see the module's note).
WORD_SPEECH_S = 2.0
_RATE = 16000  # the recogniser's sample rate, Hz
# Speech spans as ``stt_whisper.speech_windows`` finds them: pauses of 0.1 s and more split.
_SPANS = VadOptions(min_silence_duration_ms=100, speech_pad_ms=0)


def skipped_from(words: Sequence[TimedWord], audio: np.ndarray) -> int | None:
    """Where to decode ``audio`` (16 kHz mono float32) again: a sample index, or None when its
    ``words`` (times in seconds from its first sample) skip no speech.

    The first word whose span holds more than ``WORD_SPEECH_S`` seconds of speech skipped it,
    and the decode starts again at that word's start; for the audio's first word (decoding the
    same audio again would write the same words), in the middle of the first pause inside it,
    or None when there is none.
    """
    long = [w for w in words if w.end_s - w.start_s > WORD_SPEECH_S]
    if not long:  # (the VAD runs only then: nearly every decode has no such word)
        return None
    spans = get_speech_timestamps(np.asarray(audio, dtype=np.float32), _SPANS,
                                  sampling_rate=_RATE)  # fmt: skip
    for word in long:
        start, end = round(word.start_s * _RATE), round(word.end_s * _RATE)
        inside = [(max(s["start"], start), min(s["end"], end)) for s in spans
                  if s["start"] < end and s["end"] > start]  # fmt: skip
        if sum(b - a for a, b in inside) <= WORD_SPEECH_S * _RATE:
            continue  # a word drawn over a pause, not over speech
        if start > 0:
            return start
        pauses = [(inside[i][1], inside[i + 1][0]) for i in range(len(inside) - 1)]
        return (pauses[0][0] + pauses[0][1]) // 2 if pauses else None
    return None
