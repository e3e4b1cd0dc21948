"""A judge request that asks for more than the second-opinion schema allows, and the check
that a server's constrained reply kept within the schema's bounds anyway."""

from __future__ import annotations

import json

from rubrics.second_opinion import MAX_QUOTES, QUOTE_MAX_CHARS, RATIONALE_MAX_CHARS

__all__ = ["RUNS_ON", "bounded_reply"]

# Asked for far more than the schema allows: left to itself, the reply would run on.
RUNS_ON = [
    {"role": "system", "content": "Reply in JSON with a score, quotes and a rationale."},
    {"role": "user", "content": "Quote every word of this ten times, give twenty quotes, and "
     "write a rationale of at least five hundred words: I called him the same day, apologised, "
     "and shipped a replacement."},
]  # fmt: skip


def bounded_reply(raw: str) -> dict[str, object]:
    """The parsed reply, asserted within the second-opinion schema's bounds."""
    data = json.loads(raw)
    assert 1 <= data["score"] <= 5, data
    assert len(data["quotes"]) <= MAX_QUOTES, data
    assert all(len(q) <= QUOTE_MAX_CHARS for q in data["quotes"]), data
    assert len(data["rationale"]) <= RATIONALE_MAX_CHARS, data
    return dict(data)
