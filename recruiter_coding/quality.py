"""Code quality of a candidate's solution, from a linter: what it found, line by line.

Python is read by ruff (``ruff check`` on the text, nothing run): pyflakes' errors (undefined
and unused names), pycodestyle's errors and warnings, bugbear's likely bugs, simplifications
and McCabe complexity over 10. The findings are observations for the report and the
interviewer's questions, never a score by themselves. JavaScript has no linter yet.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass

from ruff.__main__ import find_ruff_bin

__all__ = ["Finding", "QualityError", "lint"]

# pycodestyle errors and warnings, pyflakes, bugbear, simplify, McCabe complexity.
_RULES = "E,W,F,B,SIM,C901"
# A generous line length: an interview editor is no place to ask for short lines.
_LINE_LENGTH = "100"


class QualityError(RuntimeError):
    """The linter could not run."""


@dataclass(frozen=True)
class Finding:
    """One linter finding: its rule code, the 1-based line, and the linter's message."""

    code: str
    line: int
    message: str


def lint(language: str, code: str) -> tuple[Finding, ...] | None:
    """What the linter finds in ``code``, in line order; None for a language without one.

    Raises:
        QualityError: the linter failed to run.
    """
    if language != "python":
        return None
    command = [find_ruff_bin(), "check", "--isolated", "--select", _RULES,
               "--line-length", _LINE_LENGTH, "--output-format", "json", "--exit-zero",
               "--stdin-filename", "solution.py", "-"]  # fmt: skip
    try:
        # An editor's missing final newline is not the candidate's doing (ruff's W292).
        text = code if code.endswith("\n") else code + "\n"
        done = subprocess.run(command, input=text, capture_output=True, text=True, timeout=30,
                              check=True)  # fmt: skip
        found = json.loads(done.stdout)
    except (OSError, subprocess.SubprocessError, ValueError) as e:
        raise QualityError(f"ruff could not check the code: {e}") from e
    findings = [
        Finding(str(f["code"] or "syntax"), int(f["location"]["row"]), str(f["message"]))
        for f in found
    ]
    return tuple(sorted(findings, key=lambda f: (f.line, f.code)))
