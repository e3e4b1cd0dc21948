"""``recruiter roles``: validate, import/export round trip, immutability, diff, schema, list."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from rich.console import Console
from typer.testing import CliRunner

from recruiter_cli import roles_cmd
from recruiter_cli.main import app
from rubrics import load_role, roles_dir
from storage import RoleRepository, create_database, session_factory
from tests.conftest import FIXTURES

runner = CliRunner()
DEMO = roles_dir() / "demo.yaml"
V = load_role("demo").version


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"RECRUITER_HOME": str(tmp_path), "COLUMNS": "200"}


def _versions(home: str, role_id: str) -> list[str]:
    db = session_factory(create_database(f"sqlite:///{Path(home) / 'recruiter.db'}"))
    with db() as s:
        return [v.version for v in RoleRepository(s).versions(role_id)]


def test_validate_checks_many_files_and_fails_if_any_fails(env: dict[str, str]) -> None:
    ok = runner.invoke(
        app, ["roles", "validate", *map(str, sorted(roles_dir().glob("*.yaml")))], env=env
    )
    assert ok.exit_code == 0, ok.output
    assert ok.output.count("ok ") == len(list(roles_dir().glob("*.yaml")))
    bad = FIXTURES / "invalid_roles" / "unknown-competency-ref.yaml"
    mixed = runner.invoke(app, ["roles", "validate", str(DEMO), str(bad)], env=env)
    assert mixed.exit_code == 1
    assert (
        f"{bad}:39:20 questions[0].competencies[0]: unknown competency 'owner-ship'" in mixed.output
    )
    assert "1 of 2 file(s) invalid" in mixed.output


WARNED = """\
id: warned-role
version: "1"
title: Support agent
duration_minutes: 15
persona: {name: Sam, introduction: "Hi, I'm Sam."}
intro: Two questions about customers.
closing: Thank you, goodbye!
competencies:
  - id: empathy
    name: Empathy
    description: Understands how the customer feels and says so.
    rubric:
      1: Gives no example of a customer they helped.
      2: TODO - ask the support lead what a level 2 answer is.
      3: Describes an upset customer, what they said to them and how it ended.
      4: Level 3, plus a follow-up they made and how the customer responded.
      5: Level 4, plus what they changed so the problem would not come back.
questions:
  - id: upset-customer
    kind: behavioural
    text: Tell me about a time you calmed down an upset customer.
    competencies: [empathy]
  - id: angry-customer
    kind: behavioural
    text: Tell me about a time you calmed down an angry, upset customer.
    competencies: [empathy]
"""


def test_validate_prints_located_warnings_and_passes(env: dict[str, str], tmp_path: Path) -> None:
    warned = tmp_path / "warned.yaml"
    warned.write_text(WARNED)
    result = runner.invoke(app, ["roles", "validate", str(warned), str(DEMO)], env=env)
    assert result.exit_code == 0, result.output
    assert f"{warned}:14:10 warning: competencies[0].rubric[2]: competency 'empathy'" in (
        result.output
    )
    assert f"{warned}:25:11 warning: questions[1].text: question 'angry-customer' repeats " in (
        result.output
    )
    assert f"ok {warned} (warned-role v1, 2 questions, 2 warnings)" in result.output
    assert f"ok {DEMO} (demo v{V}, 5 questions)" in result.output
    bad = FIXTURES / "invalid_roles" / "unknown-competency-ref.yaml"
    failed = runner.invoke(app, ["roles", "validate", str(warned), str(bad)], env=env)
    assert failed.exit_code == 1 and "1 of 2 file(s) invalid" in failed.output


def test_import_then_export_is_byte_stable_and_reimport_is_a_no_op(
    env: dict[str, str], tmp_path: Path
) -> None:
    first = runner.invoke(app, ["roles", "import", str(DEMO)], env=env)
    assert first.exit_code == 0 and f"stored demo version {V}" in first.output
    again = runner.invoke(app, ["roles", "import", str(DEMO)], env=env)
    assert again.exit_code == 0 and "already stored" in again.output
    out = tmp_path / "exported.yaml"
    exported = runner.invoke(
        app, ["roles", "export", "demo", "--version", V, "--out", str(out)], env=env
    )
    assert exported.exit_code == 0
    assert out.read_bytes() == DEMO.read_bytes()
    assert _versions(env["RECRUITER_HOME"], "demo") == [V]


def test_a_changed_script_needs_a_new_version(env: dict[str, str], tmp_path: Path) -> None:
    runner.invoke(app, ["roles", "import", str(DEMO)], env=env)
    changed = tmp_path / "demo.yaml"
    changed.write_text(DEMO.read_text().replace("time_limit_s: 150", "time_limit_s: 140"))
    refused = runner.invoke(app, ["roles", "import", str(changed)], env=env)
    assert refused.exit_code == 1
    assert "already stored with different content" in refused.output
    changed.write_text(changed.read_text().replace(f'version: "{V}"', 'version: "99"'))
    assert runner.invoke(app, ["roles", "import", str(changed)], env=env).exit_code == 0
    diff = runner.invoke(app, ["roles", "diff", "demo", V, "99"], env=env)
    assert diff.exit_code == 0
    assert "~ question two-urgent-requests: time_limit_s" in diff.output
    assert "-    time_limit_s: 150" in diff.output and "+    time_limit_s: 140" in diff.output
    assert _versions(env["RECRUITER_HOME"], "demo") == [V, "99"]


def test_a_broken_script_is_never_stored(env: dict[str, str]) -> None:
    bad = FIXTURES / "invalid_roles" / "negative-weight.yaml"
    result = runner.invoke(app, ["roles", "import", str(bad)], env=env)
    assert result.exit_code == 1
    assert "weight must be positive" in result.output and "not imported" in result.output
    assert _versions(env["RECRUITER_HOME"], "fixture-role") == []


def test_schema_describes_the_format(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "role.schema.json"
    assert runner.invoke(app, ["roles", "schema", "--out", str(out)], env=env).exit_code == 0
    schema = json.loads(out.read_text())
    assert {"id", "persona", "competencies", "questions", "flow"} <= schema["properties"].keys()
    assert schema["additionalProperties"] is False
    question = schema["$defs"]["Question"]
    assert "technical" in json.dumps(question["properties"]["kind"])


def test_list_and_show(env: dict[str, str]) -> None:
    listed = runner.invoke(app, ["roles", "list"], env=env)
    assert listed.exit_code == 0
    for role_id in ("demo", "backend-engineer", "technical-reasoning"):
        assert role_id in listed.output
    shown = runner.invoke(app, ["roles", "show", "demo"], env=env)
    assert shown.exit_code == 0
    assert "two-urgent-requests" in shown.output and "customer-empathy" in shown.output
    assert "opening: " in shown.output and "in exam mode" not in shown.output
    coding = runner.invoke(app, ["roles", "show", "coding-round"], env=env)
    assert "in exam mode: " in coding.output and "won't give hints" in coding.output
    missing = runner.invoke(app, ["roles", "export", "demo", "--version", "9"], env=env)
    assert missing.exit_code == 1 and "has no version '9'" in missing.output


def test_show_fits_the_terminal_and_prints_the_role_as_written(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Questions are a table where the text gets 40 columns, one block each where it would
    not (80 columns); text that looks like Rich markup is printed as written."""
    role = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    role["id"], role["title"] = "markup-role", "Support [b]lead[/] [/i] :x:"  # [/i]: unbalanced
    role["competencies"][0]["name"] = "Motivation [red]x[/]"
    role["questions"][1]["text"] = "Tell me about a [b]frustrated[/] customer. What did you do?"
    path = tmp_path / "markup-role.yaml"
    path.write_text(yaml.safe_dump(role, allow_unicode=True), encoding="utf-8")
    assert runner.invoke(app, ["roles", "import", str(path)], env=env).exit_code == 0

    def shown(width: int) -> str:
        # (The command's console keeps the COLUMNS it was first imported under, if any.)
        console = Console(width=width, soft_wrap=True, emoji=roles_cmd._out._emoji)
        monkeypatch.setattr(roles_cmd, "_out", console)
        result = runner.invoke(app, ["roles", "show", "markup-role"], env=env)
        assert result.exit_code == 0, result.output
        return result.output

    narrow, wide = shown(80), shown(200)
    asked = "Tell me about a [b]frustrated[/] customer. What did you do?"
    assert asked in narrow and "frustrated-customer (behavioural" in narrow
    assert "┃ text" not in narrow and "┃ text" in wide and asked in wide  # the text on one line
    for written in ("Support [b]lead[/] [/i] :x:", "Motivation [red]x[/]"):
        assert written in narrow and written in wide
    listed = runner.invoke(app, ["roles", "list"], env=env)  # (its console is 200 wide)
    assert listed.exit_code == 0, listed.output
    assert "Support [b]lead[/] [/i] :x:" in listed.output  # markup and emoji codes as written
    failed = runner.invoke(app, ["roles", "export", "markup-role", "--out", str(tmp_path)], env=env)
    assert failed.exit_code == 1 and "cannot write" in failed.output  # a folder: no traceback


def test_list_and_show_print_what_reorders_or_hides_text_as_escapes(
    env: dict[str, str], tmp_path: Path
) -> None:
    """Issue 17: a right-to-left override in a title ("Trojan Source") would make the listing
    read "Support Manager" for the characters "Support \u202eReganam"; it and a zero-width space
    print as escapes, while an Arabic name's right-to-left mark and a Persian name's zero-width
    non-joiner, which the names need, print as written."""
    role = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    role["id"], role["title"] = "bidi-role", "Support \u202eReganam\u202c Le\u200bad\u3164"
    role["persona"]["name"] = "\u0645\u062f\u064a\u0631\u200f \u0646\u06cc\u200c\u0645\u0627"
    role["questions"][0]["text"] = "Why \u2066this\u2069 role?"
    path = tmp_path / "bidi-role.yaml"
    path.write_text(yaml.safe_dump(role, allow_unicode=True), encoding="utf-8")
    imported = runner.invoke(app, ["roles", "import", str(path)], env=env)
    assert imported.exit_code == 0, imported.output
    listed = runner.invoke(app, ["roles", "list"], env=env)
    shown = runner.invoke(app, ["roles", "show", "bidi-role"], env=env)
    for result in (listed, shown):
        assert result.exit_code == 0, result.output
        assert "Support \\u202eReganam\\u202c Le\\u200bad\\u3164" in result.output
        for char in "\u202e\u202c\u200b\u2066\u2069\u3164":
            assert char not in result.output
    assert role["persona"]["name"] in shown.output
    assert "Why \\u2066this\\u2069 role?" in shown.output


def test_a_stored_role_that_no_longer_passes_the_checks_is_listed_not_fatal(
    env: dict[str, str], tmp_path: Path
) -> None:
    """A version stored before a check was added (here: a title holding a terminal escape
    code, refused since) is listed with its problem, `show` says how to fix it, and `export`
    gives its text back to fix; none prints a traceback."""
    text = DEMO.read_text(encoding="utf-8").replace("id: demo", "id: old-role", 1)
    text = re.sub(r"(?m)^title: .*$", lambda _: 'title: "Old \\e[2J role"', text, count=1)
    home = Path(env["RECRUITER_HOME"])
    with session_factory(create_database(f"sqlite:///{home / 'recruiter.db'}"))() as s:
        RoleRepository(s).store(role_id="old-role", version=V, title="Old", content=text)
        s.commit()
    listed = runner.invoke(app, ["roles", "list"], env=env)
    assert listed.exit_code == 0, listed.output
    assert "old-role" in listed.output and "invalid: holds U+001B" in listed.output
    assert "demo" in listed.output and "\x1b" not in listed.output
    shown = runner.invoke(app, ["roles", "show", "old-role"], env=env)
    assert shown.exit_code == 1 and "no longer passes the checks" in shown.output
    out = tmp_path / "old-role.yaml"
    exported = runner.invoke(app, ["roles", "export", "old-role", "--out", str(out)], env=env)
    assert exported.exit_code == 0 and out.read_text(encoding="utf-8") == text
    assert "Traceback" not in listed.output + shown.output


def test_a_refused_setting_is_named_as_the_variable_to_fix(env: dict[str, str]) -> None:
    bad = runner.invoke(app, ["roles", "list"], env={**env, "RECRUITER_TURN__MIN_DELAY_S": "abc"})
    assert bad.exit_code == 2
    assert "RECRUITER_TURN__MIN_DELAY_S: Input should be a valid number" in bad.output
    assert "abc" not in bad.output  # values are never echoed: one may be a secret
