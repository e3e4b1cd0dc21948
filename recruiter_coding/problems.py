"""Coding problems as content: the statement, starter code, examples, hidden tests, hints and
the expected growth, validated with located errors like role scripts.

A problem is one function to write. Its tests are argument lists with the expected result;
the visible ``examples`` are shown and run by the Run button, the hidden ``tests`` only on
Submit. ``growth`` says how to make ever larger inputs for measuring how the running time
grows (``recruiter_coding.judge``); the inputs are made here, outside the sandbox, from a
seed, so every candidate's code is timed on the same data.
"""

from __future__ import annotations

import ast
import functools
import re
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

__all__ = [
    "Case",
    "Growth",
    "Problem",
    "ProblemError",
    "complexity_degree",
    "load_problem",
    "shipped_problems",
]

Language = Literal["python", "javascript"]
# A function name both languages accept (JavaScript's $ aside): what the harness calls.
FunctionName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
# A JavaScript definition of NAME: a function declaration or a function assigned to it.
_JS_DEFINES = (
    r"(function\s+{name}\s*\(|(const|let|var)\s+{name}\s*=\s*(async\s+)?"
    r"(function\b|\(|[A-Za-z_$][\w$]*\s*=>))"
)


# Big-O of the growing input's size n, as the report and the recruiter say it: O(1), O(log n),
# O(n), O(n log n), O(n^2), O(n^1.5 log n); "N" and "log(n)" are read too. One variable: the
# timing runs grow one argument.
_LOG = r"log\s*(?:\(\s*n\s*\)|n)"
_BIG_O = re.compile(
    rf"O\(\s*(?:1|{_LOG}|n(?:\s*\^\s*(?P<power>\d+(?:\.\d+)?))?(?P<log>\s*\*?\s*{_LOG})?)\s*\)",
    re.IGNORECASE,
)


def complexity_degree(complexity: str) -> tuple[float, bool]:
    """The power of n in a Big-O of one variable, and whether a log factor is there:
    "O(n log n)" -> (1.0, True), "O(n^2)" -> (2.0, False), "O(log n)" -> (0.0, True),
    "O(1)" -> (0.0, False).

    Raises:
        ValueError: ``complexity`` is not such a Big-O (the message gives examples).
    """
    found = _BIG_O.fullmatch(complexity.strip())
    if found is None:
        raise ValueError(f"{complexity!r} is not a Big-O of the input's size n: write it as "
                         "O(1), O(log n), O(n), O(n log n) or O(n^2)")  # fmt: skip
    inner = complexity.strip()[2:-1].strip().lower()
    if inner == "1":
        return 0.0, False
    if inner.startswith("log"):
        return 0.0, True
    return (float(found["power"]) if found["power"] else 1.0), found["log"] is not None


class ProblemError(ValueError):
    """A problem file that cannot be used; the message names the file and the field."""


class _Strict(BaseModel):
    # Numbers are numbers as written: no true for 1, no NaN or infinity (problems are YAML).
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


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

    arg: StrictInt = Field(ge=0)
    kind: Literal[
        "ints", "distinct-ints", "rising-ints", "text", "brackets", "nested-brackets", "intervals"
    ]
    sizes: list[StrictInt] = Field(min_length=3)
    low: StrictInt = -1_000_000
    high: StrictInt = 1_000_000

    @model_validator(mode="after")
    def _doubling(self) -> Growth:
        if any(b < 2 * a for a, b in zip(self.sizes, self.sizes[1:], strict=False)):
            raise ValueError("each size must be at least twice the one before")
        return self


class Problem(_Strict):
    """One coding problem."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=3)
    difficulty: StrictInt = Field(ge=1, le=3)
    statement: str = Field(min_length=20)
    function: dict[Language, FunctionName] = Field(
        description="The function's name per language (letters, digits and _)."
    )
    starter: dict[Language, str] = Field(
        description="Starter code per language, the same languages as function; each defines "
        "its function (Python: parsed; JavaScript: a function declaration or assignment)."
    )
    examples: list[Case] = Field(min_length=1, description="Shown, and run by Run.")
    tests: list[Case] = Field(
        min_length=3, description="Hidden, run by Submit; as many arguments as the examples."
    )
    time_limit_s: StrictInt = Field(
        default=1200, gt=0, le=3600, description="For the whole problem."
    )
    hints: list[str] = Field(min_length=1, description="From gentle to specific.")
    complexity: str = Field(description='The expected time, a Big-O of n: "O(n log n)".')
    exponent: float = Field(gt=0, le=3, description="The expected growth: time ~ n^exponent.")
    growth: Growth

    # Each check is on the field it is about, so an error is located there (fields before it
    # are in ``info.data`` when they were valid).
    @field_validator("starter")
    @classmethod
    def _starter_defines_function(cls, starter: dict[str, str], info: ValidationInfo) -> Any:
        function: dict[str, str] | None = info.data.get("function")
        if function is None:
            return starter
        if set(function) != set(starter):
            raise ValueError(f"starter gives {', '.join(sorted(starter)) or 'no language'} but "
                             f"function names {', '.join(sorted(function))}: name the same "
                             "languages in both")  # fmt: skip
        for language, name in function.items():
            if language == "python":
                try:
                    tree = ast.parse(starter[language])
                except SyntaxError as e:
                    raise ValueError(f"the python starter code does not parse: line {e.lineno}: "
                                     f"{e.msg}") from e  # fmt: skip
                defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
            else:
                found = re.search(_JS_DEFINES.format(name=re.escape(name)), starter[language])
                defined = {name} if found else set()
            if name not in defined:
                raise ValueError(f"the {language} starter code does not define {name}")
        return starter

    @field_validator("complexity")
    @classmethod
    def _big_o(cls, complexity: str) -> str:
        complexity_degree(complexity)
        return complexity.strip()

    @field_validator("exponent")
    @classmethod
    def _exponent_as_complexity(cls, exponent: float, info: ValidationInfo) -> float:
        # The fitted growth is compared with this exponent; the report and the recruiter say
        # the complexity: both must tell the same growth (a log factor adds up to 0.5 to the
        # power fitted over the sizes measured; none, up to 0.1).
        complexity: str | None = info.data.get("complexity")
        if complexity is None:
            return exponent
        power, log = complexity_degree(complexity)
        slack = 0.5 if log else 0.1
        if not 0 <= exponent - power <= slack:
            raise ValueError(f"exponent {exponent:g} is not the growth of complexity "
                             f"{complexity} (time ~ n^{power:g}, up to {slack:g} more"
                             f"{' for its log factor' if log else ''})")  # fmt: skip
        return exponent

    @field_validator("tests")
    @classmethod
    def _same_arguments(cls, tests: list[Case], info: ValidationInfo) -> Any:
        examples: list[Case] = info.data.get("examples") or []
        counts = {len(c.args) for c in [*examples, *tests]}
        if len(counts) > 1:
            raise ValueError("every example and test must give the same number of arguments "
                             f"(here: {', '.join(map(str, sorted(counts)))})")  # fmt: skip
        return tests

    @field_validator("growth")
    @classmethod
    def _growing_argument(cls, growth: Growth, info: ValidationInfo) -> Any:
        examples: list[Case] = info.data.get("examples") or []
        if examples and growth.arg >= len(examples[0].args):
            raise ValueError(f"growth.arg {growth.arg} is not one of the function's "
                             f"{len(examples[0].args)} arguments (counted from 0)")  # fmt: skip
        return growth


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
