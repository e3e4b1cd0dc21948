"""``recruiter coding``: the coding round's problems, and a solution judged as Submit judges it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from recruiter_coding.judge import head_and_tail, judge, measure_growth
from recruiter_coding.problems import Problem, shipped_problems
from recruiter_coding.quality import QualityError, lint
from recruiter_coding.sandbox import SandboxError
from rubrics import RoleError, load_role

app = typer.Typer(help="The coding round: its problems, and your solution judged.")
_out = Console(soft_wrap=True)
_err = Console(stderr=True, soft_wrap=True)
_LANGUAGES = {".py": "python", ".js": "javascript"}


_ROLE_HELP = (
    "A role script file (or shipped role id) whose coding questions name or write the problem: "
    "try a problem you wrote before candidates meet it."
)


def _problem(problem_id: str, language: str, role: str | None = None) -> Problem:
    """Problem ``problem_id`` in ``language``: a shipped one, or with ``role`` one its coding
    questions name or write. Exits 2 naming the ones there are (or the role script's errors)."""
    known = shipped_problems()
    if role is not None:
        try:
            questions = [q for q in load_role(role).questions if q.kind == "coding"]
        except RoleError as e:
            _err.print(f"[red]{escape(str(e))}")
            raise typer.Exit(2) from e
        known = {p.id: p for q in questions if (p := q.coding_problem()) is not None}
    if problem_id not in known:
        hint = "" if role else " (a problem written in a role script: add --role FILE)"
        _err.print(f"[red]no problem {escape(problem_id)!r}{hint}; one of: "
                   f"{', '.join(known) or 'none'}")  # fmt: skip
        raise typer.Exit(2)
    if language not in known[problem_id].starter:
        _err.print(f"[red]problem {escape(problem_id)!r} has no {escape(language)} version; it "
                   f"has: {', '.join(known[problem_id].starter)}")  # fmt: skip
        raise typer.Exit(2)
    return known[problem_id]


@app.command("problems")
def problems() -> None:
    """List the problems: id, difficulty (1-3), title and the expected complexity."""
    for problem in shipped_problems().values():
        _out.print(f"{problem.id:<24} {problem.difficulty}  {problem.title} ({problem.complexity})")


@app.command("show")
def show(
    problem_id: str = typer.Argument(..., help="A problem id (see `recruiter coding problems`)."),
    language: str = typer.Option("python", "--language", help="python or javascript."),
    role: str | None = typer.Option(None, "--role", help=_ROLE_HELP),
) -> None:
    """Print a problem: its statement, the function to write, starter code and examples."""
    problem = _problem(problem_id, language, role)
    _out.print(f"[bold]{escape(problem.title)}[/] (difficulty {problem.difficulty})\n")
    _out.print(escape(problem.statement.strip()) + "\n")
    _out.print(f"write: {problem.function[language]}  (expected: {problem.complexity})")  # type: ignore[index]  # checked by _problem
    _out.print("starter code:\n" + escape(problem.starter[language]))  # type: ignore[index]  # checked by _problem
    for n, case in enumerate(problem.examples, 1):
        _out.print(f"example {n}: {escape(repr(case.args))} -> {escape(repr(case.expected))}")


@app.command("run")
def run(
    problem_id: str = typer.Argument(..., help="A problem id (see `recruiter coding problems`)."),
    file: Path = typer.Argument(..., help="Your solution: a .py or .js file."),
    submit: bool = typer.Option(
        False, "--submit", help="Also the hidden tests, the running time's growth and a lint."
    ),
    role: str | None = typer.Option(None, "--role", help=_ROLE_HELP),
) -> None:
    """Run a solution on the problem's examples in the sandbox (exit 1 when any fails)."""
    language = _LANGUAGES.get(file.suffix)
    if language is None:
        _err.print(f"[red]{escape(str(file))}: a .py or .js file, please")
        raise typer.Exit(2)
    problem = _problem(problem_id, language, role)
    try:
        code = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        _err.print(f"[red]{escape(str(file))}: cannot read it: {escape(str(e))}")
        raise typer.Exit(2) from e
    try:
        shown = asyncio.run(judge(problem, language, code, problem.examples))
        hidden = asyncio.run(judge(problem, language, code, problem.tests)) if submit else None
        growth = asyncio.run(measure_growth(problem, language, code)) if submit else None
    except SandboxError as e:
        _err.print(f"[red]the sandbox cannot run: {escape(str(e))}")
        raise typer.Exit(2) from e
    for result, case in zip(shown.results, problem.examples, strict=True):
        if result.passed:
            _out.print(f"example {result.index + 1}: [green]passed")
        else:
            why = result.error or f"returned {result.got!r}, expected {case.expected!r}"
            _out.print(f"example {result.index + 1}: [red]failed[/]: {escape(why)}")
    for what, verdict in (("examples", shown), ("hidden tests", hidden)):
        if verdict is not None and verdict.stopped:
            _out.print(f"the run of the {what} was stopped: {verdict.stopped}")
    if not shown.all_passed and shown.stderr.strip():
        # Why (a syntax error, a misnamed function) and the candidate's own prints, which the
        # harness sends to stderr (its stdout carries the results).
        _out.print("what the program printed:\n" + escape(head_and_tail(shown.stderr)))
    if hidden is not None:
        _out.print(f"hidden tests: {hidden.passed} of {len(hidden.results)} passed")
        stuck = next((r for r in hidden.results if r.error and r.error.startswith("stopped")),
                     None)  # fmt: skip
        if stuck is not None:
            _out.print(f"  hidden test {stuck.index + 1} was {stuck.error}; the ones after it "
                       "were not run")  # fmt: skip
    if growth is not None:
        if growth.exponent is None and growth.stopped:
            _out.print("running time: slower than expected: stopped before the larger inputs "
                       f"({problem.complexity} expected)")  # fmt: skip
        elif growth.exponent is None:
            _out.print("running time: too fast to measure its growth")
        else:
            verdict_text = "as expected" if growth.as_expected else "slower than expected"
            _out.print(f"running time grows as n^{growth.exponent} ({verdict_text}: "
                       f"{problem.complexity} is about n^{problem.exponent})")  # fmt: skip
        try:
            findings = lint(language, code)
        except QualityError as e:
            _err.print(f"[yellow]lint not run: {escape(str(e))}")
            findings = None
        if findings is not None:
            _out.print(f"lint: {len(findings)} finding(s)")
            for f in findings:
                _out.print(f"  line {f.line}: {f.code} {escape(f.message)}")
    passed = shown.all_passed and (hidden is None or hidden.all_passed)
    raise typer.Exit(0 if passed else 1)
