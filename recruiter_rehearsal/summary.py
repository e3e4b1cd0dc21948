"""The short rehearsal summary, ``report.md`` beside the audio (and its JSON form): transcript
with timestamps, per-turn latency and how each answer was spoken."""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from perception.answer import AnswerMeasures
    from recruiter_rehearsal.result import RehearsalResult

__all__ = ["result_json", "seconds_cell", "write_summary"]


def _clock(seconds: float) -> str:
    minutes, secs = divmod(max(0.0, seconds), 60)
    return f"{int(minutes):02d}:{secs:04.1f}"


def seconds_cell(value: float | None) -> str:
    """A table cell for a time in seconds: two decimals, or "-" when it was not recorded."""
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
                # Candidate turns: what perception measured (speech, voice, webcam, cues, flags).
                "measures": m.as_dict() if (m := result.measurements.get(t.index)) else None,
            }
            for t in result.turns
        ],
        "perception": result.perception,
        "reports": {fmt: str(path) for fmt, path in result.reports.items()},
        "report_build_s": round(result.report_build_s, 2) if result.report_build_s else None,
        "report_error": result.report_error,
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


def _observed(m: AnswerMeasures | None) -> str:
    """One line of what perception measured on a candidate turn."""
    if m is None:
        return ""
    s = m.speech
    parts = [f"{s.words} words"]
    if s.words_per_minute is not None:
        parts.append(f"{s.words_per_minute:.0f} wpm")
    parts.append(f"{s.fillers} fillers")
    if s.pauses_over_2s:
        parts.append(f"{s.pauses_over_2s} pauses over 2 s")
    if s.response_latency_s is not None:
        parts.append(f"started {s.response_latency_s:.1f} s after the question")
    if m.voice and m.voice.pitch_variation_st.value is not None:
        parts.append(f"pitch variation {m.voice.pitch_variation_st.value:.1f} st")
    if m.face and m.face.looking_at_screen_share.value is not None:
        parts.append(f"looking at the screen {m.face.looking_at_screen_share.value:.0%}")
    if m.cues:
        parts.append("cues: " + ", ".join(c.kind for c in m.cues))
    if m.flags:
        parts.append("for review: " + ", ".join(f.detail for f in m.flags))
    if m.other_language:  # word numbers as a reader counts them, from 1
        parts.append("heard in another language, not read as evidence: " + ", ".join(
            f"words {o.first_word + 1}-{o.last_word + 1} ({o.label})" for o in m.other_language
        ))  # fmt: skip
    return " · ".join(parts)


def _summary_lines(summary: dict[str, Any]) -> list[str]:
    labels = {
        "words_per_minute": "pace (words per minute; comfortable: 120-160)",
        "fillers_per_100_words": "fillers per 100 words (noticed above about 1.3)",
        "hedges": 'hedges ("I think", "maybe")',
        "pauses_over_2s": "pauses over 2 s",
        "longest_pause_s": "longest pause (s)",
        "response_latency_median_s": "median time to start answering (s)",
        "level_median_dbfs": "speech level (dBFS)",
        "pitch_variation_median_st": "pitch variation (semitones; lower sounds flatter)",
        "looking_at_screen_median": "share of time looking at the screen",
    }
    lines = [
        "## How you came across",
        "",
        'Observable behaviour only: no emotion, personality or "confidence" labels, and none of'
        " this feeds a score.",
        "",
    ]
    for key, label in labels.items():
        value = summary.get(key)
        lines.append(f"- {label}: {'not measured' if value is None else value}")
    lines.append(f"- coaching cues: {', '.join(summary['cues']) or 'none'}")
    lines.append(f"- flags for a reviewer: {', '.join(summary['flags']) or 'none'}")
    return [*lines, ""]


def write_summary(result: RehearsalResult) -> None:
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
        why = _explain(turn.events) or _observed(result.measurements.get(turn.index))
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
            f"| {s.question_id} | {s.end_of_speech_to_first_audio_s:.2f} | "
            + " | ".join(
                seconds_cell(v) for v in (s.endpointing_s, s.stt_s, s.llm_ttft_s, s.tts_ttfa_s)
            )
            + " |"
        )
    median = result.median_latency_s
    lines += ["", f"Median: {seconds_cell(median)} s over {len(result.latency)} replies.", ""]
    lines += _summary_lines(result.perception)
    result.report_path.parent.mkdir(parents=True, exist_ok=True)
    result.report_path.write_text("\n".join(lines), encoding="utf-8")
