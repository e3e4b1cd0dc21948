"""The word timings of the candidate's open answer, and the quick pass's cues on them."""

from __future__ import annotations

from collections.abc import Sequence

from agent.perceiver import Perceiver
from perception.words import TimedWord

__all__ = ["AnswerWords"]

# Cues that cannot both hold: the pace the latest answer measured replaces the other.
_EXCLUDES = {"pace-fast": "pace-slow", "pace-slow": "pace-fast"}


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
        self._raised = _merged(self._raised, self._open)
        self._open = {}

    def restore(
        self, question_id: str | None, answers: Sequence[tuple[str, Sequence[TimedWord]]]
    ) -> tuple[str, ...]:
        """After a resume, the cues of ``question_id``'s stored answers (their text and word
        timings on the wall clock, in order; the last one the answer no reply has answered),
        as :meth:`cues` gives them had the process not died. Their audio and video went with
        the process, so only the words are measured (pace and fillers)."""
        found: tuple[str, ...] = ()
        for i, (text, words) in enumerate(answers):
            self._taken = list(words)
            found = self.cues(text, question_id, media=False)
            if i < len(answers) - 1:
                self.answer_final()
        self._taken = []  # (stored already: nothing for the journal to take)
        return found

    def span_s(self) -> float | None:
        """Seconds from the answer's first word to its last; None before any word."""
        words = [*self._taken, *self.turn]
        return words[-1].end_s - words[0].start_s if words else None

    def cues(
        self, answer: str, question_id: str | None = None, *, media: bool = True
    ) -> tuple[str, ...]:
        """Coaching cue kinds for the answers to ``question_id`` so far: the perceiver's quick
        pass on the open answer's words (text ``answer``), after the cues its earlier final
        answers raised. A follow-up's answer alone is often too short to measure (under 20
        words its confidence is under ``perception.cues.MIN_CONFIDENCE``), while the first
        answer ran fast: the tip between questions is about both. ``media=False``: the words
        alone are measured (``Perceiver.quick``)."""
        if question_id != self._question:
            self._question, self._raised, self._open = question_id, {}, {}
        words = [*self._taken, *self.turn]
        found = self._perceiver.quick(words, answer, media=media).cues if words else ()
        self._open = {c.kind: c.value for c in found}
        self.cue_figures = _merged(self._raised, self._open)
        return tuple(self.cue_figures)


def _merged(earlier: dict[str, float], later: dict[str, float]) -> dict[str, float]:
    """``earlier`` cues with ``later`` ones over them; a later pace cue drops the opposite one
    (an answer rushed, then one dragged: the tip is about the pace heard last)."""
    dropped = {_EXCLUDES.get(kind) for kind in later}
    return {**{k: v for k, v in earlier.items() if k not in dropped}, **later}
