"""A silence phrase Whisper wrote without hearing it is dropped; one the candidate said is kept."""

from __future__ import annotations

from agent.unheard_words import without_invented_sentence, without_unheard_tail
from perception.words import TimedWord


def _words(*spec: tuple[str, float]) -> list[TimedWord]:
    return [TimedWord(w, i * 0.3, i * 0.3 + 0.2, p) for i, (w, p) in enumerate(spec)]


def test_an_unheard_thank_you_at_the_end_is_dropped() -> None:
    words = _words(("Probably", 0.9), ("the", 0.95), ("payment", 0.94), ("one.", 0.9),
                   ("Thank", 0.02), ("you.", 0.98))  # fmt: skip
    assert [w.word for w in without_unheard_tail(words)] == ["Probably", "the", "payment", "one."]


def test_the_longest_unheard_phrase_goes_whole() -> None:
    words = _words(("Sure.", 0.5), ("Thank", 0.03), ("you", 0.9), ("very", 0.9), ("much.", 0.9))
    assert [w.word for w in without_unheard_tail(words)] == ["Sure."]


def test_a_heard_thank_you_is_kept() -> None:
    words = _words(("That's", 0.9), ("all.", 0.9), ("Thank", 0.93), ("you.", 0.98))
    assert without_unheard_tail(words) == words


def test_an_unsure_word_that_is_no_silence_phrase_is_kept() -> None:
    words = _words(("I", 0.9), ("called", 0.9), ("Atela", 0.04), ("Combshop.", 0.2))
    assert without_unheard_tail(words) == words


def test_only_the_end_is_looked_at() -> None:
    words = _words(("Thank", 0.05), ("you.", 0.9), ("Then", 0.9), ("I", 0.9), ("left.", 0.9))
    assert without_unheard_tail(words) == words
    assert without_unheard_tail([]) == []


def test_a_heard_longer_phrase_is_not_cut_to_a_shorter_one() -> None:
    words = _words(("Okay,", 0.9), ("we'll", 0.9), ("see", 0.05), ("you", 0.9), ("next", 0.9),
                   ("time.", 0.9))  # fmt: skip
    assert without_unheard_tail(words) == words


def test_punctuation_inside_the_phrase_does_not_hide_it() -> None:
    words = _words(("Sure.", 0.6), ("Thank", 0.02), ("you,", 0.9), ("very", 0.9), ("much.", 0.9))
    assert [w.word for w in without_unheard_tail(words)] == ["Sure."]


def test_a_repetition_loop_is_told_from_an_answer() -> None:
    from agent.stt_whisper import _LOOP_RATIO, _compression_ratio

    # Seen in a room test on a loaded machine: greedy decoding stuck on "uh".
    assert _compression_ratio("I recave here. " + "Uh, " * 60 + "For your year.") > _LOOP_RATIO
    answer = (
        "Last spring a customer wrote in because his order had been lost twice. I called him "
        "the same day, apologised, and shipped a replacement with express delivery."
    )
    assert _compression_ratio(answer) < _LOOP_RATIO


def test_an_invented_last_sentence_is_dropped_and_a_heard_one_kept() -> None:
    said = [
        TimedWord(w, i * 0.3, i * 0.3 + 0.2, 0.99)
        for i, w in enumerate("on two other services.".split())
    ]
    heard = [("This", 0.01), ("is", 0.6), ("the", 0.29), ("first", 0.12), ("one.", 0.18)]
    invented = [TimedWord(w, 2.0, 2.0 + (0.4 if i < 2 else 0.0), p)
                for i, (w, p) in enumerate(heard)]  # fmt: skip
    assert without_invented_sentence([*said, *invented]) == said
    # A quiet last sentence the candidate said: its words are heard, so it stays.
    quiet = [TimedWord(w, 2.0 + i * 0.3, 2.2 + i * 0.3, p) for i, (w, p) in
             enumerate([("Thanks", 0.05), ("for", 0.9), ("asking.", 0.95)])]  # fmt: skip
    assert without_invented_sentence([*said, *quiet]) == [*said, *quiet]
    # Only after a finished sentence: a low word inside the last sentence is left alone.
    assert without_invented_sentence(said[:2] + invented) == said[:2] + invented
