"""Spelling and grammar notes from the offline checker and rules."""

from __future__ import annotations

from perception.language import language_notes


def _kinds(text: str, **kw: object) -> list[tuple[str, str, str]]:
    return [(n.kind, n.text, n.suggestion) for n in language_notes(text, **kw)]  # type: ignore[arg-type]


def test_a_misspelt_word_gets_a_suggestion() -> None:
    assert ("spelling", "recieve", "receive") in _kinds("We recieve about a hundred tickets a day.")


def test_clean_text_with_trade_words_and_names_has_no_notes() -> None:
    text = "At Acme I refactored the backend API and moved our Postgres jobs to Kubernetes."
    assert _kinds(text) == []


def test_role_vocabulary_is_accepted() -> None:
    text = "I would upsell the annual plan."
    assert _kinds(text) == [("spelling", "upsell", "upswell")]
    assert _kinds(text, vocabulary=["Upsell"]) == []


def test_doubled_words_and_articles() -> None:
    notes = _kinds("It was a issue in the the queue, an hour long, a user and an useful fix.")
    assert ("repeated-word", "the the", "the") in notes
    assert ("article", "a issue", "an issue") in notes
    assert ("article", "an useful", "a useful") in notes
    assert not any(n[1] in ("an hour", "a user") for n in notes)


def test_a_run_on_sentence_is_noted() -> None:
    long = " ".join(["we checked the logs and then"] * 10) + "."
    notes = language_notes(long)
    assert [n.kind for n in notes] == ["run-on"]
    assert "60-word" in notes[0].suggestion
