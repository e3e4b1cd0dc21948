"""Role scripts as editors save them: UTF-8 with or without a mark, UTF-16, Windows-1252.

Issue 17: a role script saved as Windows-1252 made `roles validate` print a traceback. Every
encoding Word, Excel and common editors write is read, a guessed one with a located warning;
bytes that are not text get a located error, never a traceback.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from dialogue import spoken_form
from rubrics import RoleError
from rubrics.loading import decode_role_bytes, load_role_file_source

SCRIPT = (Path(__file__).parents[1] / "fixtures" / "two_questions.yaml").read_text("utf-8")
# Letters each encoding must keep: an accent, a curly apostrophe and an en dash.
TITLE = "Caf\u00e9 lead\u2019s role \u2013 "
NAMED = SCRIPT.replace("title: ", f"title: {TITLE}", 1)


@pytest.mark.parametrize(
    "data",
    [
        NAMED.encode("utf-8"),
        codecs.BOM_UTF8 + NAMED.encode("utf-8"),
        NAMED.encode("utf-16"),  # with its byte order mark, as Notepad's "Unicode"
        NAMED.encode("utf-16-be").join([codecs.BOM_UTF16_BE, b""]),
        NAMED.encode("utf-32"),
        NAMED.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-32", "crlf"],
)
def test_unicode_scripts_load_with_every_letter_and_no_warning(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "role.yaml"
    path.write_bytes(data)
    source = load_role_file_source(path)
    assert source.role.title.startswith(TITLE)
    assert not source.warnings


def test_windows_1252_is_read_with_a_warning_at_its_first_such_byte(tmp_path: Path) -> None:
    path = tmp_path / "role.yaml"
    path.write_bytes(NAMED.encode("cp1252"))
    source = load_role_file_source(path)
    assert source.role.title.startswith(TITLE)
    (warning,) = [w for w in source.warnings if "Windows-1252" in w.message]
    line = next(i for i, text in enumerate(NAMED.splitlines(), 1) if "Café" in text)
    assert (warning.line, warning.severity) == (line, "warning")
    assert NAMED.splitlines()[line - 1][warning.column - 1] == "é"


@pytest.mark.parametrize(
    ("data", "line", "column"),
    [
        (b"id: x\ntitle: \xff\xfe\x00 not text\n", 2, 8),  # binary bytes, a NUL among them
        (b"id: x\n\x81\x8d\x8f\n", 2, 1),  # undefined in Windows-1252 too
        (
            codecs.BOM_UTF16_LE + b"i\x00d\x00:\x00\x00\xd8",
            1,
            4,
        ),  # a lone UTF-16 surrogate: byte 9, the fourth character
        # UTF-8, one stray byte: byte 15 of the line, its 14th character ("é" is two bytes)
        ("id: x\ntitle: Caf\u00e9 ".encode() + b"r\xf4le\n", 2, 14),
    ],
    ids=["binary", "undefined-bytes", "broken-utf-16", "utf-8-with-a-stray-byte"],
)
def test_bytes_that_are_not_text_get_a_located_error(data: bytes, line: int, column: int) -> None:
    with pytest.raises(RoleError) as raised:
        decode_role_bytes(data, "role.yaml")
    (issue,) = raised.value.issues
    assert (issue.line, issue.column) == (line, column)
    assert "save the role script as UTF-8" in str(raised.value)
    assert str(raised.value).startswith(f"role.yaml:{line}:{column} ")


BOMB = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]"
            for p, n in zip("abcdefg", "bcdefgh", strict=True)
        ),
        "id: bomb",
        "title: *h",
        "questions: *h",
    ]
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (BOMB, "its aliases expand"),  # nine levels of nine aliases: a billion strings
        ("x: " + "[" * 20000 + "]" * 20000, "nested too deeply"),
        ("title: x\n" + "# padding\n" * 60000, "at most 512 KiB"),
    ],
    ids=["alias-bomb", "deep-nesting", "too-big"],
)
def test_hostile_yaml_gets_a_located_error_quickly(tmp_path: Path, text: str, message: str) -> None:
    """Issue 17: an alias bomb, deep nesting and an oversized file end in a located error (the
    bomb is never expanded, deep nesting is no RecursionError traceback)."""
    path = tmp_path / "role.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RoleError) as raised:
        load_role_file_source(path)
    assert message in str(raised.value)
    assert raised.value.issues and raised.value.issues[0].line >= 1


def test_a_fifty_megabyte_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: 50 MB without writing them
    with pytest.raises(RoleError, match="at most 512 KiB; this one is 51,200 KiB"):
        load_role_file_source(path)


def test_bidi_and_zero_width_characters_in_names_are_kept_as_written(tmp_path: Path) -> None:
    """Names with right-to-left marks, zero-width joiners (Persian, Hindi) and an Arabic title
    load unchanged: they are text, not markup."""
    title = "\u0645\u062f\u064a\u0631 \u062f\u0639\u0645\u200f \u0646\u06cc\u200c\u0645\u0627"
    path = tmp_path / "role.yaml"
    path.write_text(SCRIPT.replace("title: ", f"title: {title} ", 1), encoding="utf-8")
    assert load_role_file_source(path).role.title.startswith(title)


def test_bidi_overrides_and_isolates_in_names_load_and_are_not_spoken(tmp_path: Path) -> None:
    """A right-to-left override (U+202E, the "Trojan Source" character) or isolate in a name is
    kept as written, and the voice says the letters only."""
    name = "\u202eahsneM\u202c \u2066Ama\u2069"
    path = tmp_path / "role.yaml"
    path.write_text(SCRIPT.replace("name: Alex", f'name: "{name}"', 1), encoding="utf-8")
    role = load_role_file_source(path).role
    assert role.persona.name == name
    assert spoken_form(f"I'm {role.persona.name}.") == "I'm ahsneM Ama."


def test_the_encoding_warning_is_listed_beside_a_scripts_errors(tmp_path: Path) -> None:
    path = tmp_path / "role.yaml"
    path.write_bytes("id: x\ntitle: Caf\u00e9\n".encode("cp1252"))
    with pytest.raises(RoleError) as raised:
        load_role_file_source(path)
    kinds = [(i.severity, "Windows-1252" in i.message) for i in raised.value.issues]
    assert ("warning", True) in kinds and ("error", False) in kinds
