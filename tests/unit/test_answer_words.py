"""The cues behind a practice tip: every answer to the question, a follow-up's included."""

from __future__ import annotations

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
