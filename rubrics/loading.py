"""Load role scripts from YAML, with every error located at file:line:column and field path.

The YAML is composed into nodes first, so each problem found by pydantic (shape, types) or by
``rubrics.checks`` (cross references, coverage, time) can be pointed at the line that causes it.
Errors stop a script from loading; warnings (repeated questions, placeholder anchors) are
located the same way and travel with the loaded script in ``RoleSource.warnings``.
"""

from __future__ import annotations

import bisect
import re
import types
import typing
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError

from rubrics.checks import Problem, check_references, check_role, warn_role
from rubrics.decoding import MAX_ROLE_BYTES, decode_role_bytes, read_role_file, too_big
from rubrics.issues import RoleError, RoleIssue, character_name, foreign_letters
from rubrics.models import SHIPPED, WRITTEN, RoleScript
from rubrics.written import MAX_VALUES, expanded_size, refused_values

__all__ = [
    "MAX_ROLE_BYTES",
    "RoleError",
    "RoleIssue",
    "RoleSource",
    "decode_role_bytes",
    "load_role",
    "load_role_file",
    "load_role_file_source",
    "load_role_source",
    "parse_role",
    "parse_role_bytes",
    "parse_role_source",
    "roles_dir",
    "shipped_role_ids",
]


@dataclass(frozen=True)
class RoleSource:
    """A checked role script with the exact text it was read from and its located warnings."""

    role: RoleScript
    text: str
    origin: str
    warnings: tuple[RoleIssue, ...] = ()

    def in_mode(self, mode: str | None) -> RoleSource:
        """The script run in ``mode`` (an invitation's "practice" or "exam"); None: as written."""
        if mode is None or mode == self.role.mode:
            return self
        return replace(self, role=self.role.model_copy(update={"mode": mode}))


def roles_dir() -> Path:
    """The folder of shipped role scripts."""
    return Path(str(resources.files("rubrics").joinpath("roles")))


def shipped_role_ids() -> list[str]:
    """Ids of the roles that ship with the project."""
    return sorted(p.stem for p in roles_dir().glob("*.yaml"))


def _render_path(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _node_at(root: Node, path: tuple[Any, ...], *, key: bool = False) -> Node:
    """The node a path leads to, or the deepest existing ancestor (its key, when ``key``)."""
    node = root
    for depth, part in enumerate(path):
        last = depth == len(path) - 1
        if isinstance(node, MappingNode):
            match = next(
                (
                    (k, v)
                    for k, v in node.value
                    if isinstance(k, ScalarNode) and k.value == str(part)
                ),
                None,
            )
            if match is None:
                return node
            node = match[0] if (last and key) else match[1]
        elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return node
    return node


def _fields_at(path: tuple[Any, ...]) -> list[str] | None:
    """The field names allowed by the model found at ``path`` (for "unknown field" messages)."""
    current: Any = RoleScript
    for part in path:
        if isinstance(part, int):  # an item of the list unwrapped below
            continue
        if isinstance(current, type) and issubclass(current, BaseModel):
            if part not in current.model_fields:
                return None
            current = current.model_fields[part].annotation
        origin = typing.get_origin(current)
        while origin in (list, dict, typing.Union, types.UnionType, typing.Annotated):
            args = [a for a in typing.get_args(current) if a is not type(None)]
            # Annotated: the type itself; a union or container: its last (a model, where any).
            current = args[0] if origin is typing.Annotated else args[-1]
            origin = typing.get_origin(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return None


def _pydantic_message(err: Any) -> tuple[tuple[Any, ...], str, bool]:
    """(path, message, points-at-key) for one pydantic error."""
    # A coding question's problem is a union tagged by form; the tag is not in the YAML.
    loc = tuple(part for part in err["loc"] if part not in (SHIPPED, WRITTEN))
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = _fields_at(loc[:-1])
        hint = f"; allowed here: {', '.join(allowed)}" if allowed else ""
        return loc, f"unknown field '{loc[-1]}'{hint}", True
    if kind == "missing":
        return loc, f"required field '{loc[-1]}' is missing", False
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return loc, f"got {err['input']!r}; expected {expected}", False
    got = err.get("input")
    if kind == "string_pattern_mismatch" and loc and loc[-1] == "id":
        named = foreign_letters(str(got))
        return (loc, f"ids use lowercase letters, digits and hyphens, like 'team-work' "
                     f"(got {got!r}{named})", False)  # fmt: skip
    if kind == "string_pattern_mismatch" and loc == ("language",):
        return loc, f"use a language code like 'en' or 'en-GB' (got {got!r})", False
    if kind == "string_pattern_mismatch" and loc[-2:-1] == ("function",):
        return (
            loc,
            f"a function name is letters, digits and _, like busiest_hour (got {got!r})",
            False,
        )
    if kind == "string_type" and loc[-1:] == ("problem",):
        return (loc, f"a shipped problem's id (`recruiter coding problems`), or a problem written "
                     f"here as a mapping of its fields (got {got!r})", False)  # fmt: skip
    if kind == "value_error":  # a check of ours: its message alone, without pydantic's prefix
        return loc, str(err.get("ctx", {}).get("error", err["msg"])), False
    shown = "" if isinstance(got, dict | list) else f" (got {got!r})"
    return loc, f"{err['msg']}{shown}", False


def _duplicate_keys(
    node: Node, path: tuple[Any, ...] = (), visited: set[int] | None = None
) -> list[tuple[Node, str]]:
    # Each node once: YAML aliases can share a node many times over (nested aliases grow
    # exponentially; a 600-byte script took 153 s before).
    visited = set() if visited is None else visited
    if id(node) in visited:
        return []
    visited.add(id(node))
    found: list[tuple[Node, str]] = []
    if isinstance(node, MappingNode):
        seen: set[str] = set()
        for k, v in node.value:
            name = str(k.value)
            if name in seen:
                found.append((k, f"{_render_path((*path, name))}: key '{name}' appears twice"))
            seen.add(name)
            found += _duplicate_keys(v, (*path, name), visited)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            found += _duplicate_keys(item, (*path, index), visited)
    return found


class _Positions:
    """Line and column (from 1) of a character index of a script's text, as an editor counts
    them: lines end at LF, CR LF or CR. PyYAML also ends them at NEL, U+2028 and U+2029, which
    editors show within a line (text pasted from the web or Word holds them), so its own line
    numbers would run ahead of the editor's after one."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts = [0, *(m.end() for m in re.finditer(r"\r\n|\r|\n", text))]

    def of(self, index: int) -> tuple[int, int]:
        """The line and column of the character at ``index``."""
        line = bisect.bisect_right(self._starts, index)
        return line, index - self._starts[line - 1] + 1

    def line(self, line: int) -> str:
        """Line ``line`` as an editor shows it (U+2028 and the like within it)."""
        return re.split(r"\r\n|\r|\n", self._text[self._starts[line - 1] :], maxsplit=1)[0]

    def issue(self, file: str, node: Node, path: str, message: str) -> RoleIssue:
        return RoleIssue(file, *self.of(node.start_mark.index), path, message)

    def located(self, file: str, root: Node, problem: Problem) -> RoleIssue:
        node = _node_at(root, problem.path)
        return self.issue(file, node, _render_path(problem.path), problem.message)


# What PyYAML's most common complaints mean for someone writing a role script.
_YAML_ADVICE = (
    ("found character '\\t'", ": a tab; YAML is indented with spaces only"),
    ("mapping values are not allowed here",
     ": usually a line indented differently from the one above, or a ':' inside a text "
     "(put such a text in quotes)"),
    ("could not find expected ':'", ": a line that is not 'field: value' (or a list item)"),
    ("expected <block end>, but found",
     ": a line indented differently from the lines at its level"),
)  # fmt: skip
# Characters YAML refuses that editors write: named, with where they come from.
_CONTROL_NAMES = {
    0x00: "a NUL byte (UTF-16 text read as UTF-8?)",
    0x0B: "a vertical tab (Word's manual line break, Shift+Enter)",
    0x0C: "a form feed (a page break)",
    0x1B: "an escape character (a terminal colour code)",
}


def _unusual_spaces(lines: str) -> str:
    """Advice naming the spaces YAML does not take for one (a non-breaking space, a line
    separator) in ``lines``, the lines a YAML error points at."""
    found = sorted({c for c in lines if c.isspace() and c not in " \t\r\n"})
    if not found:
        return ""
    names = ", ".join(character_name(c) for c in found)
    return f"; line holds {names}, which YAML does not read as a plain space: retype it as one"


def _text_as_written(err: Any, node: Node, message: str) -> str:
    """A clearer message where YAML read a text as something else: a number (``version:
    1.10`` is 1.1), a yes/no (``yes`` is true), a date (``2024-01-01``), or nothing (an empty
    value)."""
    read_as = {"int": "a number", "float": "a number", "bool": str(err.get("input")).lower(),
               "timestamp": "a date", "null": "no value"}  # fmt: skip
    generic = message.startswith(err["msg"])  # not one of ours (a problem's id, say)
    tag = node.tag.rsplit(":", 1)[-1] if isinstance(node, ScalarNode) else ""
    if not (generic and err["type"] == "string_type" and tag in read_as):
        return message
    if tag == "null":
        return "a text is expected, and this has no value (empty, ~ or null): write the text"
    return (f"a text is expected, and YAML reads {node.value} as {read_as[tag]}: put it in "
            f"quotes, \"{node.value}\"")  # fmt: skip


def _parse(text: str, source: str) -> tuple[RoleScript, Node, _Positions]:
    if len(text) > MAX_ROLE_BYTES:
        raise too_big(source, len(text.encode("utf-8", "replace")))
    at = _Positions(text)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except RecursionError as e:  # brackets or indents nested thousands deep
        issue = RoleIssue(source, 1, 1, "", "nested too deeply to be a role script")
        raise RoleError(str(issue), [issue]) from e
    except ReaderError as e:  # a character YAML refuses, located by its position
        refused = _CONTROL_NAMES.get(
            e.character, f"a character YAML cannot hold (#x{e.character:04x})"
        )
        issue = RoleIssue(
            source, *at.of(e.position), "", f"{refused}: delete it, or retype the text"
        )
        raise RoleError(str(issue), [issue]) from e
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line, col = at.of(mark.index) if mark else (1, 1)
        context, start = getattr(e, "context", None), getattr(e, "context_mark", None)
        hint = ""
        if start:
            hint = " ({} at line {}, column {})".format(context, *at.of(start.index))
        problem = str(getattr(e, "problem", e))
        advice = next((a for known, a in _YAML_ADVICE if known in problem), "")
        lines = sorted({at.of(m.index)[0] for m in (start, mark) if m})  # began on, found on
        advice += _unusual_spaces("".join(at.line(n) for n in lines))
        issue = RoleIssue(source, line, col, "", f"invalid YAML: {problem}{hint}{advice}")
        raise RoleError(str(issue), [issue]) from e
    if root is None or not isinstance(data, dict):
        line, col = at.of(root.start_mark.index) if root else (1, 1)
        issue = RoleIssue(
            source, line, col, "", "a role script must be a mapping of fields (id, title, ...)"
        )
        raise RoleError(str(issue), [issue])
    written: dict[int, int] = {}
    size = expanded_size(root, written)
    if size - len(written) > MAX_VALUES:  # aliases of aliases: a "billion laughs"
        said = (f"its aliases expand its {len(written):,} values to {size:,}; they may add at "
                f"most {MAX_VALUES:,}")  # fmt: skip
        issue = RoleIssue(source, 1, 1, "", f"this script is refused: {said}")
        raise RoleError(str(issue), [issue])
    issues = [at.issue(source, node, "", message) for node, message in _duplicate_keys(root)]
    misread = refused_values(root)
    issues += [at.issue(source, node, _render_path(path), message)
               for node, path, message in misread]  # fmt: skip
    blamed_nodes = {id(node) for node, _, _ in misread}  # one issue a value
    try:
        role = RoleScript.model_validate(data)
    except ValidationError as e:
        for err in e.errors():
            loc, message, at_key = _pydantic_message(err)
            node = _node_at(root, loc, key=at_key)
            if id(node) in blamed_nodes:
                continue
            issues.append(at.issue(source, node, _render_path(loc),
                                   _text_as_written(err, node, message)))  # fmt: skip
        # Every error in one pass: the references too, read from the raw data.
        blamed = {i.path for i in issues}
        issues += [
            issue
            for issue in (at.located(source, root, p) for p in check_references(data))
            if issue.path not in blamed
        ]
        issues.sort(key=lambda i: (i.line, i.column))
        raise RoleError("\n".join(map(str, issues)), issues) from e
    issues += [at.located(source, root, problem) for problem in check_role(role)]
    if issues:
        issues.sort(key=lambda i: (i.line, i.column))
        raise RoleError("\n".join(map(str, issues)), issues)
    return role, root, at


def parse_role(text: str, source: str) -> RoleScript:
    """Parse and check a role script's YAML text; ``source`` names it in error messages.

    Raises:
        RoleError: the text is not YAML, or the script has errors; ``issues`` locates each.
    """
    return _parse(text, source)[0]


def parse_role_source(text: str, origin: str) -> RoleSource:
    """Parse and check a role script's YAML text, keeping the text and its located warnings.

    Warnings (``rubrics.checks.warn_role``: repeated questions, placeholder anchors) do not
    stop the script from loading.

    Raises:
        RoleError: the text is not YAML, or the script has errors; ``issues`` locates each.
    """
    role, root, at = _parse(text, origin)
    warnings = [
        replace(at.located(origin, root, problem), severity="warning")
        for problem in warn_role(role)
    ]
    warnings.sort(key=lambda i: (i.line, i.column))
    return RoleSource(role, text, origin, tuple(warnings))


def parse_role_bytes(data: bytes, origin: str) -> RoleSource:
    """Check a role script given as bytes (a file, an upload), in any encoding
    :func:`decode_role_bytes` reads; a guessed encoding's warning comes first among the warnings,
    or beside the errors when the script is invalid.

    Raises:
        RoleError: the bytes are not text, or the script is invalid.
    """
    text, guessed = decode_role_bytes(data, origin)
    try:
        source = parse_role_source(text, origin)
    except RoleError as e:
        if guessed is not None:
            e.issues = sorted([guessed, *e.issues], key=lambda i: (i.line, i.column))
        raise
    return source if guessed is None else replace(source, warnings=(guessed, *source.warnings))


def load_role_file_source(path: Path) -> RoleSource:
    """Load and check one role script file, keeping its text and warnings
    (:func:`parse_role_bytes`).

    Raises:
        RoleError: the file cannot be read, is not a regular file, is too big or is not text,
            or the script is invalid.
    """
    return parse_role_bytes(read_role_file(path), str(path))


def load_role_file(path: Path) -> RoleScript:
    """Load and check one role script file."""
    return load_role_file_source(path).role


def load_role_source(role: str) -> RoleSource:
    """Load a shipped role by id, or a role script file by path, keeping its text."""
    candidate = Path(role)
    if candidate.suffix in {".yaml", ".yml"} or candidate.exists():
        return load_role_file_source(candidate)
    path = roles_dir() / f"{role}.yaml"
    if not path.is_file():
        known = ", ".join(shipped_role_ids())
        raise RoleError(
            f"unknown role '{role}'; shipped roles: {known} (or give a path to a YAML file)"
        )
    return load_role_file_source(path)


def load_role(role: str) -> RoleScript:
    """Load a shipped role by id, or a role script file by path."""
    return load_role_source(role).role
