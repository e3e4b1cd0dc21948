"""Speech Whisper wrote no words for: a stretch its word timings skip over.

After a stretch it cannot make out (another language, heard by the English-only recogniser),
Whisper can go on past the English that follows without writing it: in
``bench.spoken_injection`` a Russian line before a strong answer came out as "I can't believe
that I'm in the same place. Apologize and ship ...", and the answer's first two sentences
(7 s) were lost, their time taken by two words ("same" 2.98-7.68 s, "place." 7.68-11.30 s).
No word lasts that long: over the 58 answers of the demo role's personas (Piper's voice,
about 150 words per minute) the most speech inside one word's span was 1.02 s. Where a word's
span holds more speech than ``WORD_SPEECH_S``, the window is decoded again from that word's
start, once, and the words from there are the new decode's. Here the answer came back whole:
"I can't believe that I'm in the Last spring, a customer wrote ...".

The same holds for speech no word covers (a window that begins in a line's last sounds, its
first word 4.5 s in; a window whose words end with the line's), and for a word drawn from the
audio's start: those are decoded again from where the words stop, or from a pause inside
(``skipped_from``). ``bench.decode_again`` (8 renders of each line before the strong answer):
the answer's first sentence was lost 8 times after the Chinese line read by piper and 3 after
the Russian line said by espeak-ng when decoded once, 7 and 1 when decoded again from a drawn
word's start alone, 0 and 0 now; the answer alone, and the Spanish line, lost none either way.
Of the 153 windows of the personas' 58 answers, checked twice (a comparison script, not kept),
none and one were decoded again: "me" drawn over 2.5 s at the end of a window, as before.

A decode that begins on speech often drops its first word (Whisper's word starts run late):
decoded from "bookshop"'s start as Whisper timed it, "... online bookshop. Last spring ..."
came back "Last spring ...". The audio decoded again is therefore given ``PAD_S`` of silence
before it (``decoded_again``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple

import numpy as np
from faster_whisper.vad import VadOptions, get_speech_timestamps

from agent.stt_stream import Transcript
from perception.words import TimedWord
from rubrics.substance import heard_unclearly

__all__ = [
    "LEAD_S",
    "MIN_START_S",
    "PAD_S",
    "WORD_SPEECH_S",
    "Skip",
    "decoded_again",
    "skip_in",
    "skipped_from",
]

# More speech than this (s, silero VAD's) inside one word's span is speech it skipped: about
# twice the most in one word over the personas' answers (1.02 s; see the module's note).
WORD_SPEECH_S = 2.0
# A drawn word beginning less than this (s) into the audio is not decoded again from its start:
# the same audio, less a word or two, would be decoded (and each decode costs about 0.35 s on 2
# cores); only from a pause inside it (``skipped_from``).
MIN_START_S = 0.5
# A pause this far (s) or more into the audio may be where it is decoded again from: the speech
# before it (the tail of a stretch in another language) is left out. A window cut at 12.05 s
# began with 0.49 s of the Chinese-letter line's tail, then the answer Whisper skipped.
_PAUSE_CUT_S = 0.25
_RATE = 16000  # the recogniser's sample rate, Hz
# Silence (s) put before the audio decoded again, and audio (s) taken before the drawn word's
# start. Decoded again from 180 word starts (4 renders of two pairs of sentences, whisper
# tiny.en), the words added 0.075 to the pair's WER on average from the start itself, and lost
# or invented about a sentence (more than 0.25) at 10 cuts; after 0.3 s of silence, 0.033 and
# none. A lead as well added a little less on average (0.028-0.030) but lost a sentence once:
# the last sound of the word before, heard alone after the silence, set Whisper inventing
# ("And, uh, we're gonna go back to the next one."). ``bench.decode_again``, 6 December.
PAD_S = 0.3
LEAD_S = 0.0
# Speech spans, split at pauses of 0.1 s and more (as ``stt_whisper.speech_windows`` cuts).
_SPANS = VadOptions(min_silence_duration_ms=100, speech_pad_ms=0)


class Skip(NamedTuple):
    """Where Whisper's words skipped speech: ``word``, the index of the word drawn over it or
    that follows it (the number of words: after the last), and ``from_s``, where (seconds from
    the audio's first sample) the audio is decoded again (``skipped_from``)."""

    word: int
    from_s: float


def skipped_from(
    words: Sequence[TimedWord], audio: np.ndarray, *, pauses: bool = True
) -> Skip | None:
    """Where ``words`` (Whisper's for ``audio``, 16 kHz mono float32; times in seconds from
    its first sample) skipped speech: the first word whose span, or the stretch before it (or
    after the last word) that no word covers, holds more than ``WORD_SPEECH_S`` seconds of
    speech (silero VAD's); None when none did. Raises nothing of its own.

    A word drawn over it is decoded again from its start, one beginning less than
    ``MIN_START_S`` into the audio from the first pause inside it (a speech span of silero's
    that begins there, 0.25 s or more in) after which it still holds that much speech:
    decoded again from its own start, nearly the same audio would give the same words. A
    stretch before a word, or after the last one (``Skip.word`` is then ``len(words)``), is
    decoded again from its start, or from such a pause inside it. A word drawn over a pause
    (Whisper stretches the word before one) holds little speech and is left alone; so is a
    stretch with no such pause, and audio with no words at all.

    From ``bench.spoken_injection``: a line piper read from Chinese characters ("Chinese
    letter", 12 s of it) came out as one word, "Chinese", 0.02-16.65 s, or as a window cut
    at 12.05 s whose words began 4.5 s in; either way the English answer's first sentence,
    after a pause at 12.6 s, was lost; after a Spanish line said by espeak-ng, a window's words
    ended with the line's ("Well, it's me, Puntwathion.", at 1.38 s) and the answer's first
    sentences after it were lost. With ``pauses`` False, only a word drawn over speech from
    ``MIN_START_S`` on is found, and decoded again from its start (as before 6 December; for
    ``bench.decode_again``).
    """
    end_s = audio.size / _RATE
    if all(b - a <= WORD_SPEECH_S for _, a, b, _ in _stretches(words, end_s)):
        return None  # (the VAD runs only where a stretch is that long)
    spans = get_speech_timestamps(np.asarray(audio, dtype=np.float32), _SPANS,
                                  sampling_rate=_RATE)  # fmt: skip
    found = [(s["start"] / _RATE, s["end"] / _RATE) for s in spans]
    return skip_in(words, found, end_s=end_s, pauses=pauses)


def skip_in(
    words: Sequence[TimedWord],
    spans: Sequence[tuple[float, float]],
    *,
    end_s: float | None = None,
    pauses: bool = True,
) -> Skip | None:
    """``skipped_from`` given the speech ``spans`` (start, end; seconds, in order) of the
    audio ``words`` are for, ``end_s`` long (None: the speech after the last word is not
    looked at)."""

    def speech(start: float, end: float) -> float:
        return sum(max(0.0, min(e, end) - max(s, start)) for s, e in spans)

    for i, a, b, own in _stretches(words, end_s):
        if b - a <= WORD_SPEECH_S or not (pauses or own):
            continue
        cuts = [a] if a >= MIN_START_S else []
        cuts += [s for s, _ in spans if s >= _PAUSE_CUT_S and a < s < b] if pauses else []
        for cut in cuts:
            if speech(cut, b) > WORD_SPEECH_S:
                return Skip(i, cut)
    return None


def _stretches(
    words: Sequence[TimedWord], end_s: float | None
) -> Iterator[tuple[int, float, float, bool]]:
    """(word index, start s, end s, the word's own): the stretch before each word that no word
    covers, then the word's own span; last, the stretch after the last word to ``end_s`` (its
    index ``len(words)``), where there are words and ``end_s`` is given."""
    for i, w in enumerate(words):
        yield i, words[i - 1].end_s if i else 0.0, w.start_s, False
        yield i, w.start_s, w.end_s, True
    if words and end_s is not None:
        yield len(words), words[-1].end_s, end_s, False


def decoded_again(
    audio: np.ndarray,
    words: Sequence[TimedWord],
    drawn: int,
    decode: Callable[[np.ndarray], Transcript],
    *,
    from_s: float | None = None,
    lead_s: float = LEAD_S,
    pad_s: float = PAD_S,
) -> tuple[TimedWord, ...]:
    """``words`` (Whisper's for ``audio``, 16 kHz mono float32; times in seconds from its
    first sample) with those from ``words[drawn]`` on (the word ``skipped_from`` found) decoded
    again by ``decode`` (a window of 16 kHz audio -> its transcript, word times in seconds from
    the window's first sample), on ``audio``'s clock. Where the new decode has no words, or
    words it mostly did not make out (``rubrics.substance.heard_unclearly``), the old ones are
    kept. ``drawn`` may be ``len(words)`` (the speech after the last word) where
    ``from_s`` is given. Raises what ``decode`` raises, and ValueError for a ``drawn`` that is no
    word (or ``len(words)`` with no ``from_s``), or a ``from_s`` past the drawn word's end.

    ``decode`` is given ``pad_s`` of silence, then the audio from ``lead_s`` before the drawn
    word's start, or from ``from_s`` where given (``Skip.from_s``: before the word, the stretch
    no word covered; past its start, a pause inside it, and the drawn word is kept, ending
    there). ``bench.decode_again`` compares the values. A word timed inside the silence starts
    where the audio resumes. With a lead, a word that ends inside it is the kept words' last
    one heard again, and is left out.
    """
    if not 0 <= drawn <= len(words) or (from_s is None and drawn == len(words)):
        raise ValueError(f"no word {drawn} of {len(words)} to decode again from")
    kept = tuple(words[:drawn])
    start_s = words[drawn].start_s if from_s is None else from_s
    if from_s is not None and drawn < len(words):
        w = words[drawn]
        if from_s > w.end_s:
            raise ValueError(f"from {from_s} s is past word {drawn}'s end ({w.end_s} s)")
        if from_s > w.start_s:  # from a pause inside it: it ends there
            kept += (TimedWord(w.word, w.start_s, from_s, w.probability),)
    cut = round(max(0.0, start_s - lead_s) * _RATE)
    pad = np.zeros(round(pad_s * _RATE), dtype=np.float32)
    window = decode(np.concatenate([pad, np.asarray(audio[cut:], dtype=np.float32)]))
    # On the window's clock: the silence ends at ``silent``, the drawn word begins at ``begins``.
    silent = pad.size / _RATE
    begins = silent + start_s - cut / _RATE
    shift = cut / _RATE - silent
    led = start_s * _RATE - cut >= 1  # a lead of a sample or more (not a float's rounding)
    rest = tuple(
        TimedWord(w.word, max(silent, w.start_s) + shift, max(silent, w.end_s) + shift,
                  w.probability)
        for w in window.words
        if not led or w.end_s > begins
    )  # fmt: skip
    # Words the new decode mostly did not make out (a background voice, a cough held long) are
    # no better than none: the old words stay.
    return kept + rest if rest and not heard_unclearly(rest) else tuple(words)
