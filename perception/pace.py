"""Speaking pace from word timings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["words_per_minute"]


def words_per_minute(words: Sequence[dict[str, Any]], *, min_words: int = 8) -> float | None:
    """Words per minute over the span of the words (pauses included); None when too few words.

    Args:
        words: ``{"start", "end"}`` dictionaries in seconds, in order.
        min_words: below this, the rate is not measured.
    """
    if len(words) < min_words:
        return None
    span = float(words[-1]["end"]) - float(words[0]["start"])
    if span <= 0:
        return None
    return round(len(words) * 60.0 / span, 1)
