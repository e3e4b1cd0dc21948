"""A caller's interview code, keyed in (DTMF) or said aloud, read as a string of digits.

Keypad digits arrive one at a time (RFC 4733 events, relayed by the SIP service); ``#`` ends a
code early and ``*`` starts it again. A spoken code comes from the speech recogniser as words
("four seven one, one nine two") or numerals ("471 192"), often both; "oh" is read as zero, as
people say it in phone numbers, and "double"/"triple" repeat the next digit.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

__all__ = ["DIGIT_WORDS", "KeyedCode", "code_candidates", "read_out", "said_code_part",
           "spoken_digits"]  # fmt: skip

_WORDS = {
    "zero": "0", "oh": "0", "o": "0", "nought": "0", "one": "1", "two": "2", "three": "3",
    "four": "4", "for": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip
_REPEAT = {"double": 2, "triple": 3}
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
# Words that are digits only beside other digits: "oh" is also a filler ("Oh, it's..."), "o"
# a letter, "for" a preposition.
_AMBIGUOUS = {"for", "o", "oh"}


def spoken_digits(text: str) -> str:
    """The digits said in ``text``, in order: numerals as written, digit words as digits.

    Words that are not digits are skipped, so "my code is four seven one" gives "471". "for"
    counts as four only between other digits (recognisers write "four" that way; "code for
    the role" is not a digit). "double five" gives "55".
    """
    tokens = re.findall(r"[a-z]+|\d+", text.lower())
    digits: list[str] = []
    repeat = 1
    for i, token in enumerate(tokens):
        if token.isdigit():
            digits.append(token * repeat if len(token) == 1 else token)
            repeat = 1
        elif token in _REPEAT:
            repeat = _REPEAT[token]
        elif token in _WORDS:
            if token in _AMBIGUOUS and not _between_digits(tokens, i):
                continue
            digits.append(_WORDS[token] * repeat)
            repeat = 1
    return "".join(digits)


def _between_digits(tokens: list[str], i: int) -> bool:
    """Whether a neighbour of ``tokens[i]`` is a digit (so an ambiguous word is one too)."""

    def digit(t: str) -> bool:
        return t.isdigit() or (t in _WORDS and t not in _AMBIGUOUS)

    return any(digit(tokens[j]) for j in (i - 1, i + 1) if 0 <= j < len(tokens))


def read_out(digits: str) -> str:
    """Digits as a person reads a code out: words in groups of four ("four seven one one,
    nine two")."""
    groups = [digits[i : i + 4] for i in range(0, len(digits), 4)]
    return ", ".join(" ".join(DIGIT_WORDS[int(d)] for d in group) for group in groups)


def said_code_part(text: str) -> str:
    """The digits of an utterance that is (mostly) a code being read out, else "".

    An utterance counts when digits make up at least half of its words, so "this one is the
    one" adds nothing to the code, while "four seven one, one" adds "4711".
    """
    tokens = re.findall(r"[a-z]+|\d+", text.lower())
    digits = spoken_digits(text)
    words = [t for t in tokens if not t.isdigit()]
    numerals = sum(1 for t in tokens if t.isdigit())
    spoken = sum(1 for t in words if t in _WORDS or t in _REPEAT)
    return digits if tokens and (numerals + spoken) * 2 >= len(tokens) else ""


def code_candidates(heard: str, length: int, *, most: int = 3) -> list[str]:
    """The codes a string of digits heard from a caller may be, the string itself first.

    A string of ``length`` digits is taken as it is. One digit longer or shorter, it gives the
    strings with one run of a repeated digit one shorter or longer (a run of two or more when
    lengthened): Whisper tiny.en over G.711 misread 9 of 150 eight-digit codes said in two
    groups, 6 of them as one such run ("8 5 8 8 8" for 8588, "8 8 9" for 8889), the rest as
    digits looped or invented. At most ``most`` strings, so a spoken try checks no more than
    that many codes (the guessing limits of ``storage.attempts`` still count one try).

    Returns:
        Candidate codes of ``length`` digits, best first; [] when none can be made.
    """
    if len(heard) == length:
        return [heard]
    if abs(len(heard) - length) != 1:
        return []
    runs = [(digit, len(list(group))) for digit, group in itertools.groupby(heard)]
    out: list[str] = []
    for i, (_, count) in enumerate(runs):
        if count < 2:
            continue
        changed = count + (1 if len(heard) < length else -1)
        code = "".join(d * (changed if j == i else n) for j, (d, n) in enumerate(runs))
        if code not in out:
            out.append(code)
    return out[:most]


@dataclass
class KeyedCode:
    """Keypad digits as they arrive; a code is complete at ``length`` digits or at ``#``."""

    length: int
    _digits: list[str] = field(default_factory=list)

    def press(self, key: str) -> str | None:
        """Add one key; returns the code when it is complete, else None.

        ``*`` clears what was keyed so far; ``#`` completes a non-empty code of any length
        (a wrong length is then refused as an unknown code, with a try used).
        """
        if key == "*":
            self._digits.clear()
        elif key == "#":
            if self._digits:
                return self._take()
        elif key.isdigit():
            self._digits.append(key)
            if len(self._digits) >= self.length:
                return self._take()
        return None

    def clear(self) -> None:
        """Forget what was keyed so far (a new prompt starts a new code)."""
        self._digits.clear()

    def _take(self) -> str:
        code, self._digits = "".join(self._digits), []
        return code
