"""``recruiter phone``: the phone line's SIP trunk and dispatch rules on the LiveKit server."""

from __future__ import annotations

import asyncio

import typer
from livekit import api
from rich.console import Console

from recruiter_cli.context import current_settings
from recruiter_phone.lines import read_phone_line, remove_phone_line, set_up_phone_line

app = typer.Typer(help="The phone line: its SIP trunk and dispatch rules on the LiveKit server.")
_out = Console(soft_wrap=True, highlight=False)
_err = Console(stderr=True, soft_wrap=True)


@app.command("setup")
def setup() -> None:
    """Create (or re-create) the inbound trunk and one dispatch rule per number.

    The numbers, allowed addresses and practice role come from RECRUITER_PHONE__* settings;
    the server is LIVEKIT_URL (its SIP service must share its Redis).
    """
    settings = current_settings()
    try:
        line = asyncio.run(
            set_up_phone_line(settings.livekit, settings.phone, agent_name=settings.web.agent_name)
        )
    except (api.TwirpError, OSError) as e:
        _err.print(f"[red]phone line not set up: {e}")
        raise typer.Exit(1) from e
    _out.print(f"trunk {line.trunk_id}")
    for number, rule in line.rules.items():
        kind = "practice, no code" if number == settings.phone.practice_number else "code asked"
        _out.print(f"  {number}: dispatch rule {rule} ({kind})")


@app.command("remove")
def remove() -> None:
    """Delete the trunk and dispatch rules ``recruiter phone setup`` made."""
    settings = current_settings()
    try:
        removed = asyncio.run(remove_phone_line(settings.livekit))
    except (api.TwirpError, OSError) as e:
        _err.print(f"[red]phone line not removed: {e}")
        raise typer.Exit(1) from e
    _out.print(f"removed {removed} (trunk and dispatch rules)")


@app.command("status")
def status() -> None:
    """Show the trunk and dispatch rules on the LiveKit server now; exit 1 when not set up."""
    settings = current_settings()
    try:
        line = asyncio.run(read_phone_line(settings.livekit))
    except (api.TwirpError, OSError) as e:
        _err.print(f"[red]phone line not read: {e}")
        raise typer.Exit(1) from e
    if line.trunk_id is None:
        _out.print(f"not set up on {settings.livekit.url}; `recruiter phone setup` sets it up")
        raise typer.Exit(1)
    _out.print(f"trunk {line.trunk_id}: {', '.join(line.numbers)} "
               f"(calls from {', '.join(line.allowed_addresses) or 'anywhere'})")  # fmt: skip
    for rule in line.rules:
        kind = "unknown" if rule.line is None else rule.line.phone_line
        _out.print(f"  {', '.join(rule.numbers)}: dispatch rule {rule.rule_id} ({kind}, "
                   f"agent {rule.agent_name})")  # fmt: skip
    offered = "offered" if settings.phone.enabled else "not offered (RECRUITER_PHONE__ENABLED)"
    _out.print(f"on invitations: {offered}")
