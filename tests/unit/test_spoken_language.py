"""Clauses heard in another language are not the answer's evidence (issue 17).

Whisper tiny.en hears every language as English: words it wrote for a line in another
language, "As a Norwich pop as a knee and struck, I daged my nudge with the a scene", gave the
answer after it a part ("their own role", from "I daged my") and a level (4 to 5) it had not
earned (bench/results/spoken_injection.md, 4 Dec; there the line was read by the English voice,
which any identifier hears as English: here the stand-in is told it was another language). The
clauses the recogniser was unsure of are given to a language identifier (a stand-in here, the
real Whisper base in ``tests/integration/test_spoken_language.py``); those it hears in another
language are left out of the sentences the scorer and the LLM judge read, and the report says so.
"""

from __future__ import annotations

import numpy as np
import pytest

from perception.answer import measure_answer
from perception.spoken_language import MAX_CHECKS, OtherLanguage, other_language_spans
from perception.words import TimedWord
from reports.session_view import other_language
from rubrics import load_role
from rubrics.said import read_pieces, spoken_sentences
from rubrics.scoring import CandidateTurn, score_interview
from rubrics.second_opinion import parse_second_opinion
from tests.fakes.language import FakeLanguageID

RATE = 16000
NONSENSE = "As a Norwich pop as a knee and struck, I daged my nudge with the a scene,"
ANSWER = (
    "last spring a customer wrote and because his order had been lost twice. I called him the "
    "same day. A replacement went out with express delivery. He received "
    "the parcel the next morning and later left us a five star review."
)
ROLE = load_role("demo")
SPAN = {"first_word": 0, "last_word": 3, "language": "pl", "probability": 0.8, "english": 0.1}
QUESTION = ROLE.questions[0]


def _heard(
    nonsense: str = NONSENSE, answer: str = ANSWER
) -> tuple[str, tuple[TimedWord, ...], np.ndarray, range]:
    """The turn as heard: its text, words (0.4 s each; the nonsense heard unsure, the answer
    sure) and audio, the nonsense's stretch marked as another language for the stand-in."""
    foreign = nonsense.split()
    words = tuple(
        TimedWord(w, 0.4 * i, 0.4 * i + 0.3, 0.35 if i < len(foreign) else 0.95)
        for i, w in enumerate([*foreign, *answer.split()])
    )
    audio = np.full(round((words[-1].end_s + 0.5) * RATE), 0.01, dtype=np.float32)
    audio[: round(words[len(foreign) - 1].end_s * RATE)] = 0.9
    return f"{nonsense} {answer}", words, audio, range(len(foreign))


def test_the_clauses_heard_in_another_language_are_found_by_word() -> None:
    _, words, audio, foreign = _heard()
    identify = FakeLanguageID("pl")
    spans = other_language_spans(words, audio, RATE, 0.0, identify)
    # Two unsure clauses in a row (cut at the comma): one stretch, heard as Polish.
    assert [(s.first_word, s.last_word, s.language) for s in spans] == [(0, foreign[-1], "pl")]
    assert all(s.english < 0.5 for s in spans)
    # The answer's clauses were heard sure: only the one beside the stretch is checked.
    assert len(identify.clips) == 2


def test_the_clauses_beside_one_in_another_language_are_checked_however_sure() -> None:
    """The candidate goes on in the other language with words the recogniser wrote surely."""
    _, words, audio, foreign = _heard()
    sure_from = NONSENSE.split().index("I")
    words = tuple(
        TimedWord(w.word, w.start_s, w.end_s, 0.95 if i >= sure_from else w.probability)
        for i, w in enumerate(words)
    )
    identify = FakeLanguageID("pl")
    spans = other_language_spans(words, audio, RATE, 0.0, identify)
    assert [(s.first_word, s.last_word) for s in spans] == [
        (0, sure_from - 1),
        (sure_from, foreign[-1]),
    ]
    assert len(identify.clips) == 3  # the stretch, the clause after it, then English: stop


def test_short_unsure_clauses_in_a_row_are_checked_as_one_stretch() -> None:
    """What Whisper tiny.en wrote for espeak-ng's Mandarin: clauses of two or three words."""
    nonsense = "Her one-mail message, I'm two, if I'm two, I'll reach you, Fenwon."
    _, words, audio, foreign = _heard(nonsense)
    identify = FakeLanguageID("zh")
    spans = other_language_spans(words, audio, RATE, 0.0, identify)
    assert [(s.first_word, s.last_word) for s in spans] == [(0, foreign[-1])]
    assert len(identify.clips) == 2  # the stretch, and the answer's first clause beside it


def test_an_unsure_clause_in_english_stays_the_answers() -> None:
    _, words, audio, _ = _heard()
    audio[:] = 0.01  # the stand-in hears English everywhere
    identify = FakeLanguageID("pl")
    assert other_language_spans(words, audio, RATE, 0.0, identify) == []
    assert len(identify.clips) == 1


def test_at_most_a_few_stretches_are_checked_the_least_sure_first() -> None:
    nonsense = "Ab cd ef, gh ij kl, mn op qr, st uv wx, yz ab cd, ef gh ij, kl mn op,"
    _, words, audio, _ = _heard(nonsense)
    # Four unsure stretches, each between clauses heard sure; the surer the earlier.
    unsure = {i: p for first, p in ((0, 0.4), (6, 0.35), (12, 0.3), (18, 0.2))
              for i in range(first, first + 3)}  # fmt: skip
    words = tuple(
        TimedWord(w.word, w.start_s, w.end_s, unsure.get(i, 0.95)) for i, w in enumerate(words)
    )
    audio[:] = 0.01  # another language in the unsure stretches only
    for i in unsure:
        audio[round(words[i].start_s * RATE) : round(words[i].end_s * RATE) + 1600] = 0.9
    identify = FakeLanguageID("pl")
    spans = other_language_spans(words, audio, RATE, 0.0, identify)
    # Three stretches, then the clauses either side of each found (English: no further).
    assert len(identify.clips) == MAX_CHECKS + 6
    # The three least sure, though the first in word order is the one left out.
    assert [(s.first_word, s.last_word) for s in spans] == [(6, 8), (12, 14), (18, 20)]


def test_words_without_audio_or_probabilities_are_not_checked() -> None:
    _, words, audio, _ = _heard()
    identify = FakeLanguageID("pl")
    assert other_language_spans(words, audio[: RATE // 2], RATE, 0.0, identify) == []
    bare = tuple(TimedWord(w.word, w.start_s, w.end_s) for w in words)
    assert other_language_spans(bare, audio, RATE, 0.0, identify) == []
    assert identify.clips == []


def test_the_scorer_reads_the_answer_as_if_the_other_language_had_not_been_said() -> None:
    text, words, audio, _ = _heard()
    spans = tuple(other_language_spans(words, audio, RATE, 0.0, FakeLanguageID("pl")))

    def score(turn: CandidateTurn) -> tuple[int, str, list[str]]:
        sheet = score_interview(ROLE, [turn])
        (own,) = [a for a in sheet.answers if not a.credited and a.question_id == QUESTION.id]
        return own.level, own.rationale, [q.text for q in own.evidence]

    end = words[-1].end_s
    unchecked = score(CandidateTurn(1, QUESTION.id, text, 0.0, end, words))
    checked = score(CandidateTurn(1, QUESTION.id, text, 0.0, end, words, spans))
    answer_words = words[len(NONSENSE.split()) :]
    alone = score(CandidateTurn(1, QUESTION.id, ANSWER, answer_words[0].start_s, end, answer_words))
    assert unchecked[0] == 5 and "their own role" in unchecked[1]  # what the nonsense earned
    assert checked[0] == alone[0] == 4
    assert "Not read: speech in another language (pl)." in checked[1]
    assert not any("daged" in quote or "Norwich" in quote for quote in checked[2])
    assert all(quote in text for quote in checked[2])  # verbatim


def test_a_sentence_gives_the_words_around_the_clause_not_read() -> None:
    text = "I fixed it, bla bla bla, and the tests passed. Then I left."
    words = [TimedWord(w, float(i), i + 0.5) for i, w in enumerate(text.split())]
    said = spoken_sentences(text, words, 0.0, 20.0, frozenset({3, 4, 5}))
    assert [one[:3] for one in said] == [
        ("I fixed it,", 0.0, 2.5),
        ("and the tests passed.", 6.0, 9.5),
        ("Then I left.", 10.0, 12.5),
    ]


def test_spans_are_measured_stored_and_read_back() -> None:
    text, words, audio, _ = _heard()
    measures = measure_answer(words, transcript=text, audio=audio, identify=FakeLanguageID("ru"))
    stored = measures.as_dict()["other_language"]
    assert [s["language"] for s in stored] == ["ru"]
    assert other_language({"other_language": stored}) == tuple(measures.other_language)
    # Damaged or older data: no span, no error.
    assert other_language(None) == () and other_language({"speech": {}}) == ()
    broken = [dict(SPAN, first_word=5, last_word=2)]
    assert other_language({"other_language": [*broken, {"language": "pl"}]}) == ()
    assert measure_answer(words, transcript=text, audio=audio).other_language == []


@pytest.mark.parametrize("first,last", [(-1, 3), (4, 2)])
def test_a_span_out_of_order_is_refused(first: int, last: int) -> None:
    with pytest.raises(ValueError, match="word span"):
        OtherLanguage.from_stored(dict(SPAN, first_word=first, last_word=last))


def test_the_llm_judge_reads_the_parts_around_the_other_language() -> None:
    text, words, audio, _ = _heard()
    spans = tuple(other_language_spans(words, audio, RATE, 0.0, FakeLanguageID("pl")))
    turn = CandidateTurn(1, QUESTION.id, text, 0.0, words[-1].end_s, words, spans)
    assert turn.read_parts == [ANSWER]
    assert CandidateTurn(1, QUESTION.id, text, 0.0, 9.0, words).read_parts == [text]


def test_a_quote_across_a_clause_not_read_is_no_quote() -> None:
    """The parts around a clause not read are lines of their own to the judge's check."""
    raw = '{"score": 4, "quotes": ["I fixed it and the tests passed", "the tests passed"]}'
    opinion = parse_second_opinion(raw, "I fixed it,\nand the tests passed.", 4.0)
    assert opinion.quotes == ["the tests passed"]


def test_the_words_not_read_are_cut_from_a_sentence_its_timings_do_not_align_with() -> None:
    """The text says "shipped" where the words say "shept": the sentence cannot be paired
    with its words one by one, and the clause not read is still cut from it."""
    text = "Listen, bla bla bla, and shipped a replacement."
    words = [TimedWord(w, float(i), i + 0.5) for i, w in enumerate(text.split())]
    words[5] = TimedWord("shept", 5.0, 5.5)
    pieces, cut = read_pieces(text, words, frozenset({1, 2, 3}))
    assert [p for p, _ in pieces] == ["Listen,", "and shipped a replacement."]
    assert cut == {1, 2, 3}
    said = spoken_sentences(text, words, 0.0, 9.0, frozenset({1, 2, 3}))
    assert [one.text for one in said] == ["Listen,", "and shipped a replacement."]


def test_a_stretch_is_cut_at_its_own_place_when_its_words_came_earlier_too() -> None:
    """Whisper often writes the same words again over another language."""
    text = "I said it was a good one. It was a good one."
    words = [TimedWord(w, float(i), i + 0.5) for i, w in enumerate(text.split())]
    pieces, cut = read_pieces(text, words, frozenset({7, 8, 9, 10, 11}))
    assert [p for p, _ in pieces] == ["I said it was a good one."]
    assert cut == {7, 8, 9, 10, 11}


def test_a_stretch_not_found_in_the_text_is_read_and_not_said_to_be_left_out() -> None:
    text, words, audio, _ = _heard()
    spans = tuple(other_language_spans(words, audio, RATE, 0.0, FakeLanguageID("pl")))
    edited = text.replace("Norwich pop", "Norwich pup")  # the text no longer holds those words
    turn = CandidateTurn(1, QUESTION.id, edited, 0.0, words[-1].end_s, words, spans)
    assert turn.left_out == [] and turn.read_parts[0].startswith("As a Norwich pup")
    sheet = score_interview(ROLE, [turn])
    (own,) = [a for a in sheet.answers if not a.credited and a.question_id == QUESTION.id]
    assert "Not read" not in own.rationale and own.other_language == ()


def test_a_language_is_named_only_when_the_identifier_gave_it_half_or_more() -> None:
    assert OtherLanguage.from_stored(dict(SPAN, probability=0.81)).label == "pl"
    assert OtherLanguage.from_stored(dict(SPAN, probability=0.11)).label == "not identified"


def test_growing_stops_at_a_stretch_found_already() -> None:
    """Two unsure stretches with a surely heard clause between, all another language: the
    clause between is checked once, and no word is found twice."""
    _, words, audio, foreign = _heard("Ab cd ef gh, ij kl mn op, qr st uv wx,")
    words = tuple(
        TimedWord(w.word, w.start_s, w.end_s, 0.95 if 4 <= i < 8 else w.probability)
        for i, w in enumerate(words)
    )
    identify = FakeLanguageID("pl")
    spans = other_language_spans(words, audio, RATE, 0.0, identify)
    indices = [i for s in spans for i in range(s.first_word, s.last_word + 1)]
    assert indices == list(range(foreign[-1] + 1))  # every word once, in order
    # The two stretches, the clause between them, the answer's first clause: then English.
    assert len(identify.clips) == 4
