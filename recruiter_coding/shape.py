"""What sets the running time of a candidate's code, read from its syntax tree (nothing run).

The recruiter's question about complexity names what the code actually does: a loop inside a
loop, a sort before one pass, a set or a map kept while going through the input. Python is
read with ``ast``; JavaScript with espree, ESLint's parser (``recruiter_coding/js/shape.mjs``,
installed from npm by ``make setup``). What is read is deliberately little: loops nested in
loops (``for``, ``while``, comprehensions; in JavaScript also the array methods that call
their callback once per element, such as ``forEach`` and ``map``), sorting (``sorted``,
``.sort``, ``.toSorted``) and hash sets or maps (``set``, ``dict``, ``Counter``, ``defaultdict``
and their literals; ``new Set``, ``new Map``). A search hidden in a call (``x in a_list``,
``a.includes(x)``) is not counted: the question then names less than there is, never more.
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
_PY_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_PY_HASHES = {"set", "dict", "frozenset", "Counter", "defaultdict", "OrderedDict"}


@dataclass(frozen=True)
class CodeShape:
    """``loop_depth``: the deepest nesting of loops (0: none, 2: a loop inside a loop);
    ``sorts``: the code sorts; ``hashes``: it keeps a hash set or map."""

    loop_depth: int
    sorts: bool
    hashes: bool


def code_shape(language: str, code: str) -> CodeShape | None:
    """The shape of ``code`` in ``language`` ("python" or "javascript"); None when it does not
    parse, for another language, or when JavaScript's parser is missing or fails (the
    question is then asked without naming the code; nothing is raised)."""
    if language == "python":
        try:
            tree = ast.parse(code)
        except (SyntaxError, ValueError):
            return None
        return _python_shape(tree)
    if language == "javascript":
        return _javascript_shape(code)
    return None


def _python_shape(tree: ast.AST) -> CodeShape:
    sorts = hashes = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else None
            if name == "sorted" or (isinstance(func, ast.Attribute) and func.attr == "sort"):
                sorts = True
            if name in _PY_HASHES or (isinstance(func, ast.Attribute) and func.attr in _PY_HASHES):
                hashes = True
        elif isinstance(node, (ast.Set, ast.Dict, ast.SetComp, ast.DictComp)):
            hashes = True
    return CodeShape(_python_depth(tree, 0), sorts, hashes)


def _python_depth(node: ast.AST, depth: int) -> int:
    """The deepest loop nesting at or under ``node``, entered at ``depth`` loops."""
    if isinstance(node, _PY_LOOPS):
        depth += 1
    elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        # Each ``for`` of a comprehension is one loop inside the one before it.
        depth += len(node.generators)
    deepest = depth
    for child in ast.iter_child_nodes(node):
        deepest = max(deepest, _python_depth(child, depth))
    return deepest


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
        return CodeShape(int(found["loop_depth"]), bool(found["sorts"]), bool(found["hashes"]))
    except (OSError, subprocess.SubprocessError, ValueError, KeyError, TypeError):
        return None
