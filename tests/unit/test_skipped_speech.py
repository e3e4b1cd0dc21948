"""The audio decoded again after a word that skipped speech, and where its words land."""

from __future__ import annotations

import numpy as np
import pytest

from agent.skipped_speech import PAD_S, Skip, decoded_again, skip_in
from agent.stt_stream import Transcript
from perception.words import TimedWord

RATE = 16000
# Whisper's first decode: "same" drawn over speech it skipped, from 4.0 s.
FIRST = (TimedWord("the", 3.5, 3.8, 0.9), TimedWord("same", 4.0, 9.0, 0.2))


def _decoding(*words: TimedWord) -> tuple[list[np.ndarray], object]:
    given: list[np.ndarray] = []

    def decode(window: np.ndarray) -> Transcript:
        given.append(window)
        return Transcript(" ".join(w.word for w in words), words, window.size / RATE)

    return given, decode


def test_the_audio_from_the_drawn_word_is_decoded_again_after_silence() -> None:
    audio = np.linspace(-0.5, 0.5, 10 * RATE, dtype=np.float32)
    given, decode = _decoding(TimedWord("Last", 0.4, 0.7, 0.9))
    decoded_again(audio, FIRST, 1, decode)  # type: ignore[arg-type]
    (window,) = given
    assert window.size == round(PAD_S * RATE) + 6 * RATE
    assert not window[: round(PAD_S * RATE)].any()
    np.testing.assert_array_equal(window[round(PAD_S * RATE) :], audio[4 * RATE :])


def test_the_new_words_replace_the_drawn_one_on_the_audios_clock() -> None:
    audio = np.zeros(10 * RATE, dtype=np.float32)
    # The first word timed inside the silence (Whisper's starts run early after one) is kept,
    # from where the audio resumes.
    _, decode = _decoding(TimedWord("I", 0.2, 0.4, 0.9), TimedWord("can't", 0.4, 0.8, 0.9))
    words = decoded_again(audio, FIRST, 1, decode, pad_s=0.3)  # type: ignore[arg-type]
    assert [w.word for w in words] == ["the", "I", "can't"]
    assert np.allclose([(w.start_s, w.end_s) for w in words[1:]], [(4.0, 4.1), (4.1, 4.5)])


def test_with_a_lead_the_kept_words_heard_again_are_left_out() -> None:
    audio = np.zeros(10 * RATE, dtype=np.float32)
    _, decode = _decoding(
        TimedWord("ee", 0.1, 0.42, 0.3),  # the end of "the", inside the lead: left out
        TimedWord("bookshop.", 0.42, 1.2, 0.6),  # the drawn word, begun inside the lead
        TimedWord("Last", 1.7, 2.0, 0.9),
    )
    words = decoded_again(audio, FIRST, 1, decode, lead_s=0.15, pad_s=0.3)  # type: ignore[arg-type]
    # The window's time t is 4.0 - lead - pad + t on the audio's clock.
    assert [w.word for w in words] == ["the", "bookshop.", "Last"]
    assert np.allclose([(w.start_s, w.end_s) for w in words[1:]], [(3.97, 4.75), (5.25, 5.55)])


def test_a_new_decode_with_no_words_keeps_the_old_ones() -> None:
    audio = np.zeros(10 * RATE, dtype=np.float32)
    _, decode = _decoding()
    assert decoded_again(audio, FIRST, 1, decode) == FIRST  # type: ignore[arg-type]


def test_without_a_lead_no_word_is_left_out_whatever_the_drawn_words_time() -> None:
    audio = np.zeros(10 * RATE, dtype=np.float32)
    _, decode = _decoding(TimedWord("I", 0.1, 0.2, 0.9), TimedWord("can't", 0.4, 0.8, 0.9))
    first = (FIRST[0], TimedWord("same", 3.97003, 9.0, 0.2))  # not on a whole sample
    words = decoded_again(audio, first, 1, decode)  # type: ignore[arg-type]
    assert [w.word for w in words] == ["the", "I", "can't"]


def _said(*spans: tuple[str, float, float]) -> tuple[TimedWord, ...]:
    return tuple(TimedWord(w, a, b, 0.9) for w, a, b in spans)


def test_a_word_drawn_over_speech_is_decoded_again_from_its_start() -> None:
    # (The module's note: "same" 2.98-7.68 s over the answer's first sentences.)
    words = _said(("the", 2.5, 2.98), ("same", 2.98, 7.68), ("place.", 7.68, 8.0))
    assert skip_in(words, [(0.1, 8.0)]) == Skip(1, 2.98)
    # Drawn over a pause, it holds little speech: left alone.
    assert skip_in(words, [(0.1, 3.2), (7.4, 8.0)]) is None


def test_a_word_drawn_from_the_audios_start_is_decoded_again_from_a_pause_inside_it() -> None:
    # "Chinese" 0.02-16.65 s: 12 s of a line Whisper could not make out, a pause, then the
    # answer's first sentence, skipped.
    words = _said(("Chinese", 0.02, 16.65), ("I", 16.65, 17.41), ("called", 17.41, 18.17))
    spans = [(0.03, 12.42), (12.7, 17.41), (17.66, 19.33)]
    assert skip_in(words, spans) == Skip(0, 12.7)
    assert skip_in(words, spans, pauses=False) is None  # (as before: bench.decode_again)
    # With no pause inside it, decoded again from its start: nearly the same audio.
    assert skip_in(words, [(0.03, 19.33)]) is None


def test_speech_no_word_covers_is_decoded_again_from_a_pause_inside_it() -> None:
    # A window cut in the line's last sound: 4.3 s with no word, the answer skipped after a
    # pause 0.49 s in.
    words = _said(("I", 4.28, 5.08), ("called", 5.08, 5.88))
    assert skip_in(words, [(0.0, 0.27), (0.49, 5.17), (5.39, 7.0)]) == Skip(0, 0.49)
    # Between two words, from the first one's end.
    words = _said(("Hello.", 0.2, 0.8), ("I", 4.28, 5.08))
    assert skip_in(words, [(0.2, 5.08)]) == Skip(1, 0.8)
    # A thinking pause between them holds no speech: nothing skipped.
    assert skip_in(words, [(0.2, 0.8), (4.28, 5.08)]) is None


def test_from_a_pause_inside_the_drawn_word_it_is_kept_ending_there() -> None:
    audio = np.zeros(20 * RATE, dtype=np.float32)
    given, decode = _decoding(TimedWord("Last", 0.3, 0.6, 0.9), TimedWord("spring", 0.6, 1.0))
    drawn = _said(("Chinese", 0.02, 16.65), ("I", 16.65, 17.41))
    words = decoded_again(audio, drawn, 0, decode, from_s=12.7)  # type: ignore[arg-type]
    (window,) = given
    assert window.size == round(PAD_S * RATE) + round(7.3 * RATE)
    assert [w.word for w in words] == ["Chinese", "Last", "spring"]
    assert np.allclose([(w.start_s, w.end_s) for w in words],
                       [(0.02, 12.7), (12.7, 13.0), (13.0, 13.4)])  # fmt: skip


def test_from_before_the_word_the_words_from_it_on_are_the_new_decodes() -> None:
    audio = np.zeros(10 * RATE, dtype=np.float32)
    _, decode = _decoding(TimedWord("Last", 0.3, 0.6, 0.9))
    words = decoded_again(audio, _said(("I", 4.28, 5.08)), 0, decode, from_s=0.49)  # type: ignore[arg-type]
    assert [(w.word, round(w.start_s, 2)) for w in words] == [("Last", 0.49)]


def test_speech_after_the_last_word_is_decoded_again_from_its_end() -> None:
    # A Spanish line said by espeak-ng: its words end at 1.38 s, and the window's answer after
    # it (3.23-9.86 s) has none.
    words = _said(("Well,", 0.0, 0.24), ("Puntwathion.", 0.82, 1.38))
    spans = [(0.06, 1.31), (1.57, 2.59), (3.23, 7.9), (8.16, 9.86)]
    assert skip_in(words, spans, end_s=10.93) == Skip(2, 1.38)
    assert skip_in(words, spans) is None  # (no end given: not looked at)
    assert skip_in(words, [(0.06, 1.31), (9.0, 9.9)], end_s=10.93) is None  # a word or two
    audio = np.zeros(11 * RATE, dtype=np.float32)
    _, decode = _decoding(TimedWord("Last", 2.0, 2.3, 0.9))
    again = decoded_again(audio, words, 2, decode, from_s=1.38)  # type: ignore[arg-type]
    assert [(w.word, round(w.start_s, 2)) for w in again] == [
        ("Well,", 0.0),
        ("Puntwathion.", 0.82),
        ("Last", 3.08),
    ]


def test_new_words_mostly_not_made_out_leave_the_old_ones() -> None:
    # A background voice or a long cough after "Yes.", decoded again on its own.
    audio = np.zeros(5 * RATE, dtype=np.float32)
    old = _said(("Yes.", 0.4, 1.0))
    _, decode = _decoding(
        *(TimedWord(w, 0.4 + i, 0.9 + i, 0.2) for i, w in enumerate("so I s".split()))
    )
    assert decoded_again(audio, old, 1, decode, from_s=1.0) == old  # type: ignore[arg-type]


def test_a_pause_cut_may_be_a_quarter_second_in_and_no_word_is_out_of_range() -> None:
    words = _said(("I", 2.6, 2.9))
    assert skip_in(words, [(0.0, 0.2), (0.25, 2.55)]) == Skip(0, 0.25)
    audio = np.zeros(5 * RATE, dtype=np.float32)
    _, decode = _decoding(TimedWord("Last", 0.4, 0.7, 0.9))
    for drawn, from_s in ((2, 1.0), (1, None), (0, 3.5)):
        with pytest.raises(ValueError):
            decoded_again(audio, words, drawn, decode, from_s=from_s)  # type: ignore[arg-type]
