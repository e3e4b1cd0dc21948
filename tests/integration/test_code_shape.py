"""What the complexity question names, read from the code's syntax tree: Python by ``ast``,
JavaScript by espree (installed from npm by ``make setup``)."""

from __future__ import annotations

import pytest

from recruiter_coding.shape import CodeShape, code_shape
from tests.integration.test_judge import LINEAR, QUADRATIC

# The pair-with-sum solutions the judge's tests time: nested loops, and one pass with a dict.
PYTHON_NESTED, PYTHON_ONE_PASS = QUADRATIC, LINEAR
PYTHON_SORTED = """
def merge_bookings(bookings):
    merged = []
    for start, end in sorted(bookings):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged
"""
JS_NESTED = """
function pairWithSum(prices, budget) {
  let found = [];
  prices.forEach((p, i) => {
    for (let j = i + 1; j < prices.length; j++) if (p + prices[j] === budget) found = [i, j];
  });
  return found;
}
"""
JS_ONE_PASS = """
const pairWithSum = (prices, budget) => {
  const seen = new Map();
  for (const [i, p] of prices.entries()) {
    if (seen.has(budget - p)) return [seen.get(budget - p), i];
    seen.set(p, i);
  }
  return [];
};
"""


def _shape(depth: int, loops: int, *, sorts: bool = False, sort_in_loop: bool = False,
           hashes: bool = False) -> CodeShape:  # fmt: skip
    return CodeShape(depth, sorts=sorts, hashes=hashes, loops=loops, sort_in_loop=sort_in_loop)


@pytest.mark.parametrize(
    ("language", "code", "shape"),
    [
        ("python", PYTHON_NESTED, _shape(2, 2)),
        ("python", PYTHON_ONE_PASS, _shape(1, 1, hashes=True)),
        # sorted() makes what the loop runs over: once, outside it.
        ("python", PYTHON_SORTED, _shape(1, 1, sorts=True)),
        ("python", "def f(a):\n    return [x for x in a for y in a if x < y]\n", _shape(2, 2)),
        ("python", "def f(words):\n    for w in [w for w in words if w]:\n        print(w)\n",
         _shape(1, 2)),
        ("python", "def f(a):\n    for x in a:\n        a.sort()\n",
         _shape(1, 1, sorts=True, sort_in_loop=True)),
        ("python", "def f(a):\n    n = sum(1 for x in a)\n    while n:\n        n -= 1\n",
         _shape(1, 2)),
        ("javascript", JS_NESTED, _shape(2, 2)),
        ("javascript", JS_ONE_PASS, _shape(1, 1, hashes=True)),
        ("javascript", "function f(a) { return a.toSorted()[0]; }", _shape(0, 0, sorts=True)),
        ("javascript", "function f(s) { for (const w of s.split(' ').filter(Boolean)) {} }",
         _shape(1, 2)),
        ("javascript", "function f(a) { for (let i = 0; i < 3; i++) a.sort(); }",
         _shape(1, 1, sorts=True, sort_in_loop=True)),
    ],
)  # fmt: skip
def test_loops_sorts_and_hash_maps_are_read(language: str, code: str, shape: CodeShape) -> None:
    assert code_shape(language, code) == shape


def test_code_nested_past_reading_is_not_described_and_raises_nothing() -> None:
    deep = "def f(a):\n    return " + " + ".join(["a"] * 5000) + "\n"
    shape = code_shape("python", deep)
    assert shape is None or shape.loop_depth == 0


def test_code_that_does_not_parse_is_not_described() -> None:
    assert code_shape("python", "def f(a:\n    return 1\n") is None
    assert code_shape("javascript", "function f(a { return 1; }") is None
    assert code_shape("ruby", "def f(a) end") is None
