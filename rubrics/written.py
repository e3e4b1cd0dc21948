"""Values a role script may not hold as written: ones that act on a terminal instead of
printing, hide what they are, or that YAML reads as something else than they look.

A role's texts are printed in terminals, shown in the dashboard and spoken. A control character
(an ESC colour code, a cursor move, a screen clear) would act on the recruiter's terminal.
YAML's own reader refuses control characters written as they are, but not ones written as
escapes in a double-quoted text (``"\\e[2J"``, ``"\\x07"``) or as ``!!binary`` data, so the
composed texts are checked, and binary data is refused. A text with no visible character (ten
zero-width spaces) passes every length check and says nothing. A name people read in a list
(the role's title and version, the persona's and the competencies' names) is one line. And
YAML 1.1, which PyYAML reads, takes ``010`` for 8 (octal) and ``3:00`` for 180 (base 60),
where a YAML 1.2 editor and a reader see 10 and a time.

Format characters are text and are kept: right-to-left marks, isolates and overrides, and
zero-width joiners, which Arabic, Persian and Hindi names need (``tests/unit/
test_role_encodings.py``). Messages show them escaped (``rubrics.issues.shown``).

Aliases can make a short script expand to a billion values (``expanded_size``); the walk here
visits each shared list and mapping once.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from rubrics.issues import character_name

__all__ = ["MAX_VALUES", "expanded_size", "refused_values"]


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


_BINARY = "tag:yaml.org,2002:binary"
_INT = "tag:yaml.org,2002:int"
# YAML 1.1 ints that a YAML 1.2 reader (and a person) reads otherwise: 010, 0o10, 1:30.
_MISREAD_INT = re.compile(r"^[-+]?(0[0-7_]+|0o[0-7_]+|[0-9][0-9_]*(:[0-5]?[0-9])+)$")


def _scalar_problem(node: ScalarNode, path: tuple[Any, ...]) -> str | None:
    value = str(node.value)
    if node.tag == _BINARY:
        return "binary data (!!binary) where a text or number belongs: write it as text"
    if node.tag == _INT and _MISREAD_INT.match(value):
        read, kind = yaml.safe_load(value), "base 60" if ":" in value else "octal"
        if kind == "base 60" or read != int(value.replace("_", "").replace("0o", ""), 10):
            return (f"YAML reads {value} as {read} ({kind}, YAML 1.1): write {read} if that "
                    f"is the number meant, or quote it (\"{value}\") for a text")  # fmt: skip
    refused = [(c, why) for c in value if (why := _why(c, _is_name(path)))]
    if refused:
        char, why = refused[0]
        more = f" (and {len(refused) - 1} more)" if len(refused) > 1 else ""
        return f"holds {character_name(char)}{more}, {why}: delete it"
    # (A coding problem's test data may be spaces: an edge case, kept as written.)
    blank = value and not any(c.isprintable() and not c.isspace() for c in value)
    if blank and "problem" not in path:
        return "holds no visible character (only spaces or invisible ones): write the text"
    return None


def refused_values(
    root: Node, path: tuple[Any, ...] = (), visited: set[int] | None = None
) -> list[tuple[Node, tuple[Any, ...], str]]:
    """Every key and value under ``root`` (a composed YAML node) that cannot be taken as
    written: ``(node, field path, message)``, one per key or value (the first problem found:
    binary data, a misread number, a refused character with how many there are, or no
    visible character). Each mapping and list is visited once (aliases share them)."""
    visited = set() if visited is None else visited
    found: list[tuple[Node, tuple[Any, ...], str]] = []
    if id(root) in visited:
        return found
    if not isinstance(root, ScalarNode):  # (a text aliased into a name is checked as one)
        visited.add(id(root))
    if isinstance(root, ScalarNode):
        if (problem := _scalar_problem(root, path)) is not None:
            found.append((root, path, problem))
    elif isinstance(root, MappingNode):
        for key, value in root.value:
            name = str(key.value)
            found += refused_values(key, (*path, name), visited)
            found += refused_values(value, (*path, name), visited)
    elif isinstance(root, SequenceNode):
        for index, item in enumerate(root.value):
            found += refused_values(item, (*path, index), visited)
    return found


# The shipped roles hold 260-460 values each: aliases may add at most a hundred times that.
MAX_VALUES = 50_000


def expanded_size(root: Node, memo: dict[int, int] | None = None) -> int:
    """How many values (keys, texts, lists and mappings) ``root`` holds once its aliases are
    expanded, each shared node counted once per use without expanding it: a 2 KB "billion
    laughs" script of nine levels of ten aliases holds about 10**9. ``memo`` ends up holding
    one entry per value as written."""
    memo = {} if memo is None else memo
    if id(root) in memo:
        return memo[id(root)]
    size = 1
    if isinstance(root, MappingNode):
        size += sum(expanded_size(k, memo) + expanded_size(v, memo) for k, v in root.value)
    elif isinstance(root, SequenceNode):
        size += sum(expanded_size(item, memo) for item in root.value)
    memo[id(root)] = size
    return size
