"""The cues behind a practice tip: every answer to the question, a follow-up's included."""

from __future__ import annotations

import time

import numpy as np

from agent.answer_words import AnswerWords
from agent.perceiver import Perceiver
from perception.words import TimedWord


def _said(text: str, start_s: float, words_per_minute: float) -> list[TimedWord]:
    """``text``'s words one after another at ``words_per_minute``, from ``start_s``."""
    step = 60.0 / words_per_minute
    return [
        TimedWord(w, start_s + i * step, start_s + (i + 0.9) * step)
        for i, w in enumerate(text.split())
    ]


FAST = " ".join(["I fixed the router for a nurse before her night shift"] * 5)  # 55 words
SHORT = "Um, yes, uh, I stayed on the line until it worked, um, then I logged it."  # 15


def _answer(words: AnswerWords, said: list[TimedWord]) -> None:
    words.turn = list(said)


def test_a_follow_ups_short_answer_keeps_the_first_answers_cue() -> None:
    words = AnswerWords(Perceiver())
    _answer(words, _said(FAST, 1000.0, 200))
    assert words.cues(FAST, "motivation") == ("pace-fast",)
    first = words.cue_figures["pace-fast"]
    assert first > 160
    words.take_turn()
    words.answer_final()  # the follow-up was heard
    _answer(words, _said(SHORT, 1030.0, 200))  # too few words to measure on its own
    assert words.cues(SHORT, "motivation") == ("pace-fast",)
    assert words.cue_figures == {"pace-fast": first}  # the figure of the answer that raised it
    words.take_turn()
    words.answer_final()
    # The next question's answers start afresh.
    _answer(words, _said(SHORT, 1060.0, 200))
    assert words.cues(SHORT, "frustrated-customer") == ()
    assert words.cue_figures == {}


def test_a_cue_of_an_answer_that_went_on_is_not_kept() -> None:
    words = AnswerWords(Perceiver())
    _answer(words, _said(FAST, 1000.0, 200))
    assert words.cues(FAST, "motivation") == ("pace-fast",)  # a reply begun, cut off
    _answer(words, _said(FAST, 1000.0, 140))  # the whole answer, read again, is in band
    assert words.cues(FAST, "motivation") == ()
    words.take_turn()
    words.answer_final()
    _answer(words, _said(SHORT, 1030.0, 140))
    assert words.cues(SHORT, "motivation") == ()


def test_a_pace_heard_later_replaces_the_opposite_one() -> None:
    words = AnswerWords(Perceiver())
    _answer(words, _said(FAST, 1000.0, 200))
    assert words.cues(FAST, "motivation") == ("pace-fast",)
    words.take_turn()
    words.answer_final()
    _answer(words, _said(FAST, 1030.0, 80))  # the follow-up's answer dragged
    assert words.cues(FAST, "motivation") == ("pace-slow",)
    assert words.cue_figures["pace-slow"] < 120
    words.take_turn()
    words.answer_final()
    _answer(words, _said(SHORT, 1090.0, 140))  # too short to measure: the last pace stays
    assert words.cues(SHORT, "motivation") == ("pace-slow",)


def test_a_resumed_interview_finds_the_cues_of_the_stored_answers() -> None:
    live, resumed = AnswerWords(Perceiver()), AnswerWords(Perceiver())
    _answer(live, _said(FAST, 1000.0, 200))
    live.cues(FAST, "motivation")
    live.take_turn()
    live.answer_final()
    _answer(live, _said(SHORT, 1030.0, 200))
    expected = live.cues(SHORT, "motivation")
    assert expected == ("pace-fast",)
    stored = [(FAST, _said(FAST, 1000.0, 200)), (SHORT, _said(SHORT, 1030.0, 200))]
    assert resumed.restore("motivation", stored) == expected
    assert resumed.cue_figures == live.cue_figures
    assert resumed.take_turn() == []  # stored already: the journal has nothing to take
    assert resumed.span_s() is None


def test_a_resumed_answer_is_measured_on_its_words_not_on_this_processs_sound() -> None:
    """The new process's microphone holds other sound (here a faint hum, about -46 dBFS) at
    the wall-clock times the stored words are moved to: it is not the answer's level."""
    perceiver = Perceiver()
    now = time.time()
    rate = 16000
    hum = 0.005 * np.sin(2 * np.pi * 220 * np.arange(rate * 30) / rate).astype(np.float32)
    perceiver.audio.push(hum, now)
    said = _said(FAST, now - 25.0, 140)  # an answer in band: no pace cue
    live = AnswerWords(perceiver)
    live.turn = list(said)
    assert "quiet" in live.cues(FAST, "motivation")  # (measured on the hum, as a live answer is)
    assert AnswerWords(perceiver).restore("motivation", [(FAST, said)]) == ()
