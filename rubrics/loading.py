"""Find and load role scripts: shipped roles by id, or any YAML file by path."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from rubrics.models import RoleScript

__all__ = ["RoleError", "load_role", "load_role_file", "shipped_role_ids"]


class RoleError(Exception):
    """A role script cannot be found or is invalid; the message says where and why."""


def _roles_dir() -> Path:
    return Path(str(resources.files("rubrics").joinpath("roles")))


def shipped_role_ids() -> list[str]:
    """Ids of the roles that ship with the project."""
    return sorted(p.stem for p in _roles_dir().glob("*.yaml"))


def _field_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


def load_role_file(path: Path) -> RoleScript:
    """Load and check one role script file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise RoleError(f"{path}: cannot read role script ({e.strerror})") from e
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        context, start = getattr(e, "context", None), getattr(e, "context_mark", None)
        hint = f" ({context} at line {start.line + 1}, column {start.column + 1})" if start else ""
        raise RoleError(f"{where}: invalid YAML: {getattr(e, 'problem', e)}{hint}") from e
    if not isinstance(data, dict):
        raise RoleError(f"{path}: a role script must be a mapping of fields")
    try:
        return RoleScript.model_validate(data)
    except ValidationError as e:
        lines = [f"{path}: {_field_path(err['loc'])}: {err['msg']}" for err in e.errors()]
        raise RoleError("\n".join(lines)) from e


def load_role(role: str) -> RoleScript:
    """Load a shipped role by id, or a role script file by path."""
    candidate = Path(role)
    if candidate.suffix in {".yaml", ".yml"} or candidate.exists():
        return load_role_file(candidate)
    path = _roles_dir() / f"{role}.yaml"
    if not path.is_file():
        known = ", ".join(shipped_role_ids())
        raise RoleError(
            f"unknown role '{role}'; shipped roles: {known} (or give a path to a YAML file)"
        )
    return load_role_file(path)
