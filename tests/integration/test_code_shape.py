"""What the complexity question names, read from the code's syntax tree: Python by ``ast``,
JavaScript by espree (installed from npm by ``make setup``)."""

from __future__ import annotations

import pytest

from recruiter_coding.shape import CodeShape, code_shape

PYTHON_NESTED = """
def pair_with_sum(prices, budget):
    for i in range(len(prices)):
        for j in range(i + 1, len(prices)):
            if prices[i] + prices[j] == budget:
                return [i, j]
    return []
"""
PYTHON_ONE_PASS = """
def pair_with_sum(prices, budget):
    seen = {}
    for i, price in enumerate(prices):
        if budget - price in seen:
            return [seen[budget - price], i]
        seen[price] = i
    return []
"""
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


@pytest.mark.parametrize(
    ("language", "code", "shape"),
    [
        ("python", PYTHON_NESTED, CodeShape(2, sorts=False, hashes=False)),
        ("python", PYTHON_ONE_PASS, CodeShape(1, sorts=False, hashes=True)),
        ("python", PYTHON_SORTED, CodeShape(1, sorts=True, hashes=False)),
        ("python", "def f(a):\n    return [x for x in a for y in a if x < y]\n",
         CodeShape(2, sorts=False, hashes=False)),
        ("javascript", JS_NESTED, CodeShape(2, sorts=False, hashes=False)),
        ("javascript", JS_ONE_PASS, CodeShape(1, sorts=False, hashes=True)),
        ("javascript", "function f(a) { return a.toSorted()[0]; }",
         CodeShape(0, sorts=True, hashes=False)),
    ],
)  # fmt: skip
def test_loops_sorts_and_hash_maps_are_read(language: str, code: str, shape: CodeShape) -> None:
    assert code_shape(language, code) == shape


def test_code_that_does_not_parse_is_not_described() -> None:
    assert code_shape("python", "def f(a:\n    return 1\n") is None
    assert code_shape("javascript", "function f(a { return 1; }") is None
    assert code_shape("ruby", "def f(a) end") is None
