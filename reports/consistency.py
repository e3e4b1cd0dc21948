"""Contradictions inside one report, found before anyone reads it.

A report is a judgement about a person, so it must not say two things at once: a rubric level
with no quote behind it, a competency scored and "not asked", a question rated that was never
answered, an overall score over a partial interview, a quote the candidate never said (or said
in another turn, or at another time), a delivery tip the stored figure does not cross.
:func:`report_contradictions` lists them; :func:`reports.build.build_report` runs it on every
report and keeps the list under ``"contradictions"`` (empty when the report is consistent).

Each message names the place (competency id, question id, turn number), never the candidate's
words, so it may be logged.
"""

from __future__ import annotations

import re
from typing import Any

from perception.cues import FILLERS_PER_100, PACE_HIGH_WPM, PACE_LOW_WPM

__all__ = ["report_contradictions"]

# Word timings are rounded and a sentence's span comes from its first and last words.
_TIME_SLACK_S = 0.5
_WORDS = re.compile(r"[a-z0-9']+")


def _norm(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower()))


def _competencies(report: dict[str, Any]) -> list[str]:
    problems = []
    for c in report["competencies"]:
        supports = [e for e in c["evidence"] if e["stance"] == "supports"]
        where = f"competency {c['id']}"
        if c["anchor"] and not c["evidence"]:
            problems.append(f"{where}: a rubric level describes the candidate with no quote")
        if c["status"] == "assessed" and not c["evidence"]:
            problems.append(f"{where}: assessed with no quote")
        if c["status"] in ("not asked", "asked, not answered"):
            if c["score"] is not None:
                problems.append(f"{where}: scored but {c['status']}")
            if supports:
                problems.append(f"{where}: quoted as evidence but {c['status']}")
    return problems


def _questions(report: dict[str, Any]) -> list[str]:
    problems = []
    for q in report["questions"]:
        if q["status"] == "answered" and q["rating"] is None:
            problems.append(f"question {q['id']}: answered but not rated")
        if q["status"] != "answered" and q["rating"] is not None:
            problems.append(f"question {q['id']}: rated but {q['status']}")
    partial = report["coverage"]["partial"]
    if partial and report["overall"] is not None:
        problems.append("an overall score over a partial interview")
    if not partial and report["overall"] is None and report["competencies"]:
        problems.append("every competency scored but no overall score")
    return problems


def _quotes(report: dict[str, Any]) -> list[str]:
    problems = []
    turns = {t["turn"]: t for t in report["transcript"]}
    for c in report["competencies"]:
        for e in c["evidence"]:
            turn = turns.get(e["turn"])
            where = f"competency {c['id']}, turn {e['turn']}"
            if turn is None or turn["speaker"] != "candidate":
                problems.append(f"{where}: evidence cites a turn that is not the candidate's")
                continue
            if _norm(e["quote"]) not in _norm(turn["text"]):
                problems.append(f"{where}: the quote is not in that turn's words")
            start, end = turn["start_s"] - _TIME_SLACK_S, turn["end_s"] + _TIME_SLACK_S
            if not start <= e["start_s"] <= e["end_s"] <= end:
                problems.append(f"{where}: the quote's time is outside the turn")
    for w in report["summary"]["went_well"]:
        turn = turns.get(w["turn"])
        if turn is None or _norm(w["quote"]) not in _norm(turn["text"]):
            problems.append(f"went well, turn {w['turn']}: the quote is not in that turn")
    return problems


def _crossed(answer: dict[str, Any]) -> dict[str, bool]:
    """For each tip about pace or fillers, whether the answer's stored figure is out of band."""
    wpm, fillers = answer["words_per_minute"], answer["fillers_per_100_words"]
    return {
        "pace-fast": wpm is not None and wpm > PACE_HIGH_WPM,
        "pace-slow": wpm is not None and wpm < PACE_LOW_WPM,
        "fillers": fillers is not None and fillers > FILLERS_PER_100,
    }


def _delivery(report: dict[str, Any]) -> list[str]:
    """A tip, in the report or spoken, is given only when the stored figure crosses its band."""
    problems = []
    answers = {a["turn"]: a for a in report["delivery"]["answers"]}
    for a in answers.values():
        crossed = _crossed(a)
        for kind in a["cues"]:
            if kind in crossed and not crossed[kind]:
                problems.append(f"turn {a['turn']}: tip {kind} but the stored figure is in band")
    for tip in report["delivery"].get("spoken_tips", []):
        if tip.get("cut_off"):
            continue  # judged on the answer's first part; the stored figure is the whole's
        where = f"turn {tip['turn']}: spoken tip {tip['kind']}"
        # The answers to the question it followed (reports before 6 December: the last one).
        turns = tip.get("answer_turns") or [tip["after_turn"]]
        measured = [answers[t] for t in turns if t in answers]
        if not measured:
            problems.append(f"{where} follows no measured answer")
            continue
        if tip["kind"] in _crossed(measured[0]):
            if not any(_crossed(a)[tip["kind"]] for a in measured):
                problems.append(f"{where} but the stored figure is in band")
        elif not any(tip["kind"] in a["cues"] for a in measured):
            problems.append(f"{where} but the stored measurement has no such cue")
    return problems


def report_contradictions(report: dict[str, Any]) -> list[str]:
    """Every contradiction in ``report`` (the data of :func:`reports.build.build_report`).

    Returns:
        One message per contradiction, naming its place; empty for a consistent report.
    """
    return [*_competencies(report), *_questions(report), *_quotes(report), *_delivery(report)]
