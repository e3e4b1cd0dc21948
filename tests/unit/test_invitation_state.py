"""An invitation's state as the recruiter reads it, from its record and its room's sessions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage.invitations import InvitationRecord, state_of

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _record(
    *, expires_in_h: float = 24, opened: bool = False, revoked: bool = False
) -> InvitationRecord:
    return InvitationRecord(
        room="iv-0123456789abcdef", candidate_id="c" * 32, role_id="demo",
        expires_at=(NOW + timedelta(hours=expires_in_h)).replace(tzinfo=None),  # as SQLite gives it
        opened_at=NOW if opened else None, revoked_at=NOW if revoked else None,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("record", "statuses", "state"),
    [
        (_record(), [], "sent"),
        (_record(opened=True), [], "opened"),
        (_record(opened=True), ["running"], "started"),
        (_record(opened=True), ["failed"], "started"),  # broke off, may be taken again
        (_record(opened=True), ["failed", "completed"], "done"),
        (_record(expires_in_h=-1), [], "expired"),
        (_record(expires_in_h=-1, opened=True), ["failed"], "expired"),  # no link kept alive
        (_record(expires_in_h=-1), ["running"], "started"),  # an interview still under way
        (_record(expires_in_h=-1), ["completed"], "done"),
        (_record(revoked=True), ["completed"], "revoked"),
    ],
)
def test_state(record: InvitationRecord, statuses: list[str], state: str) -> None:
    assert state_of(record, statuses, NOW) == state
