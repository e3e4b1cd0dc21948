"""A candidate turn as the scorer and the LLM judge take it, and what of it they do not read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

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

    @cached_property
    def read_parts(self) -> list[str]:
        """The text less what is not read, as the parts around it, verbatim (``[text]`` when
        everything is read): the clauses heard in another language, and the sentences the
        recogniser did not make out (``not_made_out``)."""
        parts: list[str] = []
        for piece, spans in self._pieces:
            at = 0
            for first, last in spans:
                parts.append(piece[at:first])
                at = last
            parts.append(piece[at:])
        if all(not spans for _, spans in self._pieces):
            return parts
        return [p.strip(" ,;:-") for p in parts if _WORDY.search(p)]

    @cached_property
    def not_made_out(self) -> list[str]:
        """The sentences the recogniser did not make out (``heard_unclearly``), verbatim: they
        are not read as evidence."""
        return [piece[first:last] for piece, spans in self._pieces for first, last in spans]

    @cached_property
    def _pieces(self) -> list[tuple[str, list[tuple[int, int]]]]:
        """The text around the clauses in another language, each piece with the character spans
        of its sentences not made out, found in order from where the sentence before ended."""
        pieces = (
            read_pieces(self.text, self.words, self.not_read)[0]
            if self.other_language
            else [(self.text, list(self.words))]
        )
        out: list[tuple[str, list[tuple[int, int]]]] = []
        for piece, kept in pieces:
            spans: list[tuple[int, int]] = []
            cursor = 0
            for said in spoken_sentences(piece, kept, 0.0, 0.0):
                # A part kept beside an attempt may carry an added full stop.
                found = [(at, len(t)) for t in {said.text, said.text.removesuffix(".")}
                         if (at := piece.find(t, cursor)) >= 0]  # fmt: skip
                if not found:
                    continue
                at, size = min(found, key=lambda f: (f[0], -f[1]))
                cursor = at + size
                if heard_unclearly(said.words):
                    spans.append((at, at + size))
            out.append((piece, spans))
        return out

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
