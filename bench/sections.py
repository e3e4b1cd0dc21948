"""One ``## `` section of a results file, replaced while the rest of the file is kept.

Several benches write into one results file (``reliability.md``: the headless crash trials,
the room crash trials, the figures at a glance); each owns its section, and rerunning one bench
leaves the others' sections as they were.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["replace_section", "write_section"]


def replace_section(text: str, heading: str, body: str) -> str:
    """``text`` with the section under ``heading`` (a ``## `` line, up to the next one or the end)
    replaced by ``heading`` and ``body``; appended at the end when ``text`` has no such section.

    Raises:
        ValueError: ``heading`` is not a second-level Markdown heading (``## ...``, one line).
    """
    if not heading.startswith("## ") or "\n" in heading:
        raise ValueError(f"not a '## ' heading: {heading!r}")
    section = f"{heading}\n\n{body.strip()}\n"
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.rstrip("\r\n") == heading]
    if not starts:
        return f"{text.rstrip()}\n\n{section}" if text.strip() else section
    start = starts[0]
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    after = "".join(lines[end:])
    return "".join(lines[:start]) + section + (f"\n{after}" if after else "")


def write_section(path: Path, heading: str, body: str) -> None:
    """Replace (or add) the section ``heading`` of the file ``path`` (created if missing)."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    path.write_text(replace_section(text, heading, body), encoding="utf-8")
