"""What sets the running time of a candidate's code, read from its syntax tree (nothing run).

The recruiter's question about complexity names what the code actually does: a loop inside a
loop, a sort before one pass, a set or a map kept while going through the input. Python is
read with ``ast``; JavaScript with espree, ESLint's parser (``recruiter_coding/js/shape.mjs``,
installed from npm by ``make setup``). What is read is deliberately little: loops and how deep
they nest (``for``, ``while``, comprehensions; in JavaScript also the array methods that call
their callback once per element, such as ``forEach`` and ``map``; what a loop runs over is
read outside it, as it runs once), sorting (``sorted``, ``.sort``, ``.toSorted``) and hash
sets or maps (``set``, ``dict``, ``Counter``, ``defaultdict`` and their literals; ``new Set``,
``new Map``). A search hidden in a call (``x in a_list``, ``a.includes(x)``) is not counted:
the question then names less than there is, never more.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CodeShape", "code_shape"]

_SHAPE_JS = Path(__file__).parent / "js" / "shape.mjs"
_ESPREE = Path(__file__).parent / "js" / "node_modules" / "espree"
_PY_HASHES = {"set", "dict", "frozenset", "Counter", "defaultdict", "OrderedDict"}
_PY_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


@dataclass(frozen=True)
class CodeShape:
    """``loop_depth``: the deepest nesting of loops (0: none, 2: a loop inside a loop);
    ``loops``: how many loops there are; ``sorts``: the code sorts (``sort_in_loop``: inside
    a loop); ``hashes``: it keeps a hash set or map."""

    loop_depth: int
    sorts: bool
    hashes: bool
    loops: int = 0
    sort_in_loop: bool = False


def code_shape(language: str, code: str) -> CodeShape | None:
    """The shape of ``code`` in ``language`` ("python" or "javascript"); None when it does not
    parse (or nests too deeply to read), for another language, or when JavaScript's parser is
    missing or fails (the question is then asked without naming the code; nothing is raised)."""
    if language == "python":
        try:
            reader = _PythonReader()
            reader.read(ast.parse(code), 0)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        return CodeShape(reader.deepest, bool(reader.sort_depths), reader.hashes, reader.loops,
                         any(d > 0 for d in reader.sort_depths))  # fmt: skip
    if language == "javascript":
        return _javascript_shape(code)
    return None


class _PythonReader:
    """Walks a syntax tree with the loop depth of each node."""

    def __init__(self) -> None:
        self.deepest = self.loops = 0
        self.sort_depths: list[int] = []
        self.hashes = False

    def read(self, node: ast.AST, depth: int) -> None:
        """Read ``node``, found inside ``depth`` loops, and what is under it."""
        self.deepest = max(self.deepest, depth)
        self._note(node, depth)
        if isinstance(node, (ast.For, ast.AsyncFor)):
            self.loops += 1
            self.read(node.iter, depth)  # what it runs over is made once, outside it
            for child in (node.target, *node.body, *node.orelse):
                self.read(child, depth + 1)
        elif isinstance(node, ast.While):
            self.loops += 1
            for child in ast.iter_child_nodes(node):
                self.read(child, depth + 1)
        elif isinstance(node, _PY_COMPREHENSIONS):
            # Each ``for`` is one loop inside the one before; the first runs over something
            # made outside them all.
            first, *rest = node.generators
            self.loops += len(node.generators)
            self.read(first.iter, depth)
            inner = depth + len(node.generators)
            for child in (first.target, *first.ifs, *rest):
                self.read(child, depth + 1)
            elements = (node.key, node.value) if isinstance(node, ast.DictComp) else (node.elt,)
            for child in elements:
                self.read(child, inner)
        else:
            for child in ast.iter_child_nodes(node):
                self.read(child, depth)

    def _note(self, node: ast.AST, depth: int) -> None:
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else None
            attr = func.attr if isinstance(func, ast.Attribute) else None
            if name == "sorted" or attr == "sort":
                self.sort_depths.append(depth)
            if name in _PY_HASHES or attr in _PY_HASHES:
                self.hashes = True
        elif isinstance(node, (ast.Set, ast.Dict, ast.SetComp, ast.DictComp)):
            self.hashes = True


def _javascript_shape(code: str) -> CodeShape | None:
    node = shutil.which("node")
    if node is None or not _ESPREE.is_dir():
        return None
    try:
        done = subprocess.run([node, str(_SHAPE_JS)], input=code, capture_output=True,
                              text=True, timeout=30, check=True)  # fmt: skip
        found = json.loads(done.stdout)
        if "error" in found:
            return None
        return CodeShape(int(found["loop_depth"]), bool(found["sorts"]), bool(found["hashes"]),
                         int(found["loops"]), bool(found["sort_in_loop"]))  # fmt: skip
    except (OSError, subprocess.SubprocessError, ValueError, KeyError, TypeError):
        return None
