"""``recruiter llm``: the embedded llama.cpp server."""

from __future__ import annotations

import typer
from rich.console import Console

from recruiter_cli.context import current_settings
from recruiter_devstack.llm_server import EmbeddedLLMServer
from recruiter_llm.client import LLMUnavailableError

app = typer.Typer(help="The embedded LLM server (llama.cpp, OpenAI-compatible API).")


@app.command("serve")
def serve() -> None:
    """Start llama.cpp's server on 127.0.0.1 with the configured GGUF; stop with Ctrl-C."""
    settings = current_settings()
    server = EmbeddedLLMServer(settings)
    console = Console()
    try:
        endpoint = server.start()
    except LLMUnavailableError as e:
        Console(stderr=True).print(f"[red]{e}")
        raise typer.Exit(1) from e
    console.print(f"LLM server ready: {endpoint.base_url} (model '{endpoint.model}')")
    console.print(
        f"use it from another shell: RECRUITER_LLM__BASE_URL={endpoint.base_url} "
        f"RECRUITER_LLM__MODEL={endpoint.model}"
    )
    try:
        code = server.wait()
    except KeyboardInterrupt:
        code = 0
    finally:
        server.stop()
    raise typer.Exit(code)
