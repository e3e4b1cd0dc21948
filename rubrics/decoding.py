"""A role script's bytes as text: reading the file, its encoding, and what it is when not text.

Recruiters write role scripts in whatever editor they have: Notepad saves UTF-8 or UTF-16, Word
and Excel save "ANSI" (Windows-1252) text, and a Word document may be uploaded as it is. Each
is read, or refused with a located message that says what the file is and how to save it.
"""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

import filetype  # type: ignore[import-untyped]

from rubrics.issues import RoleError, RoleIssue

__all__ = ["MAX_ROLE_BYTES", "decode_role_bytes", "read_role_file", "too_big"]

# The longest shipped role script is about 12 KiB; a script forty times that is not a role.
MAX_ROLE_BYTES = 512 * 1024


def too_big(source: str, size: int) -> RoleError:
    """The error for a script of ``size`` bytes over :data:`MAX_ROLE_BYTES`."""
    issue = RoleIssue(source, 1, 1, "", f"a role script is at most {MAX_ROLE_BYTES // 1024} KiB; "
                      f"this one is {size / 1024:,.0f} KiB")  # fmt: skip
    return RoleError(str(issue), [issue])


def read_role_file(path: Path, what: str = "role script") -> bytes:
    """The bytes of the role script file at ``path``, at most :data:`MAX_ROLE_BYTES`;
    ``what`` names the file in errors.

    Only a regular file (or a link to one) is read, and never more than one byte over the
    limit: a device (``/dev/zero``), a named pipe or a file still growing cannot fill memory
    or hang the reader.

    Raises:
        RoleError: the path is missing or not a regular file, the file cannot be read, or it
            is over the limit.
    """
    try:
        with open(path, "rb", opener=_nonblocking) as f:
            mode = os.fstat(f.fileno()).st_mode
            if not stat.S_ISREG(mode):
                kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
                raise RoleError(f"{path}: cannot read {what} ({kind})")
            data = f.read(MAX_ROLE_BYTES + 1)
            if len(data) > MAX_ROLE_BYTES:
                raise too_big(str(path), max(len(data), os.fstat(f.fileno()).st_size))
    except IsADirectoryError as e:
        raise RoleError(f"{path}: cannot read {what} (a folder)") from e
    except OSError as e:
        raise RoleError(f"{path}: cannot read {what} ({e.strerror})") from e
    return data


def _nonblocking(path: str, flags: int) -> int:
    # A named pipe with no writer would block the open itself; a regular file ignores this.
    return os.open(path, flags | os.O_NONBLOCK)


_BOMS = (  # UTF-32 before UTF-16: the UTF-32 LE mark begins with the UTF-16 LE one
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_role_bytes(data: bytes, origin: str) -> tuple[str, RoleIssue | None]:
    """The text of a role script saved by any common editor, and a located warning if it had
    to be guessed.

    UTF-8 (with or without a byte order mark) and UTF-16/32 with one are read as such; UTF-16
    without one is read as such, with a warning, where nine in ten of every other byte are zero
    (Latin text in UTF-16) and the text holds no control character. Other bytes are read as
    Windows-1252, what Word and Excel on Windows save as "ANSI" text, with a warning located at
    the first byte that is not UTF-8, unless UTF-8 letters come before that byte (a UTF-8 file
    with one stray byte: an error, as reading it otherwise garbles them).

    Raises:
        RoleError: the bytes are neither (e.g. a binary file); the issue gives the line and
            column of the first byte that is not text, and names the file's kind where its
            signature is known (a Word document, a PDF, an image: ``filetype``).
    """
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            try:
                return data.decode(encoding), None
            except UnicodeDecodeError as e:
                raise _not_text(data, e.start, origin, f"not valid {encoding.upper()}",
                                encoding=encoding) from e  # fmt: skip
    if b"\x00" in data[:1024] and filetype.guess(data[:8192]) is not None:
        raise _not_text(data, 0, origin, "not text")  # a known binary format (its name given)
    if b"\x00" in data and (utf16 := _utf16_without_mark(data, origin)) is not None:
        return utf16  # (read as UTF-8 it would pass, every other letter a NUL)
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as e:
        first_bad = e.start
    line, column = _line_column(data, first_bad)
    if any(b >= 0x80 for b in data[:first_bad]):
        # Letters before it were UTF-8: one stray byte in a UTF-8 file, which read as
        # Windows-1252 would garble every letter before it.
        raise _not_text(data, first_bad, origin, "a UTF-8 file with a byte that is not UTF-8")
    if b"\x00" not in data:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            warning = RoleIssue(origin, line, column, "", "not UTF-8: read as Windows-1252 (what"
                                " Word and Excel save as ANSI); save the file as UTF-8 to be sure "
                                "every letter is kept", severity="warning")  # fmt: skip
            return text, warning
    raise _not_text(data, first_bad, origin, "not text in UTF-8, UTF-16 or Windows-1252")


def _utf16_without_mark(data: bytes, origin: str) -> tuple[str, RoleIssue] | None:
    """``data`` read as UTF-16 with a warning, where nine in ten of its odd (or even) bytes
    are NUL, what text of Latin letters in UTF-16 without a byte order mark looks like, and
    it decodes to text with no control character; None otherwise (a known binary format, or
    zeros that are not text)."""
    if len(data) < 4 or len(data) % 2:
        return None
    for zeros, encoding in ((data[1::2], "utf-16-le"), (data[0::2], "utf-16-be")):
        if zeros.count(0) >= 0.9 * len(zeros):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            if any(ord(c) < 0x20 and c not in "\t\n\r" for c in text):
                return None  # zeros that are not text: a binary file
            warning = RoleIssue(origin, 1, 1, "", f"UTF-16 without a byte order mark: read as "
                                f"{encoding.upper()}; save the file as UTF-8 to be sure",
                                severity="warning")  # fmt: skip
            return text, warning
    return None


def _line_column(data: bytes, offset: int, encoding: str = "utf-8") -> tuple[int, int]:
    """The line and column (in characters, from 1) of byte ``offset``: the text before it,
    which decoded, is counted in ``encoding`` (UTF-16 counts two bytes a letter)."""
    before = data[:offset].decode(encoding, errors="replace").lstrip("\ufeff")
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def _not_text(
    data: bytes, offset: int, origin: str, what: str, *, encoding: str = "utf-8"
) -> RoleError:
    # A known signature at the start names the file's kind, where the bytes are binary from
    # the start (a text file that begins "BM" is no bitmap).
    binary = offset < 16 or b"\x00" in data[:1024]
    kind = filetype.guess(data[:8192]) if binary else None
    if kind is not None:
        what = f"a .{kind.extension} file ({kind.mime}), not text"
        message = f"{what}; save the role script as plain text (UTF-8, .yaml)"
        issue = RoleIssue(origin, 1, 1, "", message)
        return RoleError(str(issue), [issue])
    line, column = _line_column(data, offset, encoding)
    message = f"{what} (byte 0x{data[offset]:02X}); save the role script as UTF-8 text"
    issue = RoleIssue(origin, line, column, "", message)
    return RoleError(str(issue), [issue])
