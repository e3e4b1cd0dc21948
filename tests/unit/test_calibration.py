"""Agreement between automatic and human scores, and LL 144 impact ratios."""

from __future__ import annotations

from datetime import datetime

import pytest

from reports.calibration import agreement, impact_ratios, spearman


def test_rank_correlation_handles_ties_and_order() -> None:
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == 1.0
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == -1.0
    assert spearman([1, 2, 2, 3], [1, 2, 2, 3]) == 1.0
    assert spearman([1, 2], [1, 2]) is None


def test_agreement_and_drift_by_month() -> None:
    jan, feb = datetime(2026, 1, 5), datetime(2026, 2, 5)
    pairs = [(3.0, 3.0, jan), (4.0, 3.0, jan), (2.0, 4.0, feb), (5.0, 4.0, feb)]
    result = agreement(pairs)
    assert result.pairs == 4
    assert result.mean_absolute_difference == pytest.approx(1.0)
    assert result.drift == [("2026-01", 0.5), ("2026-02", 1.5)]
    assert agreement([]).mean_absolute_difference is None


def test_impact_ratio_flags_a_cohort_below_four_fifths() -> None:
    scores = {"a1": 4.5, "a2": 4.0, "a3": 3.9, "b1": 2.0, "b2": 4.2, "b3": 1.5, "x": 5.0}
    cohorts = {"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B", "b3": "B"}
    # The median of the six labelled candidates is 3.95: A has 2 of 3 above, B has 1 of 3.
    ratios = {r.cohort: r for r in impact_ratios(scores, cohorts)}
    assert ratios["A"].scoring_rate == pytest.approx(0.667, abs=1e-3)
    assert ratios["B"].impact_ratio == pytest.approx(0.5)
    assert ratios["B"].flagged and not ratios["A"].flagged
    assert impact_ratios(scores, {}) == []
