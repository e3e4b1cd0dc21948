"""Load role scripts from YAML, with every error located at file:line:column and field path.

The YAML is composed into nodes first, so each problem found by pydantic (shape, types) or by
``rubrics.checks`` (cross references, coverage, time) can be pointed at the line that causes it.
Errors stop a script from loading; warnings (repeated questions, placeholder anchors) are
located the same way and travel with the loaded script in ``RoleSource.warnings``.
"""

from __future__ import annotations

import codecs
import types
import typing
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError

from rubrics.checks import Problem, check_references, check_role, warn_role
from rubrics.models import SHIPPED, WRITTEN, RoleScript

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
class RoleIssue:
    """One located problem in a role script."""

    file: str
    line: int
    column: int
    path: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        if self.severity == "warning":
            where += " warning:"
        return f"{where} {self.path}: {self.message}" if self.path else f"{where} {self.message}"


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


class RoleError(Exception):
    """A role script cannot be found or is invalid; ``issues`` says where and why."""

    def __init__(self, message: str, issues: list[RoleIssue] | None = None) -> None:
        super().__init__(message)
        self.issues = issues or []


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
        return (
            loc,
            f"ids use lowercase letters, digits and hyphens, like 'team-work' (got {got!r})",
            False,
        )
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


def _issue(file: str, node: Node, path: str, message: str) -> RoleIssue:
    return RoleIssue(file, node.start_mark.line + 1, node.start_mark.column + 1, path, message)


def _located(file: str, root: Node, problem: Problem) -> RoleIssue:
    return _issue(file, _node_at(root, problem.path), _render_path(problem.path), problem.message)


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


# The longest shipped role script is about 12 KiB; a script forty times that is not a role.
MAX_ROLE_BYTES = 512 * 1024


def _too_big(source: str, size: int) -> RoleError:
    issue = RoleIssue(source, 1, 1, "", f"a role script is at most {MAX_ROLE_BYTES // 1024} KiB; "
                      f"this one is {size / 1024:,.0f} KiB")  # fmt: skip
    return RoleError(str(issue), [issue])


def _parse(text: str, source: str) -> tuple[RoleScript, Node]:
    if len(text) > MAX_ROLE_BYTES:
        raise _too_big(source, len(text.encode("utf-8", "replace")))
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except RecursionError as e:  # brackets or indents nested thousands deep
        issue = RoleIssue(source, 1, 1, "", "nested too deeply to be a role script")
        raise RoleError(str(issue), [issue]) from e
    except ReaderError as e:  # a character YAML refuses, located by its position
        before = text[: e.position]
        line, col = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        refused = f"a character YAML cannot hold (#x{e.character:04x})"
        issue = RoleIssue(source, line, col, "", f"{refused}: delete it, or retype the text")
        raise RoleError(str(issue), [issue]) from e
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        context, start = getattr(e, "context", None), getattr(e, "context_mark", None)
        hint = f" ({context} at line {start.line + 1}, column {start.column + 1})" if start else ""
        problem = str(getattr(e, "problem", e))
        advice = next((a for known, a in _YAML_ADVICE if known in problem), "")
        issue = RoleIssue(source, line, col, "", f"invalid YAML: {problem}{hint}{advice}")
        raise RoleError(str(issue), [issue]) from e
    if root is None or not isinstance(data, dict):
        line, col = (root.start_mark.line + 1, root.start_mark.column + 1) if root else (1, 1)
        issue = RoleIssue(
            source, line, col, "", "a role script must be a mapping of fields (id, title, ...)"
        )
        raise RoleError(str(issue), [issue])
    issues = [_issue(source, node, "", message) for node, message in _duplicate_keys(root)]
    try:
        role = RoleScript.model_validate(data)
    except ValidationError as e:
        for err in e.errors():
            loc, message, at_key = _pydantic_message(err)
            node = _node_at(root, loc, key=at_key)
            issues.append(_issue(source, node, _render_path(loc), message))
        # Every error in one pass: the references too, read from the raw data.
        blamed = {i.path for i in issues}
        issues += [
            issue
            for issue in (_located(source, root, p) for p in check_references(data))
            if issue.path not in blamed
        ]
        issues.sort(key=lambda i: (i.line, i.column))
        raise RoleError("\n".join(map(str, issues)), issues) from e
    issues += [_located(source, root, problem) for problem in check_role(role)]
    if issues:
        issues.sort(key=lambda i: (i.line, i.column))
        raise RoleError("\n".join(map(str, issues)), issues)
    return role, root


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
    role, root = _parse(text, origin)
    warnings = [
        replace(_located(origin, root, problem), severity="warning") for problem in warn_role(role)
    ]
    warnings.sort(key=lambda i: (i.line, i.column))
    return RoleSource(role, text, origin, tuple(warnings))


_BOMS = (  # UTF-32 before UTF-16: the UTF-32 LE mark begins with the UTF-16 LE one
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_role_bytes(data: bytes, origin: str) -> tuple[str, RoleIssue | None]:
    """The text of a role script saved by any common editor, and a located warning if it had
    to be guessed.

    UTF-8 (with or without a byte order mark) and UTF-16/32 with one are read as such. Other
    bytes are read as Windows-1252, what Word and Excel on Windows save as "ANSI" text, with a
    warning located at the first byte that is not UTF-8, unless UTF-8 letters come before that
    byte (a UTF-8 file with one stray byte: an error, as reading it otherwise garbles them).

    Raises:
        RoleError: the bytes are neither (e.g. a binary file); the issue gives the line and
            column of the first byte that is not text.
    """
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            try:
                return data.decode(encoding), None
            except UnicodeDecodeError as e:
                raise _not_text(data, e.start, origin, f"not valid {encoding.upper()}",
                                encoding=encoding) from e  # fmt: skip
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as e:
        first_bad = e.start
    line, column = _line_column(data, first_bad)
    if any(b >= 0x80 for b in data[:first_bad]):
        # Letters before it were UTF-8: one stray byte in a UTF-8 file, which read as
        # Windows-1252 would garble every letter before it.
        raise _not_text(data, first_bad, origin, "a UTF-8 file with a byte that is not UTF-8")
    if b"\x00" not in data:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            warning = RoleIssue(origin, line, column, "", "not UTF-8: read as Windows-1252 (what"
                                " Word and Excel save as ANSI); save the file as UTF-8 to be sure "
                                "every letter is kept", severity="warning")  # fmt: skip
            return text, warning
    raise _not_text(data, first_bad, origin, "not text in UTF-8, UTF-16 or Windows-1252")


def _line_column(data: bytes, offset: int, encoding: str = "utf-8") -> tuple[int, int]:
    """The line and column (in characters, from 1) of byte ``offset``: the text before it,
    which decoded, is counted in ``encoding`` (UTF-16 counts two bytes a letter)."""
    before = data[:offset].decode(encoding, errors="replace").lstrip("\ufeff")
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def _not_text(
    data: bytes, offset: int, origin: str, what: str, *, encoding: str = "utf-8"
) -> RoleError:
    line, column = _line_column(data, offset, encoding)
    message = f"{what} (byte 0x{data[offset]:02X}); save the role script as UTF-8 text"
    issue = RoleIssue(origin, line, column, "", message)
    return RoleError(str(issue), [issue])


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
        RoleError: the file cannot be read, is too big or is not text, or the script is invalid.
    """
    try:
        size = path.stat().st_size
        if size > MAX_ROLE_BYTES:
            raise _too_big(str(path), size)
        data = path.read_bytes()
    except OSError as e:
        raise RoleError(f"{path}: cannot read role script ({e.strerror})") from e
    return parse_role_bytes(data, str(path))


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
