"""Code quality of a candidate's solution, from a linter: what it found, line by line.

Python is read by ruff (``ruff check`` on the text, nothing run): pyflakes' errors (undefined
and unused names), pycodestyle's errors and warnings, bugbear's likely bugs, simplifications
and McCabe complexity over 10. JavaScript is read by ESLint (``recruiter_coding/js``, installed
from npm by ``make setup``) with its recommended rules for a script run by Node.js. The findings
are observations for the report and the interviewer's questions, never a score by themselves.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ruff.__main__ import find_ruff_bin

__all__ = ["Finding", "QualityError", "lint"]

# pycodestyle errors and warnings, pyflakes, bugbear, simplify, McCabe complexity.
_RULES = "E,W,F,B,SIM,C901"
# A generous line length: an interview editor is no place to ask for short lines.
_LINE_LENGTH = "100"
_ESLINT_DIR = Path(__file__).parent / "js"
_ESLINT = _ESLINT_DIR / "node_modules" / "eslint" / "bin" / "eslint.js"


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
        QualityError: the linter failed to run (or, for JavaScript, is not installed).
    """
    if language == "javascript":
        return _eslint(code)
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


def _eslint(code: str) -> tuple[Finding, ...]:
    """ESLint's findings on JavaScript ``code`` (a parse error is one finding, "syntax").

    Raises:
        QualityError: Node.js or ESLint is missing, or ESLint failed.
    """
    node = shutil.which("node")
    if node is None or not _ESLINT.is_file():
        raise QualityError(f"ESLint is not installed ({_ESLINT}); run `make setup`")
    command = [node, str(_ESLINT), "--stdin", "--stdin-filename", "solution.js",
               "--format", "json", "--config", str(_ESLINT_DIR / "eslint.config.mjs")]  # fmt: skip
    try:
        # ESLint exits 1 when it finds something; 2 is its own failure.
        done = subprocess.run(command, input=code, capture_output=True, text=True, timeout=30,
                              cwd=_ESLINT_DIR)  # fmt: skip
        if done.returncode not in (0, 1):
            raise QualityError(f"ESLint could not check the code: {done.stderr.strip()[:300]}")
        found = json.loads(done.stdout)[0]["messages"]
    except (OSError, subprocess.SubprocessError, ValueError, IndexError, KeyError) as e:
        raise QualityError(f"ESLint could not check the code: {e}") from e
    findings = [Finding(str(m.get("ruleId") or "syntax"), int(m.get("line") or 1),
                        str(m["message"])) for m in found]  # fmt: skip
    return tuple(sorted(findings, key=lambda f: (f.line, f.code)))
