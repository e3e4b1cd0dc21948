"""The flow's state survives a trip through JSON, so a new process resumes the same interview."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from dialogue import CandidateAnswered, Silence, start, step
from dialogue.snapshot import SnapshotError, state_from_snapshot, state_snapshot
from tests.unit.test_flow import STRONG, WEAK_NO_RESULT, plan


def _through_json(state):  # type: ignore[no-untyped-def]
    return state_from_snapshot(state.plan, json.loads(json.dumps(state_snapshot(state))))


def test_every_state_of_an_interview_comes_back_equal_and_steps_the_same() -> None:
    state, _ = start(plan(time_budget_s=900.0))
    events = [CandidateAnswered(STRONG, at_s=60.0), Silence(8.0),
              CandidateAnswered(WEAK_NO_RESULT, at_s=150.0), CandidateAnswered("skip", at_s=170.0),
              CandidateAnswered(STRONG, at_s=260.0)]  # fmt: skip
    for event in events:
        back = _through_json(state)
        assert back == state
        assert step(back, event) == step(state, event)  # resumed, it goes on the same way
        state, _ = step(state, event)
    assert state.records and state.asked  # the walk reached states with history


def test_a_snapshot_of_another_script_or_format_is_refused() -> None:
    state, _ = start(plan())
    snapshot = state_snapshot(state)
    other = plan(questions=plan().questions[:2])
    with pytest.raises(SnapshotError, match="another role script"):
        state_from_snapshot(other, snapshot)
    with pytest.raises(SnapshotError, match="version"):
        state_from_snapshot(state.plan, {**snapshot, "version": 99})
    broken = {**snapshot, "state": {k: v for k, v in snapshot["state"].items() if k != "phase"}}
    with pytest.raises(SnapshotError, match="incomplete"):
        state_from_snapshot(state.plan, broken)
    assert replace(state) == state_from_snapshot(state.plan, snapshot)
