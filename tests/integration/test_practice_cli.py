"""``recruiter practice-interviewer``: a whole practice session from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

QUESTIONS = """\
# a practice session: a weak opener, a leading follow-up, a protected question, then better
So you like working with customers, right?
Tell me about a time you dealt with an angry customer.
And what did you do yourself?
How old are your kids?
Which would you handle first, a failed payment or an invoice question?
"""


def _practice(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "recruiter_cli.main", "practice-interviewer", *args],
        capture_output=True, text=True, timeout=120, check=False, input=stdin,
        env={**os.environ, "RECRUITER_HOME": str(home)},
    )  # fmt: skip


def test_a_practice_session_ends_in_a_coaching_report_with_calibration(
    home: Path, tmp_path: Path
) -> None:
    questions = tmp_path / "questions.txt"
    questions.write_text(QUESTIONS, encoding="utf-8")
    out = tmp_path / "coaching"
    proc = _practice(home, "--persona", "weak", "--questions", str(questions), "--out", str(out),
                     "--scores", "motivation=4,customer-empathy=4,prioritisation=3")  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.count("Candidate:") == 5
    assert "rather keep that private" in proc.stdout
    (folder,) = out.iterdir()
    report = json.loads((folder / "report.json").read_text())
    assert [q["topic"] for q in report["questions"]] == [
        "motivation", "frustrated-customer", "frustrated-customer", None, "payment-or-invoice",
    ]  # fmt: skip
    assert len(report["leading"]) == 1 and len(report["protected"]) == 1
    calibration = report["calibration"]
    assert calibration["bias"] > 1  # a weak candidate scored as average and better
    text = (folder / "report.md").read_text()
    assert "## Calibration: your scores against the candidate's known level" in text
    assert "more lenient than the answers warrant" in text
    assert "Calibration:" in proc.stdout and "Report:" in proc.stdout


def test_questions_from_stdin_and_no_scores(home: Path, tmp_path: Path) -> None:
    proc = _practice(
        home,
        "--persona",
        "strong",
        "--out",
        str(tmp_path / "c"),
        stdin="Why do you want to work in support?\nWhat happened next?\n",
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    (folder,) = (tmp_path / "c").iterdir()
    report = json.loads((folder / "report.json").read_text())
    assert report["calibration"] is None and "calibration is not measured" in report["note"]


def test_bad_requests_say_what_to_do(home: Path, tmp_path: Path) -> None:
    proc = _practice(home, "--persona", "nobody", stdin="Hi?\n")
    assert proc.returncode == 2 and "no practice persona 'nobody'" in proc.stderr
    assert "average" in proc.stderr
    proc = _practice(home, "--role", "coding-round", stdin="Hi?\n")
    assert proc.returncode == 2 and "no practice personas are written" in proc.stderr
    proc = _practice(home, "--scores", "motivation=9", stdin="Why support?\n")
    assert proc.returncode == 2 and "scores are 1 to 5" in proc.stderr
    assert "Candidate:" not in proc.stdout  # refused before the interview, not after
    proc = _practice(home, "--scores", "charm=3", stdin="Why support?\n")
    assert proc.returncode == 2 and "no competency charm" in proc.stderr
    proc = _practice(home, "--out", __file__, stdin="Why support?\n")
    assert proc.returncode == 2 and "not a folder" in proc.stderr
    proc = _practice(home, "--scores", "motivation", stdin="Why support?\n")
    assert proc.returncode == 2 and "competency=level" in proc.stderr
    proc = _practice(home, stdin="")
    assert proc.returncode == 2 and "no questions were asked" in proc.stderr
    assert "Traceback" not in proc.stderr
