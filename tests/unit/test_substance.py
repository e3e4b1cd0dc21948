"""What counts as specific detail in a sentence: referents, not rubric words, jargon or praise."""

from __future__ import annotations

from rubrics.substance import concreteness, sentence_substance, vocabulary

RUBRIC = vocabulary(["Tell me about a time you improved a process.", "impact, ownership"])


def test_a_concrete_sentence_has_a_referent_and_a_vacuous_one_has_none() -> None:
    concrete = sentence_substance(
        "I asked the warehouse to scan returns on arrival and wrote a script that emails "
        "the refund team each morning.",
        RUBRIC,
    )
    assert concrete.has_referent
    assert {"warehouse", "scan", "returns", "script"} <= {w.lower() for w in concrete.specific}
    vacuous = sentence_substance(
        "I took ownership of the process, I listened to stakeholders and the measurable "
        "result was a big improvement that I personally delivered.",
        RUBRIC,
    )
    assert not vacuous.has_referent
    assert vacuous.jargon >= 4 and vacuous.self_praise >= 2


def test_a_number_among_buzzwords_is_a_claim_and_among_detail_a_result() -> None:
    claimed = sentence_substance(
        "I took ownership of the process, I listened to stakeholders, I prioritised by impact, "
        "I made trade-offs, and the measurable result was a twenty percent improvement that I "
        "personally delivered.",
        RUBRIC,
    )
    assert claimed.numbers == 1 and not claimed.has_referent
    praised = sentence_substance(
        "I personally called the customer and refunded the forty pounds that afternoon.", RUBRIC
    )
    assert praised.self_praise == 1 and praised.has_referent  # praise beside detail is detail
    result = sentence_substance(
        "Thanks to my excellent planning, churn dropped 20 percent.", RUBRIC
    )
    assert result.has_referent


def test_rubric_words_said_back_are_not_detail() -> None:
    said_back = sentence_substance("I improved the process with real impact.", RUBRIC)
    assert said_back.specific == ()


def test_words_the_recogniser_was_unsure_of_carry_nothing() -> None:
    sentence = "Last bring a customer wrote about a broken kettle."
    sure = sentence_substance(sentence, RUBRIC)
    unsure = sentence_substance(sentence, RUBRIC, frozenset({"broken", "kettle"}))
    assert "kettle" in sure.specific and "kettle" not in unsure.specific
    assert "kettle" in unsure.unsure


def test_abstract_words_are_not_referents_and_numbers_are() -> None:
    assert (concreteness("parcel") or 0) > 4 > (concreteness("chance") or 5)
    assert concreteness("nurses") == concreteness("nurse")  # base form of an inflection
    vague = sentence_substance("It was a great chance to try different things.", RUBRIC)
    assert vague.specific == ()
    measured = sentence_substance("Returns now close in three days.", RUBRIC)
    assert measured.numbers == 1 and measured.has_referent
