"""The flow's state as plain data, to store after every recruiter turn and resume from.

A process that dies mid-interview (a crashed worker, a killed rehearsal) leaves its turns stored;
with the state stored beside them, a new process picks the interview up where the candidate
last heard it. The plan is not stored: it is rebuilt from the role script version the session
ran, and a snapshot names the questions it knows so that a different script is refused.
"""

from __future__ import annotations

from dataclasses import asdict, fields, replace
from typing import Any

from dialogue.state import InterviewPlan, InterviewState, Phase, QuestionRecord

__all__ = ["SNAPSHOT_VERSION", "SnapshotError", "state_from_snapshot", "state_snapshot"]

SNAPSHOT_VERSION = 1
_TUPLES = ("asked", "last_cues", "acks", "told")


class SnapshotError(ValueError):
    """A stored state that cannot be resumed: another format, or another role script."""


def state_snapshot(state: InterviewState) -> dict[str, Any]:
    """``state`` without its plan, as JSON-ready data (``{"version": 1, ...}``)."""
    data = {f.name: getattr(state, f.name) for f in fields(state) if f.name != "plan"}
    data["phase"] = state.phase.value
    data["records"] = [asdict(r) for r in state.records]
    for name in _TUPLES:
        data[name] = list(data[name])
    return {"version": SNAPSHOT_VERSION, "questions": [q.id for q in state.plan.questions],
            "state": data}  # fmt: skip


def state_from_snapshot(plan: InterviewPlan, snapshot: dict[str, Any]) -> InterviewState:
    """The state ``state_snapshot`` stored, on ``plan`` (rebuilt from the same role script).

    Raises:
        SnapshotError: another snapshot version, a plan with other questions, or data missing.
    """
    if snapshot.get("version") != SNAPSHOT_VERSION:
        raise SnapshotError(f"stored flow state version {snapshot.get('version')!r} is not "
                            f"{SNAPSHOT_VERSION}")  # fmt: skip
    if snapshot.get("questions") != [q.id for q in plan.questions]:
        raise SnapshotError("the stored flow state was made with another role script")
    try:
        data = dict(snapshot["state"])
        records = tuple(
            QuestionRecord(**{**r, "probed": tuple(r["probed"]),  # older snapshots: no edges
                              "edges_missed": tuple(r.get("edges_missed", ()))})
            for r in data.pop("records")
        )  # fmt: skip
        phase = Phase(data.pop("phase"))
        for name in _TUPLES:
            data[name] = tuple(data[name])
        return replace(InterviewState(plan=plan), phase=phase, records=records, **data)
    except (KeyError, TypeError, ValueError) as e:
        raise SnapshotError(f"the stored flow state is incomplete: {e}") from e
