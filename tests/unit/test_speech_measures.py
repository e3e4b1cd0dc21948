"""Speech measurements from word timings: pace, pauses, fillers, hedges, repeats, latency."""

from __future__ import annotations

from perception import measure_speech
from perception.words import TimedWord


def _words(
    text: str, *, start: float = 0.0, step: float = 0.4, gaps: dict[int, float] | None = None
) -> list[TimedWord]:
    out, t = [], start
    for i, word in enumerate(text.split()):
        t += (gaps or {}).get(i, 0.0)
        out.append(TimedWord(word, round(t, 3), round(t + step * 0.8, 3)))
        t += step
    return out


def test_pace_and_pauses() -> None:
    text = " ".join(["word"] * 30)
    words = _words(text, start=10.0, gaps={10: 2.5, 20: 0.5})
    m = measure_speech(words, question_end_s=9.0)
    span = words[-1].end_s - words[0].start_s
    assert m.words == 30 and m.words_per_minute == round(30 * 60 / span, 1)
    assert m.pauses == 2 and m.pauses_over_2s == 1
    assert m.longest_pause_s == round(2.5 + 0.4 * 0.2, 2)
    assert m.articulation_rate is not None and m.articulation_rate > m.words_per_minute
    assert m.response_latency_s == 1.0
    assert m.confidence == 0.75


def test_rate_uses_the_turn_span_when_known() -> None:
    words = _words(" ".join(["word"] * 20))
    m = measure_speech(words, turn_start_s=0.0, turn_end_s=10.0)
    assert m.words_per_minute == 120.0


def test_fillers_hedges_and_repeats() -> None:
    text = (
        "Um so I think we, like, basically fixed it, you know, and and maybe it was the the "
        "router, uh, kind of. I would like to add that I like the team."
    )
    m = measure_speech(_words(text), transcript=text)
    # um, uh, like (between commas), basically, you know; not "would like" or "I like".
    assert m.fillers == 5
    assert m.hedges == 3  # I think, maybe, kind of
    assert m.repeated_words == 2  # "and and", "the the"
    assert m.fillers_per_100_words == round(100 * 5 / m.words, 2)


def test_too_little_speech_is_not_measured() -> None:
    m = measure_speech(_words("Yes I did"))
    assert m.words_per_minute is None and m.articulation_rate is None
    assert m.confidence < 0.1
    empty = measure_speech([])
    assert empty.words == 0 and empty.words_per_minute is None and empty.speaking_share is None


def test_response_latency_comes_from_the_speech_onset_in_the_audio() -> None:
    import numpy as np

    from perception import measure_answer

    rate = 16000
    rng = np.random.default_rng(7)
    # The question ended at 10.0 s; the candidate waited 1.0 s, then spoke for 3 s.
    audio = np.concatenate(
        [np.zeros(rate), 0.1 * rng.standard_normal(3 * rate), np.zeros(rate // 2)]
    ).astype(np.float32)
    # Whisper put the first word at the start of its segment, 0.5 s before the speech began.
    words = _words(" ".join(["word"] * 8), start=10.5, step=0.35)
    m = measure_answer(
        words, audio=audio, rate=rate, audio_start_s=10.0, question_end_s=10.0,
        prosody=False, language=False,
    )  # fmt: skip
    assert m.speech.response_latency_s is not None
    assert abs(m.speech.response_latency_s - 1.0) <= 0.2
    # Without audio, only the words are known.
    assert measure_speech(words, question_end_s=10.0).response_latency_s == 0.5
