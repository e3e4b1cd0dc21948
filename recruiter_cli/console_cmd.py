"""``recruiter console``: the same interview against a real microphone and speaker."""

from __future__ import annotations

import os
import sys

import typer
from rich.console import Console

from recruiter_cli.context import current_settings
from recruiter_cli.worker_cmd import run_worker
from recruiter_config.assets import AssetError
from recruiter_devstack.llm_server import endpoint_env, pointed_at
from recruiter_devstack.llm_sharing import llm_endpoint
from recruiter_llm.client import LLMUnavailableError
from rubrics import RoleError, load_role


class ConsoleUnavailableError(Exception):
    """This machine cannot hold a console interview (no terminal or no audio device)."""


def _check_terminal_and_devices() -> None:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise ConsoleUnavailableError("console mode needs an interactive terminal")
    try:
        import sounddevice

        sounddevice.query_devices(kind="input")
        sounddevice.query_devices(kind="output")
    except (OSError, sounddevice.PortAudioError) as e:
        raise ConsoleUnavailableError(
            f"console mode needs a microphone and a speaker ({e}); "
            "`recruiter rehearse` runs the same interview without them"
        ) from e


def console(
    role: str = typer.Option("demo", "--role", help="A shipped role id or a role script path."),
) -> None:
    """Hold the interview at your desk through livekit-agents console mode (mic + speaker)."""
    err = Console(stderr=True, soft_wrap=True)
    settings = current_settings()
    try:
        load_role(role)
        _check_terminal_and_devices()
        with llm_endpoint(settings, on_start=err.print) as endpoint:
            os.environ.update(endpoint_env(endpoint))
            os.environ["RECRUITER_DEFAULT_ROLE"] = role
            run_worker(
                pointed_at(settings, endpoint),
                "console",
                agent_name="",
                idle_processes=None,
                http_port=0,
            )
    except (RoleError, AssetError, LLMUnavailableError, ConsoleUnavailableError) as e:
        err.print(f"[red]console failed: {e}")
        raise typer.Exit(1) from e
