"""``recruiter analyze``: print perception's measurements of your own recording or video."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from perception.readings import PerceptionInputError
from recruiter_cli.context import current_settings
from recruiter_config.assets import AssetError

app = typer.Typer(help="Measure a recording or a webcam video the way answers are measured.")
_err = Console(stderr=True, soft_wrap=True)


def _show(data: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(data))
        return
    console = Console(soft_wrap=True)
    for section, values in data.items():
        if isinstance(values, dict):
            console.print(f"[bold]{section}")
            for key, value in values.items():
                shown = (
                    value.get("value") if isinstance(value, dict) and "value" in value else value
                )
                note = value.get("reason") if isinstance(value, dict) else None
                console.print(f"  {key}: {shown}" + (f"  ({note})" if note else ""))
        else:
            console.print(f"[bold]{section}[/]: {values}")


@app.command("audio")
def audio(
    file: Path = typer.Argument(..., help="A recording: WAV, FLAC, MP3, M4A, OGG/Opus, WebM."),
    transcript: str | None = typer.Option(
        None, "--transcript", help="The true text; fillers and hedges are counted in it."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Pace, pauses, fillers, hedges, level and pitch of a recording, with cues."""
    from recruiter_rehearsal.analysis import analyze_audio

    try:
        data = analyze_audio(current_settings(), file, transcript=transcript)
    except (PerceptionInputError, AssetError) as e:
        _err.print(f"[red]analyze failed: {e}")
        raise typer.Exit(1) from e
    if data.get("ends_early"):  # measured as far as it goes: said where it cannot be missed
        _err.print(f"[yellow]warning: {data['ends_early']}; only that part is measured")
    _show(data, as_json)


@app.command("video")
def video(
    file: Path = typer.Argument(..., help="A video (MP4, WebM, AVI...) or an image (JPEG, PNG)."),
    fps: float = typer.Option(5.0, "--fps", help="Frames analysed per second of video."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Face in view, other faces, looking at the screen, head movement, smiling, blinks."""
    from recruiter_rehearsal.analysis import analyze_video

    try:
        data = analyze_video(current_settings(), file, fps=fps)
    except (PerceptionInputError, AssetError) as e:
        _err.print(f"[red]analyze failed: {e}")
        raise typer.Exit(1) from e
    _show(data, as_json)
