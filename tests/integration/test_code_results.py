"""What a submit's results keep for the recruiter and the report, and what the page gets: the
edges of the hidden tests it failed, named by the problem, never shown on the page."""

from __future__ import annotations

from agent.coding_round import _judged, _shown
from recruiter_coding.problems import shipped_problems
from tests.conftest import run

# Right except at the edges: it assumes there are at least two prices.
NOT_AT_THE_EDGES = """
def pair_with_sum(prices, budget):
    seen = {prices[0]: 0}
    for j in range(1, len(prices)):
        if budget - prices[j] in seen:
            return [seen[budget - prices[j]], j]
        seen[prices[j]] = j
    return []
"""


def test_a_submit_keeps_the_edges_it_failed_and_the_page_never_sees_them() -> None:
    problem = shipped_problems()["pair-with-sum"]
    result = run(_judged(problem, "python", NOT_AT_THE_EDGES, submit=True))
    assert result["passed"] == len(problem.tests) - 1
    assert result["missed_edges"] == ["an empty list of prices"]
    page = _shown(result)
    assert "missed_edges" not in page and "empty list" not in str(page)
    examples = run(_judged(problem, "python", NOT_AT_THE_EDGES, submit=False))
    assert examples["missed_edges"] == []  # examples are shown in full; no edges kept


def test_edges_left_unrun_by_a_broken_program_are_not_counted_as_missed() -> None:
    problem = shipped_problems()["pair-with-sum"]
    broken = run(_judged(problem, "python", "def pair_with_sum(prices, budget:\n", submit=True))
    assert broken["passed"] == 0
    assert broken["missed_edges"] == []  # nothing ran: no edge was failed
