"""How far the automatic scores are from recruiters' own, and fairness across cohorts (LL 144).

Calibration pairs each human score with the automatic score of the same session and target.
Fairness follows the NYC Local Law 144 method for scores: a cohort's scoring rate is the share of
its candidates scoring above the median of everyone, and its impact ratio is that rate divided by
the highest cohort's rate; a ratio under 0.8 is flagged. Neither decides anything by itself.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

__all__ = ["Agreement", "ImpactRatio", "agreement", "impact_ratios", "spearman"]

FLAG_BELOW = 0.8


@dataclass(frozen=True)
class Agreement:
    """AI-vs-human agreement over paired scores."""

    pairs: int
    mean_absolute_difference: float | None
    rank_correlation: float | None
    drift: list[tuple[str, float]]  # (month, mean absolute difference) in time order


@dataclass(frozen=True)
class ImpactRatio:
    """One cohort's scoring rate and its ratio to the highest cohort's rate."""

    cohort: str
    candidates: int
    scoring_rate: float
    impact_ratio: float
    flagged: bool


def _ranks(values: Sequence[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):  # ties share the mean of their ranks
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(a: Sequence[float], b: Sequence[float]) -> float | None:
    """Spearman's rank correlation (None under 3 pairs or with no spread)."""
    if len(a) < 3:
        return None
    ra, rb = _ranks(a), _ranks(b)
    try:
        return round(statistics.correlation(ra, rb), 3)
    except statistics.StatisticsError:
        return None


def agreement(pairs: Sequence[tuple[float, float, datetime]]) -> Agreement:
    """Agreement of (automatic, human, when) score pairs."""
    if not pairs:
        return Agreement(0, None, None, [])
    diffs = [abs(a - h) for a, h, _ in pairs]
    by_month: dict[str, list[float]] = defaultdict(list)
    for (a, h, when), _ in zip(pairs, diffs, strict=True):
        by_month[when.strftime("%Y-%m")].append(abs(a - h))
    return Agreement(
        pairs=len(pairs),
        mean_absolute_difference=round(statistics.mean(diffs), 3),
        rank_correlation=spearman([a for a, _, _ in pairs], [h for _, h, _ in pairs]),
        drift=[(m, round(statistics.mean(v), 3)) for m, v in sorted(by_month.items())],
    )


def impact_ratios(scores: dict[str, float], cohorts: dict[str, str]) -> list[ImpactRatio]:
    """Impact ratios of the cohorts in ``cohorts`` (candidate -> cohort) over ``scores``.

    Args:
        scores: each candidate's overall score.
        cohorts: each candidate's cohort label, as the recruiter supplies it.
    """
    labelled = {c: s for c, s in scores.items() if c in cohorts}
    if not labelled:
        return []
    median = statistics.median(labelled.values())
    members: dict[str, list[float]] = defaultdict(list)
    for candidate, score in labelled.items():
        members[cohorts[candidate]].append(score)
    rates = {k: sum(s > median for s in v) / len(v) for k, v in members.items()}
    best = max(rates.values())
    return [
        ImpactRatio(
            cohort=k,
            candidates=len(members[k]),
            scoring_rate=round(rate, 3),
            impact_ratio=round(rate / best, 3) if best else 1.0,
            flagged=bool(best) and rate / best < FLAG_BELOW,
        )
        for k, rate in sorted(rates.items())
    ]
