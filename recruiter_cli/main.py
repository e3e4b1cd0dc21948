"""``recruiter``: the command-line entry point; builds the settings once and hands them down.

Each command's module is imported when that command runs, or when help lists it: between them
they bring in the voice, LLM and learning libraries, seconds of imports that a command such as
``recruiter roles validate`` has no use for. This is click's documented pattern for lazily
loaded subcommands, on typer's group class.
"""

from __future__ import annotations

import importlib
import logging

import typer
import typer._click as click  # the click that typer's classes are built on (typer ships it)
from typer.core import TyperGroup

from recruiter_cli.context import build_settings

# Each command, in the order help lists them (single commands, then groups): its module in
# ``recruiter_cli`` and what it is there (a ``typer.Typer`` of subcommands, or a function).
_COMMANDS: dict[str, tuple[str, str]] = {
    "report": ("report_cmd", "report"),
    "review": ("report_cmd", "review"),
    "calibration": ("report_cmd", "calibration"),
    "fairness": ("report_cmd", "fairness"),
    "progress": ("report_cmd", "progress"),
    "rehearse": ("rehearse_cmd", "rehearse"),
    "console": ("console_cmd", "console"),
    "worker": ("worker_cmd", "worker"),
    "web": ("web_cmd", "web"),
    "invite": ("web_cmd", "invite"),
    "up": ("up_cmd", "up"),
    "practice-interviewer": ("practice_cmd", "practice_interviewer"),
    "coach-interview": ("practice_cmd", "coach_interview"),
    "models": ("models_cmd", "app"),
    "llm": ("llm_cmd", "app"),
    "roles": ("roles_cmd", "app"),
    "recruiters": ("recruiters_cmd", "app"),
    "analyze": ("analyze_cmd", "app"),
    "phone": ("phone_cmd", "app"),
    "coding": ("coding_cmd", "app"),
    "coach": ("coach_cmd", "app"),
    "candidates": ("report_cmd", "candidates_app"),
}


class _LazyGroup(TyperGroup):
    """The top-level group: a command's module is imported the first time it is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in _COMMANDS if n not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is None and cmd_name in _COMMANDS:
            found = self.commands[cmd_name] = _load(cmd_name)
        return found

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in _COMMANDS:  # a typo: every command, for "Did you mean"
            for name in self.list_commands(ctx):
                self.get_command(ctx, name)
        return super().resolve_command(ctx, args)


def _load(name: str) -> click.Command:
    """The click command ``name`` (``_COMMANDS``), its module imported now."""
    module, attr = _COMMANDS[name]
    target = getattr(importlib.import_module(f"recruiter_cli.{module}"), attr)
    if isinstance(target, typer.Typer):
        command: click.Command = typer.main.get_group(target)
    else:
        single = typer.Typer(add_completion=False)
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    return command


app = typer.Typer(
    name="recruiter",
    help="A virtual recruiter that holds spoken mock interviews, offline.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    cls=_LazyGroup,
)


@app.callback()
def _main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress.")) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    build_settings()


if __name__ == "__main__":
    app()
