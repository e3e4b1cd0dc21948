"""The settings of one ``recruiter`` run: built once by the main callback, read by every command.

A command runs in the process that parsed its arguments, after ``recruiter``'s callback; child
processes (the worker's jobs, ``recruiter up``'s servers) read their own from the environment
they are given.
"""

from __future__ import annotations

import os
import secrets

import typer
from pydantic import ValidationError
from pydantic_settings import SettingsError

from recruiter_config.settings import Settings

__all__ = ["LOCAL_SECRET", "build_settings", "current_settings", "web_secret"]

# Where `recruiter up` keeps the signing secret it made, in the data folder (owner-only), so
# that `recruiter invite` signs links the running app accepts and links outlive a restart.
LOCAL_SECRET = "web-secret"

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


def web_secret(settings: Settings, *, create: bool) -> str | None:
    """The secret that signs links and sign-ins: ``RECRUITER_WEB__SECRET`` when set, else the
    one ``recruiter up`` keeps in ``<home>/web-secret`` (made there, readable by its owner only,
    when ``create``); None when there is neither.
    """
    if settings.web.secret:
        return settings.web.secret
    path = settings.home / LOCAL_SECRET
    kept = path.read_text(encoding="ascii").strip() if path.is_file() else ""
    if kept or not create:
        return kept or None
    # Written whole under another name, then linked into place: a reader never sees half a
    # file, and of two runs making one at once the first wins and the other reads it.
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{LOCAL_SECRET}.{os.getpid()}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secrets.token_urlsafe(32) + "\n")
    try:
        if path.is_file() and path.stat().st_size == 0:
            path.unlink()  # an empty one left by a crash
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text(encoding="ascii").strip()
