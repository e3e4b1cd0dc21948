"""Characters a role script may not hold: ones that act on a terminal instead of printing.

A role's texts are printed in terminals, shown in the dashboard and spoken. A control character
(an ESC colour code, a cursor move, a screen clear) would act on the recruiter's terminal.
YAML's own reader refuses control characters written as they are, but not ones written as
escapes in a double-quoted text (``"\\e[2J"``, ``"\\x07"``), so the composed texts are
checked. A name people read in a list (the role's title and version, the persona's and the
competencies' names) is also one line: no line or paragraph separator.

Format characters are text and are kept: right-to-left marks, isolates and overrides, and
zero-width joiners, which Arabic, Persian and Hindi names need (``tests/unit/
test_role_encodings.py``). Messages show them escaped (``rubrics.issues.shown``).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from rubrics.issues import character_name

__all__ = ["refused_characters"]


def _is_name(path: tuple[Any, ...]) -> bool:
    return path in {("title",), ("version",), ("persona", "name")} or (
        len(path) == 3 and path[0] == "competencies" and path[2] == "name"
    )


def _why(char: str, name: bool) -> str | None:
    """Why ``char`` is refused (in a name where ``name``); None where it is not."""
    if name and char in "\n\u2028\u2029":
        return "a line break, and a name is one line"
    if unicodedata.category(char) == "Cc" and char not in "\t\n":
        return "a control character, which a terminal acts on instead of printing"
    return None


def refused_characters(
    root: Node, path: tuple[Any, ...] = (), visited: set[int] | None = None
) -> list[tuple[Node, tuple[Any, ...], str]]:
    """Every key and text under ``root`` (a composed YAML node) that holds a refused
    character: ``(node, field path, message)``, one per key or text, naming the first such
    character and how many there are. Each mapping and list is visited once (aliases share
    them: a bomb of nested aliases is never expanded)."""
    visited = set() if visited is None else visited
    found: list[tuple[Node, tuple[Any, ...], str]] = []
    if id(root) in visited:
        return found
    if not isinstance(root, ScalarNode):  # (a text aliased into a name is checked as one)
        visited.add(id(root))
    if isinstance(root, ScalarNode):
        refused = [(c, why) for c in str(root.value) if (why := _why(c, _is_name(path)))]
        if refused:
            char, why = refused[0]
            more = f" (and {len(refused) - 1} more)" if len(refused) > 1 else ""
            found.append((root, path, f"holds {character_name(char)}{more}, {why}: delete it"))
    elif isinstance(root, MappingNode):
        for key, value in root.value:
            name = str(key.value)
            found += refused_characters(key, (*path, name), visited)
            found += refused_characters(value, (*path, name), visited)
    elif isinstance(root, SequenceNode):
        for index, item in enumerate(root.value):
            found += refused_characters(item, (*path, index), visited)
    return found
