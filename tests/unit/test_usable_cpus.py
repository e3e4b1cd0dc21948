"""How many interviews a worker takes by default: the CPUs it may use, container quota included."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from recruiter_config.settings import usable_cpus


@pytest.fixture
def affinity() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@pytest.mark.parametrize(
    ("cpu_max", "expected"),
    [
        ("max 100000\n", None),  # no quota: the affinity stands
        ("100000 100000\n", 1),  # one CPU's worth
        ("150000 100000\n", 1),  # 1.5 CPUs: one whole interview's worth
        ("50000 100000\n", 1),  # under one CPU: still one
        ("garbled\n", None),
    ],
)
def test_a_cgroup_quota_caps_the_cpus(
    tmp_path: Path, affinity: int, cpu_max: str, expected: int | None
) -> None:
    path = tmp_path / "cpu.max"
    path.write_text(cpu_max)
    assert usable_cpus(path) == (affinity if expected is None else min(affinity, expected))


def test_a_quota_above_the_affinity_leaves_the_affinity(tmp_path: Path, affinity: int) -> None:
    path = tmp_path / "cpu.max"
    path.write_text(f"{(affinity + 8) * 100000} 100000\n")
    assert usable_cpus(path) == affinity
    assert usable_cpus(tmp_path / "missing") == affinity
