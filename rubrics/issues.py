"""Located problems in a role script, and how a script's own text is shown inside them.

A message quotes what the author wrote (an unknown key, an id, a value). Characters that do not
print, or that change how text around them reads (ESC sequences, bidi overrides, zero-width
spaces, line separators), are shown escaped, as ``\\u202e``, so that an error never moves a
terminal's cursor or makes two different names look alike.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

__all__ = ["RoleError", "RoleIssue", "character_name", "for_terminal", "foreign_letters", "shown"]

# Format characters that right-to-left and Indic scripts need inside words, kept as written in
# a listing: ZERO WIDTH NON-JOINER and JOINER (Persian, Hindi), LEFT-TO-RIGHT and RIGHT-TO-LEFT
# MARK, ARABIC LETTER MARK. They order or join the letters beside them and nothing further.
_SCRIPT_MARKS = frozenset("\u200c\u200d\u200e\u200f\u061c")
# Letters that print as nothing (Hangul fillers, the blank Braille pattern): Python counts them
# printable, and a name of them looks empty or like another.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def shown(text: str) -> str:
    """``text`` with every character that does not print escaped (Python's ``\\x1b``,
    ``\\u200b`` form; ``str.isprintable``: controls, format characters such as bidi overrides
    and zero-width spaces, line and paragraph separators), spaces and letters of any script
    kept as they are."""
    return "".join(c if c.isprintable() or c == " " else ascii(c)[1:-1] for c in text)


def for_terminal(text: str) -> str:
    """``text`` as a listing prints it (``recruiter roles list`` and ``show``): as ``shown``, but
    with line breaks, tabs and the marks scripts need (``_SCRIPT_MARKS``) kept. Embeddings,
    overrides and isolates (U+202A-U+202E, U+2066-U+2069), which reorder the text after them
    ("Trojan Source", CVE-2021-42574), and invisible spaces and letters (U+200B, U+2060, U+FEFF,
    Hangul fillers), which make two names look alike, are shown escaped: a title reads as the
    characters it holds."""
    return "".join(
        c
        if (c.isprintable() and c not in _BLANK_LETTERS) or c in " \n\t" or c in _SCRIPT_MARKS
        else ascii(c)[1:-1]
        for c in text
    )


def character_name(char: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``: the code point and its Unicode name (control
    characters have none: their code point alone)."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} {name}" if name else f"U+{ord(char):04X}"


def foreign_letters(text: str) -> str:
    """The letters outside ASCII in ``text``, each named, for a message about an ASCII-only
    name ("; 'x' is U+043E CYRILLIC SMALL LETTER O"), or "": a letter that looks like a Latin
    one would otherwise pass unseen."""
    letters = sorted({c for c in text if not c.isascii() and c.isprintable()})
    named = ", ".join(f"'{c}' is {character_name(c)}" for c in letters)
    return f"; {named}" if named else ""


@dataclass(frozen=True)
class RoleIssue:
    """One located problem in a role script: ``line`` and ``column`` count from 1, in
    characters, as an editor shows them. ``path`` and ``message`` are stored :func:`shown`."""

    file: str
    line: int
    column: int
    path: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", shown(self.path))
        object.__setattr__(self, "message", shown(self.message))

    def __str__(self) -> str:
        where = f"{shown(self.file)}:{self.line}:{self.column}"
        if self.severity == "warning":
            where += " warning:"
        return f"{where} {self.path}: {self.message}" if self.path else f"{where} {self.message}"


class RoleError(Exception):
    """A role script cannot be found or is invalid; ``issues`` says where and why."""

    def __init__(self, message: str, issues: list[RoleIssue] | None = None) -> None:
        # Its lines :func:`shown` (the issues' are already).
        super().__init__("\n".join(map(shown, message.split("\n"))))
        self.issues = issues or []
