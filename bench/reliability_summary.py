"""Every reliability figure (issue 17) at a glance, in ``bench/results/reliability.md``.

Each bench writes its own results: ``bench.reliability`` (headless crash and resume) and
``bench.room_crash`` (the same in a room) their sections of ``reliability.md``;
``bench.faults``, ``bench.room_faults``, ``bench.load`` and ``bench.spoken_injection`` their
own files. This script reads their JSON results and writes one table of the headline figures,
each with the file and run it comes from, into the section ``## Every figure at a glance`` of
``reliability.md`` (the benches' own sections are kept). A bench whose results are missing
reads "not run".

Usage: ``.venv/bin/python -m bench.reliability_summary`` (seconds; nothing is measured here).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.sections import write_section

RESULTS = Path(__file__).parent / "results"
HEADING = "## Every figure at a glance"

__all__ = ["HEADING", "glance", "main"]


def _load(name: str) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _crash(d: dict[str, Any] | None) -> str:
    if d is None:
        return "not run"
    return (
        f"{d['killed']} kills of {d['trials']}: {d['turns_lost']} completed turns lost; "
        f"{d['right_question']} resumed at the right question; {d['completed']} completed"
    )


def _room_crash(d: dict[str, Any] | None) -> str:
    if d is None:
        return "not run"
    rows = d["rows"]
    done = [r for r in rows if "turns_lost" in r]
    return (
        f"{sum(r['killed'] for r in rows)} kills of {len(rows)}: "
        f"{sum(r['turns_lost'] for r in done)} completed turns lost; "
        f"{sum(r['right_question'] for r in done)} of {len(done)} went on at the right "
        f"question; {sum(r['completed'] for r in done)} completed"
    )


def _faults(d: dict[str, Any] | None) -> list[tuple[str, str, str]]:
    """(item, figure, when its fault was run): ``bench.faults --only`` keeps the others'."""
    if d is None:
        return [("2. faults in parts", "not run", "-")]
    rows = []
    for f in d["summary"]:
        back = ""
        if f["fault"] == "restarted":
            back = (f"; the LLM server back in {f['back']} interviews, its text used "
                    f"{f['llm_after_back']} times after")  # fmt: skip
        rows.append((
            f"2. fault: {f['fault']}",
            f"{f['replies']} replies, {f['unanswered']} unanswered; {f['within_bar']} within "
            f"2 s of the answer's end less the turn-taking hold, {f['from_speech_within_bar']} "
            f"within 2 s from the end of speech; answers spoken / stored "
            f"{f['answers_spoken']} / {f['answers_stored']}{back}",
            f.get("taken") or d["when"],
        ))  # fmt: skip
    return rows


def _room_faults(d: dict[str, Any] | None) -> str:
    """The room's faults in one figure: replies within the bar, answers kept, recovery."""
    if d is None:
        return "not run"
    s = d["summary"]
    lifted = [f for f in s if f["llm_used_after_lift"] is not None and f["fault"] != "none"]
    llm = [f for f in lifted if f["fault"] != "postgres-restart"]
    return (
        f"{len(s)} runs ({', '.join(f['fault'] for f in s)}), one interview each, each fault held "
        f"{d['held']} replies: {sum(f['heard_within_bar'] for f in s)} of "
        f"{sum(f['replies'] for f in s)} replies heard within 2 s of the answer's end, "
        f"{sum(f['gaps_within_bar'] for f in s)} of {sum(f['gaps'] for f in s)} within 2 s "
        f"less the turn-taking hold; answers spoken / stored "
        f"{sum(f['answers_spoken'] for f in s)} / {sum(f['answers_stored'] for f in s)}; "
        f"{sum(bool(f['completed']) for f in s)} completed with the report; after lifting, "
        f"the LLM server answered again in {sum(bool(f['llm_answered_after_lift']) for f in llm)}"
        f" of {len(llm)} LLM faults (its text used in "
        f"{sum(bool(f['llm_used_after_lift']) for f in llm)}; with no fault, "
        f"{sum(f['llm_used'] for f in s if f['fault'] == 'none')} of the baseline's replies used "
        "it: on 2 cores most follow-ups are not ready within the 1.5 s wait)"
    )


def _load_rows(d: dict[str, Any] | None) -> list[tuple[str, str, str]]:
    """(item, figure, the results key dating it): ``bench.load --max 0`` keeps part 1's rows
    from an earlier run, dated ``one_machine_when``."""
    one_item, two_item = (
        "3. one 2-core machine",
        "3. two LiveKit nodes + Redis, two workers, PostgreSQL",
    )
    if d is None:
        return [(one_item, "not run", "when"), (two_item, "not run", "when")]
    one, two = d["one_machine"], d["two_nodes"]
    figure = "not run"
    if one:
        base = one[0]["median_s"]
        doubled = next((i for i, r in enumerate(one) if base and r["median_s"] >= 2 * base), None)
        held = [r["interviews"] for r in one[:doubled]]
        figure = (
            f"held {held[-1] if held else 0} interviews at once before the median reply latency "
            "doubled (medians: "
            + ", ".join(f"{r['interviews']} at once {r['median_s']} s" for r in one)
            + ")"
        )
    rows = [(one_item, figure, "one_machine_when")]
    if two is None:
        return [*rows, (two_item, "not run", "when")]
    return [*rows, (two_item, (
        f"{two['interviews']} interviews: {two['answers_lost']} answers lost, "
        f"{two['turns_duplicated']} turns duplicated, {two['own_session_only']} of "
        f"{two['interviews']} heard only their own interview; median {two['median_s']} s; "
        f"rooms per node {two.get('rooms_per_node', '-')}"
    ), "when")]  # fmt: skip


def _injection(d: dict[str, Any] | None) -> str:
    if d is None:
        return "not run"
    s = d["summary"]
    text = (
        f"{s['lines']} lines, {s['cases']} cases: {s['spoken_with_secret_text']} replies spoken "
        f"with rubric or prompt text; {s['score_changes']} score changes "
        f"({s['score_changes_with_the_answer_heard_alike']} with the answer heard alike"
    )
    if "score_changes_by_the_lines_words" in s:  # (older results have none)
        text += (f"; moved by the line's words as heard {s['score_changes_by_the_lines_words']}, "
                 f"by the recogniser's words for the answer "
                 f"{s['score_changes_by_the_answers_words']}, by both "
                 f"{s['score_changes_by_both']}, with no part of the answer found "
                 f"{s['score_changes_with_no_answer_part']}")  # fmt: skip
    text += ")"
    kinds = s.get("by_kind") or {}  # (results from before 5 Dec have none)
    names = {"english": "English lines", "own-voice": "other languages said in them",
             "english-voice": "other languages read by the English voice"}  # fmt: skip
    if kinds:
        text += "; score changes by kind: " + ", ".join(
            f"{names[kind]} {k['score_changes']} of {k['cases']}" for kind, k in kinds.items()
        )
    return text


def _when(d: dict[str, Any] | None, *keys: str) -> str:
    if d is None:
        return "-"
    for key in keys:
        value = d.get(key) or (d.get("summary") or {}).get(key)  # type: ignore[union-attr]
        if isinstance(value, str):
            return value
    return "-"


def glance() -> str:
    """The section's body: one Markdown row per headline figure, with its source and date."""
    crash, room, faults = _load("reliability"), _load("room_crash"), _load("faults")
    room_faults = _load("room_faults")
    load, injection = _load("load"), _load("spoken_injection")
    rows: list[tuple[str, str, str, str]] = [
        ("1. crash and resume, headless", _crash(crash), "reliability.json",
         _when(crash, "taken")),
        ("1. crash and resume, in a room", _room_crash(room), "room_crash.json",
         _when(room, "taken")),
        *((what, fig, "faults.json", when) for what, fig, when in _faults(faults)),
        ("2. faults in a room, and recovery", _room_faults(room_faults), "room_faults.json",
         _when(room_faults, "when")),
        *((what, fig, "load.json", _when(load, key, "when"))
          for what, fig, key in _load_rows(load)),
        ("4. spoken prompt injection", _injection(injection), "spoken_injection.json",
         _when(injection, "taken_at")),
    ]  # fmt: skip
    lines = [
        "Written by `python -m bench.reliability_summary` from each bench's own results (the "
        "numbers are the issue's items). Hostile role scripts, audio and video, and the web "
        "security checks, are tests, not benches: `tests/unit/test_role_encodings.py`, "
        "`tests/unit/test_recorded_answers.py`, `tests/integration/test_face.py`, "
        "`tests/integration/test_dashboard.py` (sign-in limits, behind a proxy too; headers), "
        "`tests/integration/test_route_access.py` (every route with an id: IDOR and path "
        "traversal; every change: CSRF), `tests/integration/test_llm_sharing.py` (commands "
        "sharing the LLM server) and their neighbours.",
        "",
        "| item | figure | from | taken |",
        "|---|---|---|---|",
        *(f"| {what} | {fig} | `{src}` | {when} |" for what, fig, src, when in rows),
    ]
    return "\n".join(lines)


def main() -> None:
    """Write the section into ``bench/results/reliability.md`` and print it."""
    body = glance()
    write_section(RESULTS / "reliability.md", HEADING, body)
    print(f"{HEADING}\n\n{body}")


if __name__ == "__main__":
    main()
