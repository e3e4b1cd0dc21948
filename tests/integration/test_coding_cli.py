"""``recruiter coding``: the problems listed, a solution judged in the sandbox as Submit does."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from recruiter_cli.main import app
from tests.conftest import FIXTURES
from tests.integration.test_judge import JS, LINEAR

runner = CliRunner()


def test_the_problems_are_listed_with_difficulty_and_complexity(tmp_path: Path) -> None:
    listed = runner.invoke(app, ["coding", "problems"], env={"RECRUITER_HOME": str(tmp_path)})
    assert listed.exit_code == 0
    assert "pair-with-sum" in listed.output and "O(n log n)" in listed.output


def test_a_solution_is_judged_and_a_wrong_one_fails_with_what_it_returned(
    tmp_path: Path,
) -> None:
    env = {"RECRUITER_HOME": str(tmp_path), "COLUMNS": "200"}
    right = tmp_path / "right.py"
    right.write_text(LINEAR, encoding="utf-8")
    judged = runner.invoke(app, ["coding", "run", "pair-with-sum", str(right), "--submit"], env=env)
    assert judged.exit_code == 0, judged.output
    assert "hidden tests: 6 of 6 passed" in judged.output and "as expected" in judged.output
    wrong = tmp_path / "wrong.js"
    wrong.write_text(JS.replace("return [];", "return [0];"), encoding="utf-8")
    failed = runner.invoke(app, ["coding", "run", "pair-with-sum", str(wrong)], env=env)
    assert failed.exit_code == 1
    assert "example 2: failed: returned [0], expected []" in failed.output
    unknown = runner.invoke(app, ["coding", "run", "no-such", str(right)], env=env)
    assert unknown.exit_code == 2
    # JavaScript's running time is measured and said as Python's is.
    linear_js = tmp_path / "linear.js"
    linear_js.write_text(JS.replace('    console.log("looking at", j);\n', ""), encoding="utf-8")
    timed = runner.invoke(app, ["coding", "run", "pair-with-sum", str(linear_js), "--submit"],
                          env=env)  # fmt: skip
    assert timed.exit_code == 0, timed.output
    assert "running time grows as n^" in timed.output and "as expected" in timed.output


def test_a_problem_is_shown_and_a_hanging_case_is_named(tmp_path: Path) -> None:
    env = {"RECRUITER_HOME": str(tmp_path), "COLUMNS": "200"}
    shown = runner.invoke(app, ["coding", "show", "pair-with-sum", "--language", "javascript"],
                          env=env)  # fmt: skip
    assert shown.exit_code == 0 and "write: pairWithSum" in shown.output
    hangs = tmp_path / "hangs.py"
    hangs.write_text("def pair_with_sum(prices, budget):\n    while True:\n        pass\n")
    judged = runner.invoke(app, ["coding", "run", "pair-with-sum", str(hangs)], env=env)
    assert judged.exit_code == 1
    assert "example 1: failed: stopped while running (cpu-time)" in judged.output
    assert "example 2: failed: not run" in judged.output


def test_a_problem_written_in_a_role_script_is_judged_from_that_script(tmp_path: Path) -> None:
    env = {"RECRUITER_HOME": str(tmp_path), "COLUMNS": "200"}
    role = str(FIXTURES / "coding_written_problem.yaml")
    solution = tmp_path / "busiest.py"
    solution.write_text(
        "def busiest_hour(hours):\n"
        "    counts = [0] * 24\n"
        "    for hour in hours:\n"
        "        counts[hour] += 1\n"
        "    return counts.index(max(counts)) if hours else -1\n",
        encoding="utf-8",
    )
    judged = runner.invoke(
        app, ["coding", "run", "busiest-hour", str(solution), "--submit", "--role", role], env=env
    )
    assert judged.exit_code == 0, judged.output
    assert "hidden tests: 4 of 4 passed" in judged.output and "as expected" in judged.output
    # Without the script, the id names no shipped problem.
    assert (
        runner.invoke(app, ["coding", "run", "busiest-hour", str(solution)], env=env).exit_code == 2
    )
    shown = runner.invoke(app, ["coding", "show", "busiest-hour", "--role", role], env=env)
    assert shown.exit_code == 0 and "no calls at all, return -1" in shown.output
