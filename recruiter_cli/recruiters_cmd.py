"""``recruiter recruiters``: add the people who sign in to the dashboard, and list them."""

from __future__ import annotations

import os

import typer
from rich.console import Console
from rich.table import Table

from recruiter_cli.context import current_settings
from storage import RecruiterError, RecruiterRepository, create_database, session_factory

app = typer.Typer(help="Recruiters: who can sign in to the dashboard.")
_out = Console(soft_wrap=True)
_err = Console(stderr=True, soft_wrap=True)

PASSWORD_ENV = "RECRUITER_PASSWORD"


def _password() -> str:
    """The password from ``RECRUITER_PASSWORD`` (for scripts), else asked for twice, hidden."""
    given = os.environ.get(PASSWORD_ENV)
    if given:
        return given
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@app.command("add")
def add(
    recruiter_id: str = typer.Argument(..., help="The id to sign in with, e.g. rita."),
    name: str | None = typer.Option(None, "--name", help="The name the dashboard shows."),
    reset: bool = typer.Option(
        False, "--reset-password", help="The recruiter exists: give them a new password."
    ),
) -> None:
    """Add a recruiter (password from RECRUITER_PASSWORD, or asked for without echo)."""
    password = _password()
    settings = current_settings()
    with session_factory(create_database(settings.resolved_database_url))() as s:
        repo = RecruiterRepository(s)
        existing = repo.get(recruiter_id)
        # A recruiter first seen in a CLI review has no password yet: adding them sets one.
        claim = existing is not None and existing.password_hash is None
        try:
            if reset or claim:
                record = repo.set_password(recruiter_id, password)
                record.name = name if name is not None else record.name
            else:
                repo.create(recruiter_id, name, password)
        except RecruiterError as e:
            hint = "; pass --reset-password to give them a new one" if existing else ""
            _err.print(f"[red]{e}{hint}", highlight=False)
            raise typer.Exit(1) from e
        s.commit()
    _out.print(f"recruiter {recruiter_id} can sign in at {settings.web.base_url}/login")


@app.command("list")
def list_recruiters() -> None:
    """Every recruiter, and whether they can sign in."""
    settings = current_settings()
    with session_factory(create_database(settings.resolved_database_url))() as s:
        rows = [
            (
                r.id,
                r.name or "",
                "yes" if r.password_hash else "no (no password)",
                r.created_at.isoformat()[:16],
            )
            for r in RecruiterRepository(s).all()
        ]
    table = Table()
    for column in ("id", "name", "can sign in", "added"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    _out.print(table)
