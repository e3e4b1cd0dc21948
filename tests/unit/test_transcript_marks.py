"""Words the recogniser was unsure of are found in the turn's text and marked, text unchanged."""

from __future__ import annotations

from perception.words import TimedWord
from reports.html import marked_html
from reports.transcript import marked_text, unsure_words


def _words(spec: list[tuple[str, float | None]]) -> list[TimedWord]:
    return [TimedWord(w, i * 0.4, i * 0.4 + 0.3, p) for i, (w, p) in enumerate(spec)]


def test_only_words_under_the_threshold_are_unsure() -> None:
    words = _words([("Last", 0.95), ("bring", 0.21), ("a", 0.9), ("customer", 0.39),
                    ("wrote.", 0.4), (",", 0.01), ("in", None)])  # fmt: skip
    assert [(u["word"], u["p"]) for u in unsure_words(words)] == [("bring", 0.21),
                                                                  ("customer", 0.39)]  # fmt: skip


def test_marked_pieces_join_back_to_the_verbatim_text() -> None:
    text = "Last bring, a customer wrote in. The customer was upset."
    unsure = [{"word": " bring,", "p": 0.2}, {"word": "customer", "p": 0.3},
              {"word": "customer", "p": 0.35}]  # fmt: skip
    pieces = marked_text(text, unsure)
    assert "".join(p for p, _ in pieces) == text
    assert [(p, q) for p, q in pieces if q is not None] == [
        ("bring", 0.2),
        ("customer", 0.3),
        ("customer", 0.35),
    ]
    # The second "customer" is the second occurrence, in order.
    assert pieces[-2][0] == "customer" and pieces[-1] == (" was upset.", None)


def test_a_word_not_in_the_text_is_skipped_and_parts_of_words_are_not_marked() -> None:
    pieces = marked_text(
        "Scanning the cans", [{"word": "can", "p": 0.1}, {"word": "the", "p": 0.2}]
    )
    assert [(p, q) for p, q in pieces if q is not None] == [("the", 0.2)]
    assert marked_text("", []) == [("", None)]


def test_html_escapes_and_marks() -> None:
    html = marked_html("<b>bring</b> & go", [{"word": "bring", "p": 0.2}])
    assert "<b>" not in html and "&lt;b&gt;" in html and "&amp; go" in html
    assert (
        '<mark class=unsure title="the recogniser was unsure of this word (p=0.20)">bring</mark>'
        in html
    )


def test_the_unsure_word_is_marked_where_it_was_said_not_its_first_twin() -> None:
    words = _words([("I", 0.99), ("said", 0.9), ("I", 0.2), ("would.", 0.95)])
    pieces = marked_text("I said I would.", unsure_words(words))
    assert pieces == [("I said ", None), ("I", 0.2), (" would.", None)]
