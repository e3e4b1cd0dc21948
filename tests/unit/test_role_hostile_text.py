"""Role scripts that try the reader: devices and pipes, terminal escape codes, numbers that are
not numbers, invisible spaces, look-alike letters and files that are not text at all.

Issue 17, found by a newcomer trial: `roles validate /dev/zero` filled 9.6 GB of memory, a named
pipe hung it, a title's ESC codes cleared the recruiter's terminal, `weight: .nan` was stored,
and a line separator pasted from the web moved every later error's line number.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from pydantic import ValidationError

from recruiter_coding.problems import Problem as CodingProblem
from recruiter_coding.problems import shipped_problems
from rubrics import RoleError, parse_role_bytes
from rubrics.loading import load_role_file_source

SCRIPT = (Path(__file__).parents[1] / "fixtures" / "two_questions.yaml").read_text("utf-8")


_DESCRIBED = "    description: Helps customers and follows through.\n"
_KIND = "    kind: motivation\n"


def _issues(text: str) -> list[str]:
    with pytest.raises(RoleError) as raised:
        parse_role_bytes(text.encode("utf-8"), "role.yaml")
    assert str(raised.value) == "\n".join(map(str, raised.value.issues))
    return [str(i) for i in raised.value.issues]


def _line(needle: str, text: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), 1) if needle in line)


@pytest.mark.parametrize("path", ["/dev/zero", "fifo", "folder"])
def test_only_a_regular_file_is_read(tmp_path: Path, path: str) -> None:
    """A device would be read until memory ran out, a pipe with no writer would block."""
    target = Path(path) if path.startswith("/") else tmp_path / path
    if path == "fifo":
        os.mkfifo(target)
    elif path == "folder":
        target.mkdir()
    with pytest.raises(RoleError, match="cannot read role script") as raised:
        load_role_file_source(target)
    assert ("a folder" if path == "folder" else "not a regular file") in str(raised.value)


def test_escape_codes_are_refused_and_never_printed() -> None:
    """A double-quoted text can hold ESC through YAML's escapes; an unknown key too."""
    text = SCRIPT.replace("title: ", 'title: "\\e[31mRed\\e[0m" # ', 1) + '"ev\\e[2Jil": 1\n'
    issues = _issues(text)
    assert any(
        i.startswith(f"role.yaml:{_line('title: ', text)}:8 title: holds U+001B (and 1 more)")
        for i in issues
    ), issues
    assert any("ev\\x1b[2Jil: holds U+001B" in i for i in issues), issues
    assert not any("\x1b" in i for i in issues)
    assert len({i.split(" ")[0] for i in issues}) == len(issues)  # one issue a place


def test_a_name_is_one_line_while_a_question_may_hold_a_line_separator() -> None:
    """U+2028 in a quoted name is refused; in a question's text it is kept, and lines are
    counted as an editor shows them (PyYAML alone counts it as a line break)."""
    named = SCRIPT.replace("title: ", 'title: "Support\\u2028lead" # ', 1)
    assert any("title: holds U+2028 LINE SEPARATOR" in i for i in _issues(named))
    text = SCRIPT.replace(
        "text: What draws you", 'text: "Tell me\u2028about\u2028what draws you', 1
    )
    text = text.replace("customer support?", 'customer support?"', 1)
    text += "surplus: 1\n"
    (issue,) = _issues(text)
    assert issue.startswith(f"role.yaml:{_line('surplus', text)}:1 surplus: unknown field")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (_DESCRIBED, f"{_DESCRIBED}    weight: .nan\n", "weight: Input should be a finite number"),
        (_DESCRIBED, f"{_DESCRIBED}    weight: 1e999\n", "weight: Input should be a finite number"),
        (_KIND, f"{_KIND}    difficulty: true\n", "difficulty: a number is expected, not true"),
        ('version: "1"', "version: 1.10", 'reads 1.10 as a number: put it in quotes, "1.10"'),
        ('version: "1"', "version: yes", 'reads yes as true: put it in quotes, "yes"'),
        ("      1: No", "      true: No", "rubric[1].[key]: Input should be a valid integer"),
    ],
    ids=["nan", "infinite", "true", "version-number", "version-yes", "true-as-a-level"],
)  # fmt: skip
def test_values_that_are_not_what_they_look_like_are_refused(
    old: str, new: str, message: str
) -> None:
    assert old in SCRIPT
    assert any(message in i for i in _issues(SCRIPT.replace(old, new, 1)))


def test_a_text_aliased_into_a_name_is_checked_as_a_name() -> None:
    text = SCRIPT.replace("intro: Two quick", 'intro: &d "Two quick\u2028', 1)
    text = text.replace("10 min.\n", '10 min."\n', 1)
    text = text.replace("name: Customer service", "name: *d", 1)
    issues = _issues(text)
    assert any("competencies[0].name: holds U+2028 LINE SEPARATOR" in i for i in issues), issues


def test_a_coding_problem_takes_no_true_for_a_number() -> None:
    problem = next(iter(shipped_problems().values())).model_dump()
    problem["growth"]["sizes"][0] = True
    with pytest.raises(ValidationError, match="Input should be a valid integer"):
        CodingProblem.model_validate(problem)


def test_a_billion_laughs_beside_a_valid_role_is_refused_before_it_is_expanded() -> None:
    """Nine levels of ten aliases in fields of their own (2 KB): 10**9 strings if expanded;
    pydantic's errors for the unknown fields once held them all (2.4 GB, 51 s)."""
    levels = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    levels += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 9)]
    (issue,) = _issues("\n".join(levels) + "\n" + SCRIPT)
    assert "its aliases expand its" in issue and "they may add at most 50,000" in issue


def test_many_values_written_out_are_no_alias_bomb() -> None:
    """The cap is on what aliases add: 60,000 numbers written out are an unknown field."""
    issues = _issues(SCRIPT + "extra: [" + "1," * 60_000 + "]\n")
    assert len(issues) == 1 and "unknown field 'extra'" in issues[0]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("title: ", "title: !!binary VBtbMzFtUkVE #", "binary data (!!binary)"),
        ("duration_minutes: 8", "duration_minutes: 010", "YAML reads 010 as 8 (octal"),
        ("duration_minutes: 8", "duration_minutes: 8:00", "YAML reads 8:00 as 480 (base 60"),
        ("title: Two-question test screen", "title: 9:30", "YAML reads 9:30 as 570 (base 60"),
        ("name: Alex", 'name: "\u200b\u200b\u200b"', "holds no visible character"),
        ('version: "1"', "version: 2024-01-01", "reads 2024-01-01 as a date: put it in quotes"),
        ("title: Two-question test screen", "title:", "a text is expected, and this has no value"),
    ],
    ids=["binary", "octal", "base-60", "base-60-title", "invisible", "date", "empty"],
)
def test_what_yaml_reads_otherwise_than_written_is_refused(
    old: str, new: str, message: str
) -> None:
    assert old in SCRIPT
    issues = _issues(SCRIPT.replace(old, new, 1))
    assert any(message in i for i in issues), issues
    assert not any("\x1b" in i for i in issues)
    assert len({i.split(" ")[0] for i in issues}) == len(issues)  # one issue a place


def test_a_leading_zero_that_changes_nothing_is_accepted() -> None:
    """YAML 1.1 reads 07 as 7 (octal and decimal agree): it is the number it looks like."""
    text = SCRIPT.replace("duration_minutes: 8", "duration_minutes: 07")
    assert parse_role_bytes(text.encode(), "role.yaml").role.duration_minutes == 7


def test_a_look_alike_letter_in_an_id_is_named() -> None:
    text = SCRIPT.replace("id: ", "id: r\u043ele-", 1)
    assert any("'\u043e' is U+043E CYRILLIC SMALL LETTER O" in i for i in _issues(text))


@pytest.mark.parametrize(
    ("char", "named"),
    [("\u00a0", "U+00A0 NO-BREAK SPACE"), ("\u2028", "U+2028 LINE SEPARATOR")],
)
def test_an_invisible_space_that_breaks_the_yaml_is_named(char: str, named: str) -> None:
    """A non-breaking space after a colon (pasted from Word) is no space to YAML."""
    (issue,) = _issues(SCRIPT.replace("title: ", f"title:{char}", 1))
    assert "invalid YAML" in issue and f"holds {named}" in issue


def test_a_vertical_tab_is_named_as_words_line_break() -> None:
    (issue,) = _issues(SCRIPT.replace("title: ", "title: a\x0bb ", 1))
    assert f":{_line('title: ', SCRIPT)}:9 a vertical tab (Word's manual line break" in issue


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf_16_without_a_byte_order_mark_is_read_with_a_warning(encoding: str) -> None:
    source = parse_role_bytes(SCRIPT.encode(encoding), "role.yaml")
    (warning,) = source.warnings
    assert f"read as {encoding.upper()}" in warning.message and warning.severity == "warning"


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as doc:
        doc.writestr("[Content_Types].xml", "<Types/>")
        doc.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


_SILENCE = b"RIFF\x24\x10\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00" + bytes(4096)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (_docx(), "a .docx file"),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "a .png file"),
        (_SILENCE, "a .wav file"),  # mostly zeros, as UTF-16 text is: not taken for it
    ],
    ids=["word-document", "image", "silent-recording"],
)
def test_a_file_that_is_not_text_is_named_by_its_kind(data: bytes, kind: str) -> None:
    with pytest.raises(RoleError) as raised:
        parse_role_bytes(data, "role.yaml")
    assert str(raised.value).startswith(f"role.yaml:1:1 {kind}")
    assert "save the role script as plain text" in str(raised.value)
