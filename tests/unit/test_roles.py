"""Loading role scripts: shipped roles, and errors that say where and what."""

from __future__ import annotations

from pathlib import Path

import pytest

from rubrics import RoleError, load_role, shipped_role_ids

VALID = """\
id: tiny
version: "1"
title: Tiny role
duration_minutes: 5
persona: {name: Sam, introduction: "Hi, I'm Sam."}
intro: A short test.
closing: Goodbye.
questions:
  - id: q1
    kind: motivation
    text: Why this role?
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "role.yaml"
    path.write_text(text)
    return path


def test_the_demo_role_ships_with_three_questions() -> None:
    assert "demo" in shipped_role_ids()
    role = load_role("demo")
    assert [q.id for q in role.questions] == [
        "motivation",
        "frustrated-customer",
        "two-urgent-requests",
    ]
    assert role.opening.startswith(role.persona.introduction)


def test_a_role_file_loads_by_path(tmp_path: Path) -> None:
    role = load_role(str(_write(tmp_path, VALID)))
    assert role.id == "tiny"
    assert role.questions[0].time_limit_s == 180


def test_unknown_role_lists_the_shipped_ones() -> None:
    with pytest.raises(RoleError, match=r"unknown role 'nope'; shipped roles: .*demo"):
        load_role("nope")


def test_yaml_syntax_error_is_located(tmp_path: Path) -> None:
    path = _write(tmp_path, VALID.replace("intro: A short test.", "intro: [unclosed"))
    with pytest.raises(RoleError, match=rf"^{path}:\d+:\d+: invalid YAML"):
        load_role(str(path))


def test_unknown_field_names_its_path(tmp_path: Path) -> None:
    path = _write(tmp_path, VALID.replace("kind: motivation", "kind: motivation\n    colour: red"))
    with pytest.raises(RoleError, match=r"questions\[0\]\.colour: Extra inputs are not permitted"):
        load_role(str(path))


def test_duplicate_question_ids_are_rejected(tmp_path: Path) -> None:
    text = VALID + "  - id: q1\n    kind: technical\n    text: Explain a hash map.\n"
    with pytest.raises(RoleError, match=r"duplicate question id 'q1'"):
        load_role(str(_write(tmp_path, text)))
