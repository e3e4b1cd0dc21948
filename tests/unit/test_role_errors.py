"""Every invalid role script is rejected with file:line:column, the field path and the reason.

Each fixture in ``fixtures/invalid_roles`` states, in its first line, the issue it must produce:
``# expect: LINE:COL PATH | MESSAGE FRAGMENT``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rubrics import RoleError, load_role_file, parse_role
from tests.conftest import FIXTURES

CASES = sorted((FIXTURES / "invalid_roles").glob("*.yaml"))
_EXPECT = re.compile(r"^# expect: (\d+):(\d+) (\S*) \| (.+)$")


def test_there_is_a_fixture_for_each_rule() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_invalid_role_is_located(path: Path) -> None:
    match = _EXPECT.match(path.read_text().splitlines()[0])
    assert match, f"{path.name}: first line must state the expected issue"
    line, col, field, fragment = int(match[1]), int(match[2]), match[3], match[4]
    with pytest.raises(RoleError) as caught:
        load_role_file(path)
    issues = caught.value.issues
    found = [i for i in issues if i.path == field and fragment in i.message]
    assert found, f"no issue at {field!r} containing {fragment!r}; got: {caught.value}"
    issue = found[0]
    assert (issue.line, issue.column) == (line, col), str(issue)
    assert issue.file == str(path)
    assert str(issue).startswith(f"{path}:{line}:{col} ")


def test_every_error_is_listed_at_once_field_errors_and_references_together() -> None:
    text = (FIXTURES / "invalid_roles" / "unknown-competency-ref.yaml").read_text()
    assert "mode: practice" in text and "duration_minutes: 20" in text
    broken = text.replace("mode: practice", "mode: sometimes").replace(
        "duration_minutes: 20", "duration_minutes: twenty"
    )
    with pytest.raises(RoleError) as caught:
        parse_role(broken, "three-errors.yaml")
    found = {(i.path, i.line) for i in caught.value.issues}
    # Two field errors and the unknown competency id, each at its own line, in one pass.
    assert {"mode", "duration_minutes", "questions[0].competencies[0]"} <= {p for p, _ in found}
    assert [i.line for i in caught.value.issues] == sorted(i.line for i in caught.value.issues)
    assert "unknown competency 'owner-ship'" in str(caught.value)


def test_reference_errors_beside_field_errors_are_each_found_once_and_not_guessed() -> None:
    text = (FIXTURES / "invalid_roles" / "duplicate-competency-id.yaml").read_text()
    broken = text.replace("mode: practice", "mode: sometimes")
    with pytest.raises(RoleError) as caught:
        parse_role(broken, "dup.yaml")
    paths = [i.path for i in caught.value.issues]
    assert "mode" in paths and "competencies[1].id" in paths
    assert len(paths) == len(set(paths))  # nothing said twice about one place
    # A question whose competencies are not a list: no competency is called unmeasured.
    unreadable = broken.replace("    competencies: [ownership]", "    competencies: ownership", 1)
    assert unreadable != broken
    with pytest.raises(RoleError) as caught:
        parse_role(unreadable, "dup.yaml")
    assert not [i for i in caught.value.issues if "measured by no question" in i.message]
