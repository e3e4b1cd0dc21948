"""``recruiter llm``: an OpenAI-compatible LLM server (llama.cpp by default, or vLLM)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console

from recruiter_cli.context import current_settings
from recruiter_devstack.llm_server import (
    EmbeddedLLMServer,
    LoopbackLLMServer,
    endpoint_env,
    serving,
)
from recruiter_devstack.vllm_server import VLLMServer
from recruiter_llm.client import LLMUnavailableError

app = typer.Typer(help="An OpenAI-compatible LLM server (llama.cpp, or vLLM).")


class Engine(StrEnum):
    """Which server ``recruiter llm serve`` starts."""

    llama_cpp = "llama.cpp"
    vllm = "vllm"


@app.command("serve")
def serve(
    engine: Engine = typer.Option(
        Engine.llama_cpp,
        help="llama.cpp: the embedded CPU server with the configured GGUF; vllm: vLLM's server "
        "(install it with scripts/install_vllm.sh).",
    ),
    model: Path | None = typer.Option(
        None,
        help="vllm only: a Hugging Face model directory or a .gguf file (converted once); "
        "default: the configured GGUF.",
    ),
) -> None:
    """Start an LLM server on 127.0.0.1 (RECRUITER_LLM__PORT); stop with Ctrl-C."""
    settings = current_settings()
    errors = Console(stderr=True)
    server: LoopbackLLMServer
    if engine is Engine.vllm:
        server = VLLMServer(settings, model)
        errors.print(f"starting vLLM (minutes on CPU); its log: {server.log_path}", soft_wrap=True)
    elif model is not None:
        errors.print("[red]--model is for --engine vllm; llama.cpp serves RECRUITER_LLM__GGUF")
        raise typer.Exit(2)
    else:
        if serving(settings.llm.port, settings.llm.gguf) is not None:
            errors.print(
                f"[red]the embedded LLM server ({settings.llm.gguf}) already runs on port "
                f"{settings.llm.port}[/]: another recruiter command started it and the commands "
                "use it as it is (it stops when the last of them ends). To run one of your own, "
                "set RECRUITER_LLM__PORT to a free port.",
                soft_wrap=True,
            )
            raise typer.Exit(1)
        server = EmbeddedLLMServer(settings)
    console = Console()
    try:
        endpoint = server.start()
    except (LLMUnavailableError, KeyboardInterrupt) as e:
        server.stop()
        if isinstance(e, KeyboardInterrupt):
            raise typer.Exit(130) from e
        errors.print(f"[red]{e}")
        raise typer.Exit(1) from e
    try:  # from here on Ctrl-C stops the server and exits cleanly
        console.print(f"LLM server ready: {endpoint.base_url} (model '{endpoint.model}')")
        # The JSON mode too: llama.cpp and vLLM take a schema differently (recruiter_llm/client.py).
        env = endpoint_env(endpoint)
        del env["RECRUITER_LLM__API_KEY"]
        shell = " ".join(f"{k}={v}" for k, v in env.items())
        console.print(f"use it from another shell: {shell}", soft_wrap=True)
        code = server.wait()
    except KeyboardInterrupt:
        code = 0
    finally:
        server.stop()
    raise typer.Exit(code)
