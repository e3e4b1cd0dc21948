"""Spoken language identification with the multilingual Whisper base (asset ``whisper-base``).

``perception.spoken_language`` asks it which language a clause the recogniser (Whisper tiny.en,
English only) was unsure of was spoken in. It runs on the perceiver's measuring thread, after
the answer, never on the live path; one thread, so the voice pipeline keeps the other core.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import numpy as np
from faster_whisper import WhisperModel

from recruiter_config.assets import AssetError, require_asset

__all__ = ["WhisperLanguageID", "language_identifier"]

logger = logging.getLogger("recruiter.perception")

ASSET = "whisper-base"


class WhisperLanguageID:
    """Language probabilities of a 16 kHz mono clip, from Whisper base's language tokens.

    The model (145 MB) is loaded on the first call, not with the other voice models: most
    answers never need it. One per process (``VoiceModels.language_id``), shared by its
    interviews; calls are serialised. 0.77 s a clip (median) on one core of this machine's kind
    (Whisper pads each clip to 30 s, so the cost does not grow with the clip).
    """

    def __init__(self, model_dir: Path, *, threads: int = 1) -> None:
        if not (model_dir / "model.bin").is_file():
            raise FileNotFoundError(f"no Whisper model at {model_dir}")
        self._model_dir = model_dir
        self._threads = threads
        self._model: WhisperModel | None = None
        self._lock = threading.Lock()

    def __call__(self, audio: np.ndarray) -> dict[str, float]:
        """``{"en": 0.93, "de": 0.02, ...}`` for ``audio`` (mono float32, 16 kHz)."""
        with self._lock:
            if self._model is None:
                self._model = WhisperModel(
                    str(self._model_dir), device="cpu", compute_type="int8",
                    cpu_threads=self._threads, local_files_only=True,
                )  # fmt: skip
            _, _, ranked = self._model.detect_language(audio.astype(np.float32, copy=False))
        return dict(ranked)


def language_identifier(models_dir: Path) -> WhisperLanguageID | None:
    """The identifier on the installed ``whisper-base``; None (logged) when it is not installed,
    and answers are then not checked for another language."""
    try:
        return WhisperLanguageID(require_asset(models_dir, ASSET))
    except (AssetError, FileNotFoundError):
        logger.warning("answers are not checked for other languages: whisper-base is not "
                       "installed (`recruiter models install`)")  # fmt: skip
        return None
