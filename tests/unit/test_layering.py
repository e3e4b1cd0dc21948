"""The import layout: packages import only the layers below them, no modules import in a circle,
and no module grows past 500 lines.

Read from the source with ``ast`` (nothing is imported), so a new upward import or a new circle
fails here with the file and the import that made it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Bottom to top; a package may import from its own layer's packages only where listed in SIDEWAYS.
LAYERS: list[set[str]] = [
    {"recruiter_config"},
    {
        "dialogue",
        "perception",
        "storage",
        "recruiter_llm",
        "recruiter_coding",
    },
    {"rubrics", "recruiter_devstack", "recruiter_phone"},
    {"reports"},
    {"agent"},
    {"recruiter_rehearsal"},
    {"recruiter_coaching"},
    {"web"},
    {"recruiter_cli"},
]
LAYER = {package: rank for rank, packages in enumerate(LAYERS) for package in packages}


def _modules() -> Iterator[tuple[str, Path]]:
    for package in LAYER:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def _imports(path: Path) -> Iterator[tuple[str, int]]:
    """Every project name ``path`` imports (at any depth, type-only ones too), with its line."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            if name.split(".")[0] in LAYER:
                yield name, node.lineno


def _graph() -> dict[str, dict[str, str]]:
    """module -> {imported module: "file:line"}, project modules only."""
    modules = dict(_modules())
    graph: dict[str, dict[str, str]] = {m: {} for m in modules}
    for module, path in modules.items():
        for name, line in _imports(path):
            # "from a.b import c" names module a.b.c when that is a module, else a.b
            target = name if name in modules else name.rsplit(".", 1)[0]
            if target in modules and target != module:
                graph[module].setdefault(target, f"{path.relative_to(ROOT)}:{line}")
    return graph


def test_every_package_is_in_a_layer() -> None:
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert packages - {"tests"} <= set(LAYER), "add the new package to LAYERS"


def test_no_package_imports_from_a_layer_above_or_beside_it() -> None:
    upward = [
        f"{where}: {module} -> {target}"
        for module, targets in _graph().items()
        for target, where in targets.items()
        if module.split(".")[0] != target.split(".")[0]
        and LAYER[target.split(".")[0]] >= LAYER[module.split(".")[0]]
    ]
    assert upward == []


def test_no_modules_import_each_other_in_a_circle() -> None:
    graph = _graph()
    circles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in graph[module]:
            if state.get(target) == 1:
                circles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    assert circles == []


def test_no_module_is_over_500_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for _module, path in _modules()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert long == {}, "split the module along its jobs"
