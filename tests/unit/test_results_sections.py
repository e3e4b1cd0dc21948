"""Benches that share a results file (``reliability.md``) each replace only their own section."""

from __future__ import annotations

import pytest

from bench.sections import replace_section

TEXT = (
    "# Reliability\n\nheadless figures\n\n## In a browser room\n\nroom figures\n\n"
    "## Glance\n\nold\n"
)


def test_a_section_in_the_middle_is_replaced_and_the_ones_after_it_kept() -> None:
    out = replace_section(TEXT, "## In a browser room", "new room figures\n")
    assert out == (
        "# Reliability\n\nheadless figures\n\n## In a browser room\n\nnew room figures\n\n"
        "## Glance\n\nold\n"
    )


def test_the_last_section_is_replaced_and_a_missing_one_appended() -> None:
    assert replace_section(TEXT, "## Glance", "new").endswith("room figures\n\n## Glance\n\nnew\n")
    out = replace_section(TEXT, "## Phone", "calls")
    assert out == TEXT + "\n## Phone\n\ncalls\n"
    assert replace_section("", "## Phone", "calls") == "## Phone\n\ncalls\n"


def test_a_heading_is_matched_whole_and_must_be_a_second_level_one() -> None:
    text = "## In a browser room, again\n\nkeep\n"
    assert replace_section(text, "## In a browser room", "x").startswith(text)
    with pytest.raises(ValueError, match="not a '## ' heading"):
        replace_section(TEXT, "# Reliability", "x")


def test_a_heading_with_windows_line_ends_is_found() -> None:
    text = "# R\r\n\r\n## Glance\r\n\r\nold\r\n"
    assert replace_section(text, "## Glance", "new") == "# R\r\n\r\n## Glance\n\nnew\n"
