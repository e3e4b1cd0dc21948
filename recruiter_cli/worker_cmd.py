"""``recruiter worker dev|start``: the livekit-agents worker that holds interviews in rooms."""

from __future__ import annotations

import os
import sys
from enum import StrEnum

import typer
from rich.console import Console

from recruiter_cli.context import current_settings
from recruiter_config.assets import AssetError
from recruiter_config.settings import Settings
from recruiter_devstack.llm_server import endpoint_env, pointed_at
from recruiter_devstack.llm_sharing import llm_endpoint
from recruiter_llm.client import LLMUnavailableError


class Mode(StrEnum):
    """How livekit-agents runs the worker."""

    dev = "dev"  # reloads on code changes, debug logs
    start = "start"  # production


def run_worker(
    settings: Settings,
    mode: str,
    agent_name: str,
    idle_processes: int | None,
    http_port: int,
    load_threshold: float = 0.95,
) -> None:
    """Run the worker in this process until it is stopped (blocking)."""
    import asyncio

    from livekit.agents import cli

    from agent.abandoned import sweeping
    from agent.worker import build_server
    from recruiter_coding.cgroup import sweep_groups

    # The run groups of code runs whose job process was killed (a crash, SIGKILL) are removed,
    # and interviews left by their candidates are closed and scored (now and every few minutes).
    asyncio.run(sweep_groups())
    sweeping(settings)
    server = build_server(
        settings, agent_name, idle_processes=idle_processes, http_port=http_port,
        load_threshold=load_threshold,
    )  # fmt: skip
    sys.argv = [sys.argv[0], mode]
    cli.run_app(server)


def worker(
    mode: Mode = typer.Argument(Mode.start, help="dev: reload on changes; start: production."),
    agent_name: str | None = typer.Option(
        None, "--agent-name", help="Dispatch name (default: RECRUITER_WEB__AGENT_NAME)."
    ),
    idle_processes: int | None = typer.Option(
        None, "--idle-processes", help="Job processes kept warm (default: livekit-agents')."
    ),
    http_port: int = typer.Option(8081, "--http-port", help="The worker's health endpoint."),
    load_threshold: float = typer.Option(
        0.95,
        "--load-threshold",
        help="CPU load (0-1) above which no new interview is taken; inf: never refuse.",
    ),
) -> None:
    """Take interviews dispatched to this agent name from the LiveKit server (LIVEKIT_URL)."""
    err = Console(stderr=True, soft_wrap=True)
    settings = current_settings()
    try:
        with llm_endpoint(settings, on_start=err.print) as endpoint:
            os.environ.update(endpoint_env(endpoint))
            name = agent_name or settings.web.agent_name
            run_worker(
                pointed_at(settings, endpoint),
                mode.value,
                name,
                idle_processes,
                http_port,
                load_threshold,
            )
    except (AssetError, LLMUnavailableError) as e:
        err.print(f"[red]worker failed: {e}")
        raise typer.Exit(1) from e
