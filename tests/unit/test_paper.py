"""The reader's paper: from the browser's languages, else this machine's locale, else A4."""

from __future__ import annotations

import pytest

from reports.paper import paper_for_locale, readers_paper


@pytest.mark.parametrize(
    ("name", "paper"),
    [
        ("en_US.UTF-8", "letter"),
        ("en-CA", "letter"),
        ("es-MX", "letter"),
        ("en_GB.UTF-8", "a4"),
        ("de-DE", "a4"),
        ("fr", None),
        ("C.UTF-8", None),
        ("", None),
    ],
)
def test_a_locale_names_its_regions_paper(name: str, paper: str | None) -> None:
    assert paper_for_locale(name) == paper


def test_the_browser_comes_first_then_the_locale_then_a4() -> None:
    us = {"LANG": "en_US.UTF-8"}
    assert readers_paper(accept_language="fr-FR,fr;q=0.9,en;q=0.8", environ=us) == "a4"
    assert readers_paper(accept_language="en-US,en;q=0.9", environ={}) == "letter"
    assert readers_paper(accept_language="fr,en;q=0.5", environ=us) == "letter"  # no region
    assert readers_paper(environ={"LC_PAPER": "de_DE.UTF-8", "LANG": "en_US.UTF-8"}) == "a4"
    assert readers_paper(environ={}) == "a4"
    assert readers_paper("letter", accept_language="de-DE") == "letter"  # set: kept
    with pytest.raises(ValueError, match="auto, a4 or letter"):
        readers_paper("legal")
