"""``recruiter roles``: list, show, validate, import, export, diff, schema and draft roles."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import typer
from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from recruiter_cli.context import current_settings
from rubrics import (
    RoleError,
    RoleIssue,
    RoleScript,
    load_role_source,
    parse_role,
    resolve_role,
)
from rubrics import shipped_role_ids as shipped
from rubrics.diffing import summarise_changes, text_diff
from rubrics.issues import for_terminal
from rubrics.loading import load_role_file_source
from storage import RoleRepository, RoleVersionConflictError, create_database, session_factory

app = typer.Typer(help="Role scripts: the roles, questions and rubrics interviews follow.")
# No emoji codes: a role's ":x:" is printed as written, not as an emoji.
_out = Console(soft_wrap=True, emoji=False)
_err = Console(stderr=True, soft_wrap=True, emoji=False)


@contextmanager
def _db() -> Iterator[Session]:
    settings = current_settings()
    with session_factory(create_database(settings.resolved_database_url))() as session:
        yield session


def _text(text: str) -> str:
    """A role's own text for Rich: its markup escaped, its reordering and invisible characters
    shown as escapes (``rubrics.issues.for_terminal``)."""
    return escape(for_terminal(text))


def _fail(message: str, code: int = 1) -> typer.Exit:
    _err.print(f"[red]{escape(message)}", highlight=False)
    return typer.Exit(code)


def _warn(warnings: tuple[RoleIssue, ...]) -> None:
    """Print located warnings (``rubrics.checks.warn_role``): they never fail a command."""
    for warning in warnings:
        _err.print(str(warning), style="yellow", highlight=False, markup=False)


def _stored_or_shipped(role_id: str, version: str | None) -> tuple[str, str]:
    """The text ``rubrics.resolve_role`` finds for a role and version, and its origin; a
    stored text as stored, even one that no longer passes the checks (to export and fix)."""
    with _db() as db:
        repo = RoleRepository(db)
        record = repo.get(role_id, version) if version else repo.latest(role_id)
        if record is not None:
            return record.content, f"stored {record.role_id} v{record.version}"
        try:
            source = resolve_role(db, role_id, version)
        except RoleError as e:
            raise _fail(str(e)) from e
    return source.text, source.origin


@app.command("list")
def list_roles() -> None:
    """The shipped roles and every stored role with its versions."""
    with _db() as db:
        repo = RoleRepository(db)
        stored = {
            r.role_id: [v.version for v in repo.versions(r.role_id)] for r in repo.all_latest()
        }
        ids = sorted(set(shipped()) | set(stored))
        roles: dict[str, RoleScript | RoleError] = {}
        for role_id in ids:
            try:
                roles[role_id] = resolve_role(db, role_id).role
            except RoleError as e:  # stored under older checks: listed, with its first problem
                roles[role_id] = e
    table = Table()
    # Ids are what a user types next: never cut, whatever the terminal's width.
    table.add_column("id", no_wrap=True, min_width=max(map(len, ids), default=2))
    for column in ("title", "seniority", "questions", "shipped", "stored versions"):
        table.add_column(column)
    for role_id, role in roles.items():
        if isinstance(role, RoleError):
            first = role.issues[0].message if role.issues else str(role)
            title, seniority, questions = f"[red]invalid: {escape(first)}[/]", "", ""
        else:
            title, seniority = _text(role.title), role.seniority
            questions = str(len(role.questions))
        table.add_row(
            role_id, title, seniority, questions, "yes" if role_id in shipped() else "",
            escape(", ".join(stored.get(role_id, []))),
        )  # fmt: skip
    _out.print(table)


@app.command("show")
def show(role_id: str, version: str | None = typer.Option(None, "--version")) -> None:
    """A role's persona, competencies (with weights) and questions."""
    text, origin = _stored_or_shipped(role_id, version)
    try:
        role = parse_role(text, origin)
    except RoleError as e:  # stored before a check it fails was added
        _err.print(str(e), highlight=False, markup=False)
        raise _fail(f"{origin} no longer passes the checks: `roles export {role_id}`, fix it "
                    "and import it as a new version") from e  # fmt: skip
    _out.print(f"[bold]{_text(role.title)}[/] ({role.id} v{_text(role.version)}, "
               f"{role.seniority}, {role.duration_minutes} min, {role.mode}) "
               f"from {escape(origin)}")  # fmt: skip
    _out.print(f"recruiter: {_text(role.persona.name)} ({_text(role.persona.tone)})")
    _out.print(f"opening: {_text(role.opening)}")
    _out.print(f"closing: {_text(role.closing_line)}")
    if (role.exam_intro or role.exam_closing) and role.mode != "exam":
        exam = role.model_copy(update={"mode": "exam"})
        _out.print(f"in exam mode: {_text(exam.opening)} ... {_text(exam.closing_line)}")
    comps = Table(title="competencies")
    comps.add_column("id", no_wrap=True, min_width=max(len(c.id) for c in role.competencies))
    for column in ("name", "weight", "level 3 anchor"):
        comps.add_column(column)
    for c in role.competencies:
        comps.add_row(c.id, _text(c.name), f"{c.weight:g}", _text(c.rubric[3]))
    _out.print(comps)
    _out.print(_questions(role, _out.width))


# The question's text gets at least this many columns in the table; a terminal too narrow for
# that gets one block per question instead (a text column a few words wide is unreadable).
_TEXT_MIN_WIDTH = 40


def _questions(role: RoleScript, width: int) -> RenderableType:
    """The role's questions: a table where ``width`` (columns) leaves the text at least
    ``_TEXT_MIN_WIDTH`` columns beside the other columns' widest cells, else one block per
    question; the question's text in full either way."""
    title = f"questions ({role.flow.order} order)"
    rows = [(q.id, q.kind, str(q.difficulty), ", ".join(q.competencies), f"{q.time_limit_s}s")
            for q in role.questions]  # fmt: skip
    headers = ("id", "kind", "difficulty", "competencies", "time")
    widest = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
    # Each of the six columns has a border on its left and a space either side; one more border.
    if width < sum(widest) + _TEXT_MIN_WIDTH + 3 * 6 + 1:
        blocks = [f"[bold]{title}[/]"]
        for q in role.questions:
            blocks.append(f"[bold]{q.id}[/] ({q.kind}, difficulty {q.difficulty}, "
                          f"{q.time_limit_s} s; {', '.join(q.competencies)})\n"
                          f"    {_text(q.text)}")  # fmt: skip
        return Group(*blocks)
    table = Table(title=title)
    for column in headers:
        table.add_column(column, no_wrap=True)
    table.add_column("text", min_width=_TEXT_MIN_WIDTH)
    for row, q in zip(rows, role.questions, strict=True):
        table.add_row(*row, _text(q.text))
    return table


@app.command("validate")
def validate(paths: list[Path]) -> None:
    """Check role script files; print every located problem; exit 1 if any file has an error.

    Warnings (a question repeated in other words, a placeholder anchor) are printed, located,
    and do not fail the check.
    """
    failed = 0
    for path in paths:
        try:
            source = load_role_file_source(path)
        except RoleError as e:
            failed += 1
            listed = "\n".join(str(i) for i in e.issues) if e.issues else str(e)
            _err.print(listed, highlight=False, markup=False)
            continue
        _warn(source.warnings)
        role, warned = source.role, len(source.warnings)
        note = f", {warned} warning{'s' if warned != 1 else ''}" if warned else ""
        version = for_terminal(role.version)
        _out.print(f"ok {path} ({role.id} v{version}, {len(role.questions)} questions{note})",
                   highlight=False, markup=False)  # fmt: skip
    if failed:
        raise _fail(f"{failed} of {len(paths)} file(s) invalid")


@app.command("import")
def import_role(path: Path) -> None:
    """Store a role script as a new immutable version; an identical re-import is a no-op."""
    try:
        source = load_role_source(str(path))
    except RoleError as e:
        _err.print(str(e), highlight=False, markup=False)
        raise _fail("not imported: the script is invalid") from e
    role = source.role
    _warn(source.warnings)
    with _db() as db:
        try:
            result = RoleRepository(db).store(
                role_id=role.id, version=role.version, title=role.title, content=source.text
            )
        except RoleVersionConflictError as e:
            raise _fail(str(e)) from e
        db.commit()
    digest = result.record.content_sha256[:12]
    if result.created:
        _out.print(f"stored {role.id} version {role.version} (sha256 {digest}…)", markup=False)
    else:
        _out.print(
            f"{role.id} version {role.version} is already stored (sha256 {digest}…); no change",
            markup=False,
        )


@app.command("export")
def export(
    role_id: str,
    version: str | None = typer.Option(None, "--version", help="Default: the latest stored."),
    out: Path | None = typer.Option(None, "--out", help="Write here instead of standard output."),
) -> None:
    """Write a stored version's text as it was read when imported, in UTF-8."""
    text, _origin = _stored_or_shipped(role_id, version)
    if out is None:
        sys.stdout.write(text)
    else:
        _write(out, text)


def _write(out: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``out``, or fail with why (a folder, a full disk)."""
    try:
        out.write_bytes(text.encode("utf-8"))
    except OSError as e:
        raise _fail(f"{out}: cannot write ({e.strerror or e})") from e


@app.command("diff")
def diff(role_id: str, v1: str, v2: str) -> None:
    """What changed between two stored versions: a summary, then the line diff."""
    old_text, old_origin = _stored_or_shipped(role_id, v1)
    new_text, new_origin = _stored_or_shipped(role_id, v2)
    try:
        old, new = parse_role(old_text, old_origin), parse_role(new_text, new_origin)
    except RoleError as e:  # one stored before a check it fails was added: the lines only
        _err.print(str(e), highlight=False, markup=False)
        summary = ["(no summary: a version no longer passes the checks)"]
    else:
        summary = summarise_changes(old, new)
    _out.print("\n".join(summary) if summary else "no changes", highlight=False, markup=False)
    _out.print(text_diff(old_text, new_text, f"{role_id} v{v1}", f"{role_id} v{v2}"),
               highlight=False, markup=False)  # fmt: skip


@app.command("schema")
def schema(
    out: Path | None = typer.Option(None, "--out", help="Default: standard output."),
) -> None:
    """Write the role script JSON Schema, for editors that validate YAML as you type."""
    document = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Virtual recruiter role script",
        **RoleScript.model_json_schema(),
    }
    text = json.dumps(document, indent=2) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        _write(out, text)
        _out.print(f"wrote {escape(str(out))}")


@app.command("draft")
def draft(
    from_jd: Path = typer.Option(..., "--from-jd", help="A job description (text or Markdown)."),
    out: Path | None = typer.Option(None, "--out", help="Default: <role-id>.yaml here."),
    role_id: str | None = typer.Option(None, "--id", help="The id to give the role."),
) -> None:
    """Draft a role script from a job description with the LLM; only a valid script is written."""
    from recruiter_devstack.llm_sharing import llm_endpoint
    from recruiter_llm.client import LLMEndpoint, LLMUnavailableError, OpenAIChatClient
    from rubrics.drafting import Draft, draft_role

    try:
        job = from_jd.read_text(encoding="utf-8")
    except OSError as e:
        raise _fail(f"{from_jd}: cannot read the job description ({e.strerror})") from e
    settings = current_settings()

    async def run(endpoint: LLMEndpoint) -> Draft:
        client = OpenAIChatClient(endpoint, timeout_s=300)
        try:
            return await draft_role(
                job,
                client,
                role_id=role_id,
                header=f"# Drafted from {from_jd.name} by {endpoint.model}; review before use.",
            )
        finally:
            await client.aclose()

    try:
        with llm_endpoint(settings, on_start=_err.print) as endpoint:
            result = asyncio.run(run(endpoint))
    except LLMUnavailableError as e:
        raise _fail(f"draft failed: {e}") from e
    target = out or Path(f"{result.role.id}.yaml")
    _write(target, result.text)
    for problem in result.problems:
        _err.print(f"repaired: {problem}", highlight=False, markup=False)
    for change in result.notes:  # also in the file's header, as comments
        _err.print(f"note: {change}", highlight=False, markup=False)
    _warn(tuple(replace(w, file=str(target)) for w in result.warnings))
    note = {"llm": "from the LLM", "llm-repaired": "from the LLM after repair",
            "template": "from the plain template (the LLM's outlines were unusable)"}  # fmt: skip
    role = result.role
    _out.print(
        f"wrote {target}: {for_terminal(role.title)}, {len(role.competencies)} competencies, "
        f"{len(role.questions)} questions, {note[result.source]}",
        markup=False,
    )
