"""Judge a candidate's function: run it on a problem's cases in the sandbox, compare outside.

The sandboxed program is a small harness that loads the candidate's code, calls the function
on each argument list and prints one JSON line per call with the value returned and the time
the call took (the candidate's own prints go to stderr). Expected results never enter the
sandbox: they are compared here, so code that prints "passed" passes nothing.

The running time's growth is measured by calling the function on inputs of growing size
(``Problem.growth``, each problem's a brute force's worst case), the fastest of three calls per
size in CPU time (wall time counts the waits of a run at nice 19 beside a live interview), and
fitting ``time ~ n^k`` by least squares on the logarithms; ``k`` is reported beside the
problem's expected exponent (1 for O(n), 2 for O(n^2)). A run stopped before three sizes were
timed grew faster than expected. Python is timed in the calling thread's CPU time (the process
clock read 0.0 in the sandbox). JavaScript is timed with node's interpreter only (``--jitless``:
V8 compiles a function part way through the sizes, so its large sizes ran compiled and its
small ones not: a linear loop fitted n^0.77-0.87 over three runs, n^0.97-1.08 without the JIT;
a quadratic one 1.96-2.04 either way) and one thread (``--single-threaded``: the garbage
collector's work is the call's), in the process's CPU time. Known limit: an O(n log n) sort
of nested lists fits 1.3-1.5 here (inside the tolerance of 0.5 for an O(n) problem, so
merge-bookings' O(n log n) is judged against its own exponent).
"""

from __future__ import annotations

import json
import math
import random
import string
from dataclasses import dataclass
from typing import Any

import numpy as np

from recruiter_coding.problems import Case, Growth, Problem
from recruiter_coding.sandbox import Limits, run_code

__all__ = ["CaseResult", "GrowthResult", "Verdict", "head_and_tail", "judge", "measure_growth"]

# A fitted exponent this far above the expected one counts as slower growth than expected: half
# way from linear to quadratic.
GROWTH_TOLERANCE = 0.5
# Calls faster than this are timer noise, not growth (seconds).
_MIN_TIMED_S = 2e-4
# The interpreter's options for timing runs (see the module's docstring).
_TIMING_OPTIONS = {"python": (), "javascript": ("--jitless", "--single-threaded")}

_PYTHON_HARNESS = """\
import contextlib, copy, json, sys, time
# The calling thread's CPU time, taken before the candidate's code could replace it: wall time
# counts the time the run (at nice 19) waits while the live interview uses the cores, and fitted
# a linear solution at n^1.6 during a room interview. (The process clock read 0.0 for 0.1 ms
# calls in the sandbox; threads the code starts are not counted.)
clock = time.thread_time
cases = json.load(open("cases.json"))
with contextlib.redirect_stdout(sys.stderr):
    import solution
function = getattr(solution, cases["name"])
for i, args in enumerate(cases["args"]):
    try:
        best = None
        for _ in range(cases["repeats"]):  # the fastest of the repeats: the least disturbed
            given = copy.deepcopy(args)
            with contextlib.redirect_stdout(sys.stderr):
                start = clock()
                out = function(*given)
                seconds = clock() - start
            best = seconds if best is None else min(best, seconds)
        item = {"i": i, "s": best} if cases["time_only"] else {"i": i, "out": out, "s": best}
        line = json.dumps(item, default=repr)
    except Exception as e:
        line = json.dumps({"i": i, "error": f"{type(e).__name__}: {e}"[:300]})
    print(line, flush=True)
"""

_JS_HARNESS = """\
const fs = require("fs");
const cases = JSON.parse(fs.readFileSync("cases.json", "utf8"));
const out = (line) => fs.writeSync(1, line + "\\n");
console.log = (...a) => process.stderr.write(a.join(" ") + "\\n");
const fn = require("./solution.js")[cases.name];
if (typeof fn !== "function") {
  process.stderr.write(`no function named ${cases.name} was defined\n`);
  process.exit(1);
}
// CPU seconds of the process (the whole of it: timing runs have one thread).
const clock = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
cases.args.forEach((args, i) => {
  try {
    let best = null, got;
    for (let r = 0; r < cases.repeats; r++) {  // the fastest of the repeats: the least disturbed
      const given = structuredClone(args);
      const start = clock();
      got = fn(...given);
      const s = clock() - start;
      best = best === null ? s : Math.min(best, s);
    }
    const s = best;
    out(JSON.stringify(cases.time_only ? { i, s } : { i, out: got === undefined ? null : got, s }));
  } catch (e) {
    out(JSON.stringify({ i, error: String(e).slice(0, 300) }));
  }
});
"""


@dataclass(frozen=True)
class CaseResult:
    """One call: passed, what it returned (or the error raised), and the CPU seconds it took
    (Python: its thread's; JavaScript: the whole process's, the compiler's threads included
    outside timing runs)."""

    index: int
    passed: bool
    got: Any = None
    error: str | None = None
    seconds: float | None = None


@dataclass(frozen=True)
class Verdict:
    """The cases run: each one's result, and why the run was stopped, if it was."""

    results: tuple[CaseResult, ...]
    stopped: str | None
    stderr: str

    @property
    def passed(self) -> int:
        """How many cases passed."""
        return sum(r.passed for r in self.results)

    @property
    def all_passed(self) -> bool:
        """Every case passed."""
        return bool(self.results) and self.passed == len(self.results)


@dataclass(frozen=True)
class GrowthResult:
    """Seconds per call at each input size, the fitted exponent and the expected one.

    ``exponent`` is None when too few calls took measurable time (or the run failed);
    ``as_expected`` then is None too.
    """

    sizes: tuple[int, ...]
    seconds: tuple[float | None, ...]
    exponent: float | None
    expected: float

    @property
    def stopped(self) -> bool:
        """The run was stopped (time or memory) before every size was timed."""
        return any(s is None for s in self.seconds) and any(s is not None for s in self.seconds)

    @property
    def as_expected(self) -> bool | None:
        """The time grows no faster than expected (within ``GROWTH_TOLERANCE``); False when
        the run was stopped before the growth could be fitted."""
        if self.exponent is None:
            return False if self.stopped else None
        return self.exponent <= self.expected + GROWTH_TOLERANCE


def _program(problem: Problem, language: str, code: str) -> tuple[str, dict[str, str]]:
    """The harness and the files beside it (the candidate's code as a module)."""
    name = problem.function[language]  # type: ignore[index]
    if language == "python":
        return _PYTHON_HARNESS, {"solution.py": code}
    # The candidate writes a plain function; the module exports it by name.
    found = f"typeof {name} === 'undefined' ? undefined : {name}"
    export = f"\nmodule.exports = {{ {name}: {found} }};\n"
    return _JS_HARNESS, {"solution.js": code + export}


async def _run(problem: Problem, language: str, code: str, args: list[list[Any]],
               limits: Limits, *, timing: bool = False,
               ) -> tuple[dict[int, dict[str, Any]], str | None, str]:  # fmt: skip
    harness, files = _program(problem, language, code)
    name = problem.function[language]  # type: ignore[index]
    # Timing runs print no results (large ones would hit the output limit) and take the
    # fastest of three calls per input.
    files["cases.json"] = json.dumps({"name": name, "args": args, "time_only": timing,
                                      "repeats": 3 if timing else 1})  # fmt: skip
    options = _TIMING_OPTIONS[language] if timing else ()
    result = await run_code(language, harness, files=files, limits=limits, options=options)
    lines: dict[int, dict[str, Any]] = {}
    for line in result.stdout.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue  # not the harness's (the candidate wrote to the real stdout)
        if isinstance(item, dict) and isinstance(item.get("i"), int):
            lines[item["i"]] = item  # the harness's line comes after the call it reports
    return lines, result.stopped, result.stderr


def _same(got: Any, expected: Any) -> bool:
    if isinstance(expected, float):  # a float result may differ in its last digits
        return (
            isinstance(got, int | float)
            and not isinstance(got, bool)
            and math.isclose(got, expected, rel_tol=1e-6, abs_tol=1e-9)
        )
    if isinstance(expected, list) and isinstance(got, list):
        return len(got) == len(expected) and all(map(_same, got, expected))
    return bool(got == expected) and type(got) is type(expected)


async def judge(problem: Problem, language: str, code: str, cases: list[Case],
                limits: Limits | None = None) -> Verdict:  # fmt: skip
    """Run ``code`` (the candidate's, in ``language``) on ``cases`` and compare the results.

    Raises:
        ValueError: a language the problem has no function name for.
        SandboxError: the sandbox cannot run.
    """
    if language not in problem.function:
        raise ValueError(f"problem {problem.id} has no {language} version")
    lines, stopped, stderr = await _run(
        problem, language, code, [c.args for c in cases], limits or Limits()
    )
    results = []
    running = min((i for i in range(len(cases)) if i not in lines), default=None)
    for i, case in enumerate(cases):
        line = lines.get(i)
        if line is None:
            if i == running and stopped:  # the case that was running when the run was stopped
                error = f"stopped while running ({stopped})"
            else:
                error = "not run: the program stopped before this case"
            results.append(CaseResult(i, False, error=error))
        elif "error" in line:
            results.append(CaseResult(i, False, error=str(line["error"])))
        else:
            got = line.get("out")
            results.append(CaseResult(i, _same(got, case.expected), got, None, line.get("s")))
    return Verdict(tuple(results), stopped, stderr)


def growth_inputs(growth: Growth, base: list[Any], seed: int = 7) -> list[list[Any]]:
    """The argument lists for each size of ``growth``: ``base`` with one argument grown."""
    rng = random.Random(seed)
    made = []
    for n in growth.sizes:
        value: Any
        if growth.kind == "ints":
            value = [rng.randint(growth.low, growth.high) for _ in range(n)]
        elif growth.kind == "distinct-ints":
            value = rng.sample(range(growth.low, growth.high), n)
        elif growth.kind == "intervals":
            starts = (rng.randint(growth.low, growth.high) for _ in range(n))
            value = [[a, a + rng.randint(1, 50)] for a in starts]
        elif growth.kind == "rising-ints":  # a brute force's worst case: one run, all of it
            value = sorted(rng.sample(range(growth.low, growth.high), n))
        elif growth.kind == "brackets":
            value = _balanced(rng, n)
        elif growth.kind == "nested-brackets":  # a brute force's worst case: all nested
            opening = "".join(rng.choice("([{") for _ in range(n // 2))
            value = opening + "".join({"(": ")", "[": "]", "{": "}"}[c] for c in opening[::-1])
        else:
            value = "".join(rng.choice(string.ascii_lowercase) for _ in range(n))
        args = list(base)
        args[growth.arg] = value
        made.append(args)
    return made


def _seconds(line: dict[str, Any] | None) -> float | None:
    """A timed call's seconds, if the line gives a sane number."""
    value = (line or {}).get("s")
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value)
    return None


def _balanced(rng: random.Random, n: int) -> str:
    """A random, balanced bracket line of length ``n`` (rounded down to even): a right answer
    must read all of it, as it would stop early at a random line's first stray bracket."""
    closing = {"(": ")", "[": "]", "{": "}"}
    out: list[str] = []
    stack: list[str] = []
    for left in range(n - n % 2, 0, -1):
        if stack and (left == len(stack) or rng.random() < 0.5):
            out.append(closing[stack.pop()])
        else:
            stack.append(rng.choice("([{"))
            out.append(stack[-1])
    return "".join(out)


async def measure_growth(problem: Problem, language: str, code: str,
                         limits: Limits | None = None) -> GrowthResult:  # fmt: skip
    """Time ``code`` on ``problem.growth``'s inputs and fit how the time grows with n.

    Raises:
        SandboxError: the sandbox cannot run.
    """
    growth = problem.growth
    args = growth_inputs(growth, problem.examples[0].args)
    limits = limits or Limits(cpu_s=10, wall_s=30.0, memory_mb=512, output_bytes=1 << 20)
    lines, _, _ = await _run(problem, language, code, args, limits, timing=True)
    seconds = tuple(_seconds(lines.get(i)) for i in range(len(growth.sizes)))
    timed = [(n, s) for n, s in zip(growth.sizes, seconds, strict=True)
             if s is not None and s >= _MIN_TIMED_S]  # fmt: skip
    exponent = None
    if len(timed) >= 3:
        x = np.log([n for n, _ in timed])
        y = np.log([s for _, s in timed])
        exponent = round(float(np.polyfit(x, y, 1)[0]), 2)
    return GrowthResult(tuple(growth.sizes), seconds, exponent, problem.exponent)


def head_and_tail(text: str, lines: int = 16, width: int = 200) -> str:
    """What a run printed, as it is shown: its first and last ``lines // 2`` lines, "..."
    between, each line cut to ``width`` characters. Both ends: Python ends its report with the
    error and Node begins with it, and the candidate's own prints come before either."""
    kept = [line[:width] for line in text.strip().splitlines()]
    half = lines // 2
    return "\n".join(kept if len(kept) <= lines else [*kept[:half], "...", *kept[-half:]])
