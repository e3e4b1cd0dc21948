"""The word timings of the candidate's open answer, and the quick pass's cues on them."""

from __future__ import annotations

from agent.perceiver import Perceiver
from perception.words import TimedWord

__all__ = ["AnswerWords"]


class AnswerWords:
    """Word timings (wall clock, seconds) of the answer in progress, as the STT gives them.

    ``turn`` holds those of the turn not yet taken by the journal (``take_turn``); the answer's
    earlier turns are kept until the answer is final (``answer_final``), so its span and its
    coaching cues read every word of it. The cues of a question's final answers are kept until
    another question is answered: a follow-up's answer adds to its first answer's cues.
    ``cue_figures`` keeps the figure behind each cue, from the answer that raised it last.
    """

    def __init__(self, perceiver: Perceiver) -> None:
        self._perceiver = perceiver
        self.turn: list[TimedWord] = []
        self._taken: list[TimedWord] = []
        self._question: str | None = None  # the question the cues below are about
        self._raised: dict[str, float] = {}  # its final answers' cues and their figures
        self._open: dict[str, float] = {}  # the open answer's, from the latest quick pass
        self.cue_figures: dict[str, float] = {}

    def take_turn(self) -> list[TimedWord]:
        """The word timings since the last call, for the journal; kept for the answer."""
        words, self.turn = self.turn, []
        self._taken += words
        return words

    def answer_final(self) -> None:
        """The answer is final: the next words begin another (its cues stay the question's)."""
        self._taken = []
        self._raised.update(self._open)
        self._open = {}

    def span_s(self) -> float | None:
        """Seconds from the answer's first word to its last; None before any word."""
        words = [*self._taken, *self.turn]
        return words[-1].end_s - words[0].start_s if words else None

    def cues(self, answer: str, question_id: str | None = None) -> tuple[str, ...]:
        """Coaching cue kinds for the answers to ``question_id`` so far: the perceiver's quick
        pass on the open answer's words (text ``answer``), after the cues its earlier final
        answers raised. A follow-up's answer alone is often too short to measure (under 20
        words its confidence is under ``perception.cues.MIN_CONFIDENCE``), while the first
        answer ran fast: the tip between questions is about both."""
        if question_id != self._question:
            self._question, self._raised, self._open = question_id, {}, {}
        words = [*self._taken, *self.turn]
        found = self._perceiver.quick(words, answer).cues if words else ()
        self._open = {c.kind: c.value for c in found}
        self.cue_figures = {**self._raised, **self._open}
        return tuple(self.cue_figures)
