"""``recruiter console``: the same interview against a real microphone and speaker."""

from __future__ import annotations

import typer


def console(role: str = typer.Option("demo", "--role")) -> None:
    """Hold the interview at your desk (livekit-agents console mode)."""
    raise typer.Exit(3)
