"""Does the candidate's speech so far sound unfinished (thinking aloud, or a dangling word)?"""

from __future__ import annotations

import re

__all__ = ["sounds_unfinished"]

_THINKING = (
    "let me think", "let me see", "give me a second", "give me a moment", "good question",
    "hmm", "um", "uh", "er", "so", "well", "okay so", "how do i put this", "where do i start",
)  # fmt: skip
# Words a finished sentence rarely ends on.
_DANGLING = {
    "and", "but", "or", "so", "because", "the", "a", "an", "to", "of", "with", "for", "in",
    "on", "at", "that", "which", "was", "were", "is", "are", "my", "our", "their", "then",
    "if", "when", "while", "like", "about", "into", "from", "by", "as", "i", "we",
}  # fmt: skip
_TOKEN = re.compile(r"[a-z']+")


def sounds_unfinished(transcript: str) -> bool:
    """True when ``transcript`` ends in a thinking phrase or a word a sentence rarely ends on."""
    text = transcript.strip().lower()
    if not text:
        return False
    if text.endswith(("...", "…", ",", "-", "—")):
        return True
    words = _TOKEN.findall(text)
    if not words:
        return False
    tail = " ".join(words[-5:])
    if any(tail == p or tail.endswith(" " + p) for p in _THINKING):
        return True
    return words[-1] in _DANGLING
