"""One word-timing type from the speech-to-text plugin to the scorer: ``TimedWord``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

__all__ = ["TimedWord"]


@dataclass(frozen=True)
class TimedWord:
    """One recognised word and when it was said.

    ``start_s`` and ``end_s`` are seconds on the clock of whoever holds the word: from the start
    of the audio in the STT plugin, the wall clock in the live agent, from the start of the
    session once stored. ``probability`` is the recogniser's confidence in the word (0-1), None
    where it is not known.
    """

    word: str
    start_s: float
    end_s: float
    probability: float | None = None

    def shifted(self, offset_s: float) -> TimedWord:
        """The same word on a clock ``offset_s`` seconds later (negative: earlier)."""
        return replace(self, start_s=self.start_s + offset_s, end_s=self.end_s + offset_s)

    def to_stored(self) -> dict[str, str | float]:
        """The JSON form kept with a stored turn: ``{"word", "start", "end"}`` and ``"p"``."""
        stored: dict[str, str | float] = {
            "word": self.word, "start": round(self.start_s, 3), "end": round(self.end_s, 3),
        }  # fmt: skip
        if self.probability is not None:
            stored["p"] = round(self.probability, 3)
        return stored

    @classmethod
    def from_stored(cls, stored: Mapping[str, object]) -> TimedWord:
        """A word from its stored JSON form.

        Raises:
            ValueError: the word has no start or end time in seconds.
        """
        start, end, p = stored.get("start"), stored.get("end"), stored.get("p")
        if not isinstance(start, int | float) or not isinstance(end, int | float):
            raise ValueError(f"a stored word needs a start and an end in seconds: {stored!r}")
        probability = float(p) if isinstance(p, int | float) else None
        return cls(str(stored.get("word", "")), float(start), float(end), probability)
