"""A candidate turn as the scorer and the LLM judge take it, and what of it they do not read."""

from __future__ import annotations

import re
from dataclasses import dataclass

from perception.spoken_language import OtherLanguage
from perception.words import TimedWord
from rubrics.said import read_pieces, spoken_sentences
from rubrics.substance import heard_unclearly

__all__ = ["CandidateTurn"]

_WORDY = re.compile(r"\w")


@dataclass(frozen=True)
class CandidateTurn:
    """One stored candidate turn: its index, text, times and word timings (session seconds),
    and the clauses of it heard in another language (not read as evidence)."""

    index: int
    question_id: str | None
    text: str
    start_s: float
    end_s: float
    words: tuple[TimedWord, ...] = ()
    other_language: tuple[OtherLanguage, ...] = ()

    @property
    def read_parts(self) -> list[str]:
        """The text less what is not read, as the parts around it, verbatim (``[text]`` when
        everything is read): the clauses heard in another language, and the sentences the
        recogniser did not make out (``not_made_out``)."""
        parts: list[str] = []
        cut = False
        for piece, unclear in self._pieces():
            rest = piece
            for sentence in unclear:
                before, found, after = rest.partition(sentence)
                if found:
                    parts.append(before)
                    rest, cut = after, True
            parts.append(rest)
        if not cut:
            return [piece for piece, _ in self._pieces()]
        return [p.strip(" ,;:-") for p in parts if _WORDY.search(p)]

    @property
    def not_made_out(self) -> list[str]:
        """The sentences the recogniser did not make out (``heard_unclearly``), verbatim: they
        are not read as evidence."""
        return [sentence for _, unclear in self._pieces() for sentence in unclear]

    def _pieces(self) -> list[tuple[str, list[str]]]:
        """The text around the clauses in another language, each piece with its sentences not
        made out."""
        pieces = (
            read_pieces(self.text, self.words, self.not_read)[0]
            if self.other_language
            else [(self.text, list(self.words))]
        )
        return [
            (piece, [s.text for s in spoken_sentences(piece, kept, 0.0, 0.0)
                     if heard_unclearly(s.words)])
            for piece, kept in pieces
        ]  # fmt: skip

    @property
    def left_out(self) -> list[OtherLanguage]:
        """The stretches in another language left out of what is read (one that could not be
        found in the text is read, and is not among them)."""
        if not self.other_language:
            return []
        _, cut = read_pieces(self.text, self.words, self.not_read)
        return [s for s in self.other_language if s.first_word in cut]

    @property
    def not_read(self) -> frozenset[int]:
        """Indices of the words heard in another language."""
        return frozenset(
            i for span in self.other_language for i in range(span.first_word, span.last_word + 1)
        )
