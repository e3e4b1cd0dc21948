"""The audio decoded again after a word that skipped speech, and where its words land."""

from __future__ import annotations

import numpy as np

from agent.skipped_speech import LEAD_S, PAD_S, decoded_again
from agent.stt_stream import Transcript
from perception.words import TimedWord

RATE = 16000


def test_the_new_decode_starts_before_the_drawn_word_after_silence() -> None:
    audio = np.linspace(-0.5, 0.5, 10 * RATE, dtype=np.float32)
    given: list[np.ndarray] = []

    def decode(window: np.ndarray) -> Transcript:
        given.append(window)
        return Transcript("", (), window.size / RATE)

    assert decoded_again(audio, 4.0, decode) == ()
    (window,) = given
    silence, rest = window[: round(PAD_S * RATE)], window[round(PAD_S * RATE) :]
    assert not silence.any()
    np.testing.assert_array_equal(rest, audio[round((4.0 - LEAD_S) * RATE) :])


def test_its_words_are_moved_onto_the_audios_clock_and_the_leads_words_left_out() -> None:
    audio = np.zeros(10 * RATE, dtype=np.float32)
    lead, pad = 0.15, 0.3

    def decode(window: np.ndarray) -> Transcript:
        words = (
            TimedWord("line", 0.1, 0.42, 0.3),  # the kept word's tail, in the lead: left out
            TimedWord("bookshop.", 0.42, 1.2, 0.6),  # the drawn word, begun inside the lead
            TimedWord("Last", 1.7, 2.0, 0.9),
        )
        return Transcript("line bookshop. Last", words, window.size / RATE)

    words = decoded_again(audio, 4.0, decode, lead_s=lead, pad_s=pad)
    # The window's time t is 4.0 - lead - pad + t on the audio's clock.
    assert [w.word for w in words] == ["bookshop.", "Last"]
    assert np.allclose([(w.start_s, w.end_s) for w in words], [(3.97, 4.75), (5.25, 5.55)])


def test_a_word_timed_inside_the_silence_starts_where_the_audio_resumes() -> None:
    audio = np.zeros(10 * RATE, dtype=np.float32)

    def decode(window: np.ndarray) -> Transcript:
        return Transcript("So", (TimedWord("So", 0.0, 0.9, 0.8),), window.size / RATE)

    (word,) = decoded_again(audio, 4.0, decode, lead_s=0.15, pad_s=0.3)
    assert np.allclose((word.start_s, word.end_s), (3.85, 4.45))  # not before the audio resumes
