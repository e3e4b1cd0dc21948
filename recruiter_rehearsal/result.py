"""What a rehearsal produced: its turns, latency samples and measurements (``RehearsalResult``).

Kept apart from the run (``recruiter_rehearsal.run``) so that the report it is written into
(``recruiter_rehearsal.summary``) and the run both depend on it, and not on each other.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.journal import StoredTurn
from perception.answer import AnswerMeasures, summarize_session
from rubrics import RoleScript

__all__ = ["LatencySample", "RehearsalResult"]


@dataclass(frozen=True)
class LatencySample:
    """End of one answer to the first audio of the recruiter's reply, with the pipeline's parts."""

    question_id: str
    end_of_speech_to_first_audio_s: float
    endpointing_s: float | None
    stt_s: float | None
    llm_ttft_s: float | None
    tts_ttfa_s: float | None


@dataclass
class RehearsalResult:
    """What a rehearsal produced."""

    session_id: str
    role: RoleScript
    persona: str | None
    audio_path: Path
    report_path: Path
    turns: list[StoredTurn]
    latency: list[LatencySample]
    duration_s: float = 0.0
    # Perception's measurements of each candidate turn, by turn index, and the session summary.
    measurements: dict[int, AnswerMeasures] = field(default_factory=dict)
    # The scored report (json, html, pdf) and how long building it took after the interview.
    reports: dict[str, Path] = field(default_factory=dict)
    report_build_s: float | None = None
    report_error: str | None = None
    # When each answer's speech began, in seconds from the start of the session (the truth the
    # stored response latencies are checked against).
    speech_starts: list[float] = field(default_factory=list)
    # ... and when each ended (its last voiced sample), likewise.
    speech_ends: list[float] = field(default_factory=list)

    @property
    def perception(self) -> dict[str, Any]:
        """How the candidate came across over the whole session (observable behaviour only)."""
        return summarize_session([self.measurements[i] for i in sorted(self.measurements)])

    @property
    def median_latency_s(self) -> float | None:
        """Median end of speech to first recruiter audio."""
        values = [s.end_of_speech_to_first_audio_s for s in self.latency]
        return statistics.median(values) if values else None
