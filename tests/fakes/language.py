"""A stand-in for the spoken-language identifier port (``perception.spoken_language``)."""

from __future__ import annotations

import numpy as np

__all__ = ["FakeLanguageID"]


class FakeLanguageID:
    """Hears ``language`` in a clip whose samples are mostly at ``marker`` or above (a test's
    way of saying "this stretch was spoken in another language"), English otherwise; keeps the
    length in samples of each clip it was given."""

    def __init__(self, language: str = "pl", *, marker: float = 0.5) -> None:
        self.language = language
        self.marker = marker
        self.clips: list[int] = []

    def __call__(self, audio: np.ndarray) -> dict[str, float]:
        self.clips.append(audio.size)
        if float(np.mean(np.abs(audio) >= self.marker)) > 0.5:
            return {"en": 0.07, self.language: 0.81}
        return {"en": 0.95, "de": 0.02}
