"""The settings of one ``recruiter`` run: built once by the main callback, read by every command.

A command runs in the process that parsed its arguments, after ``recruiter``'s callback; child
processes (the worker's jobs, ``recruiter up``'s servers) read their own from the environment
they are given.
"""

from __future__ import annotations

import typer
from pydantic import ValidationError
from pydantic_settings import SettingsError

from recruiter_config.settings import Settings

__all__ = ["build_settings", "current_settings"]

_settings: Settings | None = None


def build_settings() -> Settings:
    """Build ``Settings`` from the environment for this run (the main callback calls it).

    Raises:
        typer.Exit: (code 2) an environment variable holds a value the settings refuse; the
            message names the setting and why.
    """
    global _settings
    try:
        _settings = Settings()
    except SettingsError as e:  # a nested variable that is not valid JSON
        typer.echo(f"error: invalid setting: {e}", err=True)
        raise typer.Exit(2) from e
    except ValidationError as e:
        prefix = "LIVEKIT_" if e.title == "LiveKitSettings" else "RECRUITER_"
        problems = "; ".join(
            f"{prefix}{'__'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
            for err in e.errors()
        )
        # Values are not echoed: a refused value may be a secret (RECRUITER_WEB__SECRET).
        typer.echo(f"error: invalid setting: {problems}", err=True)
        raise typer.Exit(2) from e
    return _settings


def current_settings() -> Settings:
    """The settings the running command was started with (see ``build_settings``).

    Raises:
        RuntimeError: called before ``recruiter``'s callback built them.
    """
    if _settings is None:
        raise RuntimeError("no settings yet: run this through the `recruiter` command")
    return _settings
