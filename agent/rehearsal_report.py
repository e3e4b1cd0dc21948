"""The short rehearsal report: transcript with timestamps and per-turn latency (Markdown, JSON)."""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent.rehearsal import RehearsalResult

__all__ = ["result_json", "write_report"]


def _clock(seconds: float) -> str:
    minutes, secs = divmod(max(0.0, seconds), 60)
    return f"{int(minutes):02d}:{secs:04.1f}"


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def result_json(result: RehearsalResult) -> dict[str, Any]:
    """The ``--json`` contract of ``recruiter rehearse``."""
    values = [s.end_of_speech_to_first_audio_s for s in result.latency]
    return {
        "session_id": result.session_id,
        "role": result.role.id,
        "role_version": result.role.version,
        "persona": result.persona,
        "report_path": str(result.report_path),
        "audio_path": str(result.audio_path),
        "duration_s": round(result.duration_s, 2),
        "turns": [
            {
                "speaker": t.speaker,
                "text": t.text,
                "start_s": t.start_s,
                "end_s": t.end_s,
                # What the dialogue manager did and why: follow-up gap, fallback, difficulty.
                "events": t.events,
            }
            for t in result.turns
        ],
        "latency": {
            "end_of_speech_to_first_audio_s": values,
            "median_s": round(statistics.median(values), 3) if values else None,
            "per_turn": [
                {
                    "question_id": s.question_id,
                    "end_of_speech_to_first_audio_s": s.end_of_speech_to_first_audio_s,
                    "endpointing_s": s.endpointing_s,
                    "stt_s": s.stt_s,
                    "llm_ttft_s": s.llm_ttft_s,
                    "tts_ttfa_s": s.tts_ttfa_s,
                }
                for s in result.latency
            ],
        },
    }


def _explain(events: list[dict[str, Any]] | None) -> str:
    """One line on what the dialogue manager did in a recruiter turn."""
    notes = []
    for e in events or []:
        kind = e.get("type")
        if kind == "follow-up":
            notes.append(f"follow-up on {e['gap']} ({e['source']})")
        elif kind == "acknowledgement" and e.get("source") == "fallback":
            notes.append(f"scripted acknowledgement ({e.get('fallback_reason')})")
        elif kind == "question":
            notes.append(f"{e['question_id']} (difficulty {e['difficulty']}): {e['reason']}")
        elif kind in ("manipulation-attempt", "off-topic", "over-time", "skip", "dont-know"):
            notes.append(kind)
        elif kind == "say" and e.get("purpose") in ("silence-prompt", "redirect", "refusal"):
            notes.append(str(e["purpose"]))
        elif kind == "coaching-cue":
            notes.append(f"coaching cue ({e['reason']})")
    return "; ".join(notes)


def write_report(result: RehearsalResult) -> None:
    """Write ``report.md`` beside the session's audio."""
    lines = [
        f"# Rehearsal: {result.role.title}",
        "",
        f"- session: `{result.session_id}`",
        f"- role: `{result.role.id}` version {result.role.version}",
        f"- simulated candidate: {result.persona or 'recorded answers'}",
        f"- conversation audio: `{result.audio_path}` ({result.duration_s:.0f} s; left recruiter,"
        " right candidate)",
        "",
        "## Transcript",
        "",
    ]
    for turn in result.turns:
        who = "Recruiter" if turn.speaker == "recruiter" else "Candidate"
        lines.append(f"**[{_clock(turn.start_s)}-{_clock(turn.end_s)}] {who}:** {turn.text}")
        why = _explain(turn.events)
        if why:
            lines.append(f"<sub>{why}</sub>")
        lines.append("")
    lines += [
        "## Latency (end of candidate speech to first recruiter audio)",
        "",
        "| question | total s | endpointing s | STT s | LLM TTFT s | TTS first audio s |",
        "|---|---|---|---|---|---|",
    ]
    for s in result.latency:
        lines.append(
            f"| {s.question_id} | {s.end_of_speech_to_first_audio_s:.2f} | {_fmt(s.endpointing_s)}"
            f" | {_fmt(s.stt_s)} | {_fmt(s.llm_ttft_s)} | {_fmt(s.tts_ttfa_s)} |"
        )
    median = result.median_latency_s
    lines += ["", f"Median: {_fmt(median)} s over {len(result.latency)} replies.", ""]
    result.report_path.parent.mkdir(parents=True, exist_ok=True)
    result.report_path.write_text("\n".join(lines), encoding="utf-8")
