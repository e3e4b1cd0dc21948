"""Coding problems as content: the statement, starter code, examples, hidden tests, hints and
the expected growth, validated with located errors like role scripts.

A problem is one function to write. Its tests are argument lists with the expected result;
the visible ``examples`` are shown and run by the Run button, the hidden ``tests`` only on
Submit. ``growth`` says how to make ever larger inputs for measuring how the running time
grows (``recruiter_coding.judge``); the inputs are made here, outside the sandbox, from a
seed, so every candidate's code is timed on the same data.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

__all__ = ["Case", "Growth", "Problem", "ProblemError", "load_problem", "shipped_problems"]

Language = Literal["python", "javascript"]


class ProblemError(ValueError):
    """A problem file that cannot be used; the message names the file and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Case(_Strict):
    """One call of the function: its arguments and the result it must return; a hidden test
    at an edge of the input names it as the recruiter would say it ("an empty list of
    prices"), for the question about edge cases after a submit failed on it."""

    args: list[Any]
    expected: Any
    edge: str | None = Field(default=None, min_length=3, max_length=80)


class Growth(_Strict):
    """Inputs of growing size for the timing runs.

    ``arg``: the index of the argument that grows (the others are the first example's);
    ``kind``: "ints" (random integers in ``low``..``high``), "distinct-ints", "rising-ints"
    (distinct and increasing), "text" (random lowercase letters), "brackets" (a random,
    balanced line of ``()[]{}``), "nested-brackets" (balanced, every bracket inside the last)
    or "intervals" (``[start, end]`` pairs in ``low``..``high``); ``sizes``: the lengths, each
    at least twice the last. Pick the kind that is a brute force's worst case, so that one
    fits its real growth: a rising run checked from every start is quadratic on one long run.
    """

    arg: int = Field(ge=0)
    kind: Literal[
        "ints", "distinct-ints", "rising-ints", "text", "brackets", "nested-brackets", "intervals"
    ]
    sizes: list[int] = Field(min_length=3)
    low: int = -1_000_000
    high: int = 1_000_000

    @model_validator(mode="after")
    def _doubling(self) -> Growth:
        if any(b < 2 * a for a, b in zip(self.sizes, self.sizes[1:], strict=False)):
            raise ValueError("each size must be at least twice the one before")
        return self


class Problem(_Strict):
    """One coding problem."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=3)
    difficulty: int = Field(ge=1, le=3)
    statement: str = Field(min_length=20)
    function: dict[Language, str] = Field(description="The function's name per language.")
    starter: dict[Language, str] = Field(description="Starter code per language.")
    examples: list[Case] = Field(min_length=1, description="Shown, and run by Run.")
    tests: list[Case] = Field(min_length=3, description="Hidden, run by Submit.")
    time_limit_s: int = Field(default=1200, gt=0, le=3600, description="For the whole problem.")
    hints: list[str] = Field(min_length=1, description="From gentle to specific.")
    complexity: str = Field(min_length=3, description='The expected time, as "O(n)".')
    exponent: float = Field(gt=0, le=3, description="The expected growth: time ~ n^exponent.")
    growth: Growth

    @model_validator(mode="after")
    def _consistent(self) -> Problem:
        if set(self.function) != set(self.starter):
            raise ValueError("function and starter must name the same languages")
        arity = {len(c.args) for c in [*self.examples, *self.tests]}
        if len(arity) != 1:
            raise ValueError("every example and test must give the same number of arguments")
        if self.growth.arg >= arity.pop():
            raise ValueError("growth.arg is not one of the function's arguments")
        for language, name in self.function.items():
            if name not in self.starter[language]:
                raise ValueError(f"the {language} starter code does not define {name}")
        return self


def load_problem(path: Path) -> Problem:
    """Read and validate one problem file.

    Raises:
        ProblemError: unreadable YAML or an invalid field (the file and field named).
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise ProblemError(f"{path}: cannot read the problem: {e}") from e
    if not isinstance(data, dict):
        raise ProblemError(f"{path}: a problem is a mapping of fields")
    try:
        return Problem.model_validate(data)
    except ValidationError as e:
        where = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'problem'}: {err['msg']}"
            for err in e.errors()
        )
        raise ProblemError(f"{path}: {where}") from e


@functools.cache
def shipped_problems() -> dict[str, Problem]:
    """The problems that ship with the product, by id (read once per process; do not change
    what it returns).

    Raises:
        ProblemError: a shipped problem file is invalid (the file and field named).
    """
    folder = resources.files("recruiter_coding") / "problems"
    problems = [load_problem(Path(str(p))) for p in folder.iterdir() if p.name.endswith(".yaml")]
    return {p.id: p for p in sorted(problems, key=lambda p: (p.difficulty, p.id))}
