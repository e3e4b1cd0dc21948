"""The word timings of the candidate's open answer, and the quick pass's cues on them."""

from __future__ import annotations

from agent.perceiver import Perceiver
from perception.words import TimedWord

__all__ = ["AnswerWords"]


class AnswerWords:
    """Word timings (wall clock, seconds) of the answer in progress, as the STT gives them.

    ``turn`` holds those of the turn not yet taken by the journal (``take_turn``); the answer's
    earlier turns are kept until the answer is final (``answer_final``), so its span and its
    coaching cues read every word of it. ``cue_figures`` keeps the figure behind each cue.
    """

    def __init__(self, perceiver: Perceiver) -> None:
        self._perceiver = perceiver
        self.turn: list[TimedWord] = []
        self._taken: list[TimedWord] = []
        self.cue_figures: dict[str, float] = {}

    def take_turn(self) -> list[TimedWord]:
        """The word timings since the last call, for the journal; kept for the answer."""
        words, self.turn = self.turn, []
        self._taken += words
        return words

    def answer_final(self) -> None:
        """The answer is final: the next words begin another."""
        self._taken = []

    def span_s(self) -> float | None:
        """Seconds from the answer's first word to its last; None before any word."""
        words = [*self._taken, *self.turn]
        return words[-1].end_s - words[0].start_s if words else None

    def cues(self, answer: str) -> tuple[str, ...]:
        """Coaching cue kinds for the whole answer (text ``answer``) from the perceiver's quick
        pass on its words; each cue's figure is kept in ``cue_figures``."""
        words = [*self._taken, *self.turn]
        if not words:
            return ()
        cues = self._perceiver.quick(words, answer).cues
        self.cue_figures = {c.kind: c.value for c in cues}
        return tuple(c.kind for c in cues)
