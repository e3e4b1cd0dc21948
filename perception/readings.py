"""One measured value with its confidence, or the reason it was not measured.

Every per-answer value perception reports is a :class:`Reading`. A value that the input cannot
support (too dark, too few frames, too little speech) is ``None`` with a ``reason``, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["PerceptionInputError", "Reading", "not_measured"]


class PerceptionInputError(Exception):
    """Input perception cannot read (missing, empty, corrupted or unsupported file)."""


@dataclass(frozen=True)
class Reading:
    """A measured value (``None`` when not measured), its confidence 0-1 and its unit."""

    value: float | None
    confidence: float
    unit: str = ""
    reason: str | None = None  # why the value is missing or uncertain

    @property
    def measured(self) -> bool:
        """True when there is a value."""
        return self.value is not None

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON and storage."""
        out: dict[str, Any] = {"value": self.value, "confidence": round(self.confidence, 2)}
        if self.unit:
            out["unit"] = self.unit
        if self.reason:
            out["reason"] = self.reason
        return out


def not_measured(reason: str, unit: str = "") -> Reading:
    """A reading with no value, saying why."""
    return Reading(None, 0.0, unit, f"not measured: {reason}")
