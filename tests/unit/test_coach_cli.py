"""``recruiter coach questions``: each question's kind, protected topics flagged (exit 1)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from recruiter_cli.main import app

runner = CliRunner()


def test_questions_are_told_apart_and_a_protected_one_fails_the_command(tmp_path: Path) -> None:
    env = {"RECRUITER_HOME": str(tmp_path), "COLUMNS": "200"}
    fine = runner.invoke(app, ["coach", "questions", "Walk me through your last audit."], env=env)
    assert fine.exit_code == 0, fine.output
    assert "open" in fine.output and "protected topic:" not in fine.output
    assert "No protected topic found" in fine.output and "miss" in fine.output  # not a clearance
    asked = "What did you change, and who signed it off?\nIs your husband fine with nights?\n"
    flagged = runner.invoke(app, ["coach", "questions", "--json"], input=asked, env=env)
    assert flagged.exit_code == 1, flagged.output
    kinds = [json.loads(line) for line in flagged.output.splitlines() if line.startswith("{")]
    assert [k["multi_part"] for k in kinds] == [True, False]
    assert [k["protected"] for k in kinds] == [None, "family"]
    assert "schedule" in kinds[1]["instead"]
    nothing = runner.invoke(app, ["coach", "questions"], input="\n  \n", env=env)
    assert nothing.exit_code == 2 and "No questions given" in nothing.output
