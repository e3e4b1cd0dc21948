"""YAML mistakes in a role script are located and explained for someone who is not a
programmer: a tab, a misindented line, a colon inside a text, a character YAML refuses."""

from __future__ import annotations

import pytest

from rubrics import RoleError, parse_role_source


@pytest.mark.parametrize(
    ("text", "where", "says"),
    [
        ("id: a\n\ttitle: b\n", "editor.yaml:2:1", "a tab; YAML is indented with spaces only"),
        ("id: a\ntitle: b\n  x: 1\n", "editor.yaml:3:4", "a line indented differently"),
        ("id: a\ntitle: Lead: support\n", "editor.yaml:2:12", "put such a text in quotes"),
        # The refused character is on line 3, column 10 (PyYAML reports a stream position).
        ("id: a\ntitle: b\nversion: \x9d\n", "editor.yaml:3:10", "a character YAML cannot hold"),
    ],
)
def test_a_yaml_mistake_is_located_and_explained(text: str, where: str, says: str) -> None:
    with pytest.raises(RoleError) as caught:
        parse_role_source(text, "editor.yaml")
    assert str(caught.value).startswith(f"{where} ") and says in str(caught.value)


def test_aliases_are_walked_once() -> None:
    # Nested aliases share nodes exponentially (2**18 paths); the check must stay instant.
    lines = ["a0: &a0 [x, x]"] + [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, 18)]
    with pytest.raises(RoleError):  # not a role, but read in well under a second
        parse_role_source("\n".join(lines) + "\n", "editor.yaml")
