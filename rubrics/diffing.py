"""Compare two versions of a role script: a readable summary and the line diff."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from rubrics.models import Competency, Question, RoleScript

__all__ = ["summarise_changes", "text_diff"]


def _by_id(items: Sequence[Competency | Question]) -> dict[str, Competency | Question]:
    return {item.id: item for item in items}


def summarise_changes(old: RoleScript, new: RoleScript) -> list[str]:
    """One line per added, removed or changed competency or question, and per changed setting."""
    lines: list[str] = []
    for label, before, after in (
        ("competency", _by_id(old.competencies), _by_id(new.competencies)),
        ("question", _by_id(old.questions), _by_id(new.questions)),
    ):
        for key in after.keys() - before.keys():
            lines.append(f"+ {label} {key}")
        for key in before.keys() - after.keys():
            lines.append(f"- {label} {key}")
        for key in sorted(before.keys() & after.keys()):
            if before[key] != after[key]:
                a, b = before[key].model_dump(), after[key].model_dump()
                fields = ", ".join(sorted(f for f in a if a[f] != b[f]))
                lines.append(f"~ {label} {key}: {fields}")
    skip = {"competencies", "questions"}
    a, b = old.model_dump(exclude=skip), new.model_dump(exclude=skip)
    for field in sorted(f for f in a if a[f] != b[f]):
        lines.append(f"~ {field}")
    return sorted(lines, key=lambda line: (line[2:], line[0]))


def text_diff(old_text: str, new_text: str, old_label: str, new_label: str) -> str:
    """The unified line diff of two script texts."""
    return "".join(
        difflib.unified_diff(
            old_text.splitlines(keepends=True),
            new_text.splitlines(keepends=True),
            fromfile=old_label,
            tofile=new_label,
        )
    )
