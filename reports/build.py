"""The interview report as data: scores with the quotes behind them, delivery, summary, plan.

Everything here is read from storage and derived deterministically, so the same session gives
the same report. The HTML and PDF render exactly this data.
"""

from __future__ import annotations

import logging
import statistics
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from reports.coding import coding_section
from reports.consistency import report_contradictions
from reports.session_view import SessionView, load_session, stored_words
from reports.transcript import unsure_words
from storage import Turn
from storage.assessment_repository import AssessmentRepository
from storage.people import Candidate

__all__ = [
    "ASKED_NOT_ANSWERED",
    "ASSESSED",
    "NOT_ASKED",
    "NOT_ENOUGH",
    "build_report",
    "clock",
    "session_delivery",
]

# A competency's standing in one report.
ASSESSED = "assessed"
NOT_ENOUGH = "not enough evidence"
ASKED_NOT_ANSWERED = "asked, not answered"
NOT_ASKED = "not asked"

logger = logging.getLogger("recruiter.reports")
_PRACTICE = Path(__file__).with_name("practice.yaml")
# The evidence that best shows what went well, strongest first; rubric signals rank third.
_STRENGTH = ("measurable result", "gives the result", "signal", "says what they did")
# What the first improvement says when part of an answer was not read, and why.
_NOT_READ = {
    "another language": "part of the answer was in another language, so it was not scored; "
    "answer in English.",
    "not made out": "some of the answer could not be made out in the transcription, so it was "
    "not scored; speak clearly, close to the microphone, somewhere quiet.",
}
_CUE_TEXT = {
    "pace-fast": "Slow down: the pace was above 160 words per minute",
    "pace-slow": "Speak a little more briskly: the pace was below 120 words per minute",
    "fillers": "Fewer fillers: more than 1.3 per 100 words",
    "looking-away": "Look at the camera: looking away more than a third of the answer",
    "quiet": "Speak up: the voice was very quiet",
}


@lru_cache(maxsize=1)
def _practice() -> dict[str, dict[str, str]]:
    practice: dict[str, dict[str, str]] = yaml.safe_load(_PRACTICE.read_text(encoding="utf-8"))
    return practice


def clock(seconds: float) -> str:
    """``mm:ss`` from the start of the session."""
    minutes, secs = divmod(max(0.0, seconds), 60)
    return f"{int(minutes):02d}:{int(secs):02d}"


def _competency_status(score: float | None, quoted: bool, asked: bool) -> str:
    if score is not None:
        return ASSESSED if quoted else NOT_ENOUGH
    return ASKED_NOT_ANSWERED if asked else NOT_ASKED


def _scores(
    view: SessionView, assessments: AssessmentRepository, coded: set[str]
) -> dict[str, Any]:
    """The scores part of the report; ``coded``: coding questions whose code was submitted
    (their first competency is scored from the code, which stands as its evidence)."""
    sid = view.record.id
    auto = assessments.scores(sid, source="deterministic")
    human = assessments.scores(sid, source="human")
    llm = {s.target: s for s in assessments.scores(sid, source="llm") if s.scope == "competency"}
    evidence = assessments.evidence(sid)
    answered = view.answered | coded
    asked = view.asked | answered  # an answer implies its question was asked
    from_code = {q.competencies[0] for q in view.role.questions if q.id in coded}
    competencies = []
    for c in view.role.competencies:
        score = next((s for s in auto if s.scope == "competency" and s.target == c.id), None)
        mine = [s for s in human if s.scope == "competency" and s.target == c.id]
        measured_by = {q.id for q in view.role.questions if c.id in q.competencies}
        quotes = [
            {
                "quote": e.quote,
                "start_s": round(e.start_s, 2),
                "end_s": round(e.end_s, 2),
                "turn": turn,
                "stance": e.stance,
                "signal": e.signal,
                "question_id": e.question_id,
                # Said answering a question that does not measure this competency.
                "in_passing": e.question_id not in measured_by,
            }
            for e, turn in evidence
            if e.competency_id == c.id
        ]
        # Quotes for or against: either way the person's words place them on the rubric.
        quoted = bool(quotes) or c.id in from_code  # the code submitted is theirs too
        status = _competency_status(
            score.value if score else None, quoted, bool(measured_by & asked)
        )
        competencies.append(
            {
                "id": c.id,
                "name": c.name,
                "score": score.value if score else None,
                "status": status,
                "source": "deterministic" if score else None,
                "human_score": mine[-1].value if mine else None,
                "llm_score": llm[c.id].value if c.id in llm else None,
                # The judge's opinion is far off, or a clause was not read (another language,
                # or not made out).
                "needs_review": (llm[c.id].needs_review if c.id in llm else False)
                or bool(score and score.needs_review),
                # The anchor describes the person only when their words are quoted for it.
                "anchor": c.rubric.get(round(score.value)) if score and quoted else None,
                "evidence": quotes,
            }
        )
    questions = []
    for q in view.role.questions:
        parts = [s for s in auto if s.scope == "answer" and (s.target or "").startswith(f"{q.id}/")]
        if not parts and q.id not in asked:
            continue
        questions.append(
            {
                "id": q.id,
                "text": q.text,
                "status": "answered" if q.id in answered else ASKED_NOT_ANSWERED,
                "rating": round(statistics.mean(s.value for s in parts), 2) if parts else None,
                "rationale": [s.rationale for s in parts],
            }
        )
    overall = next((s.value for s in auto if s.scope == "overall"), None)
    human_overall = [s.value for s in human if s.scope == "overall"]
    assessed = [c for c in competencies if c["score"] is not None]
    # A competency is covered when one of its own questions was answered; one shown only in
    # passing is scored but the interview did not cover it.
    covered = {c for q in view.role.questions if q.id in view.answered for c in q.competencies}
    covered |= from_code
    coverage = {
        "questions_asked": len(asked | answered),
        "questions_answered": len(answered),
        "competencies_scored": len(assessed),
        "competencies_covered": len(covered),
        "competencies": len(competencies),
        "partial": len(covered) < len(competencies),
    }
    return {
        "overall": overall,
        "overall_note": (
            f"Partial interview: the questions of {len(covered)} of {len(competencies)} "
            "competencies were answered, so there is no overall score."
            if coverage["partial"]
            else None
        ),
        "human_overall": human_overall[-1] if human_overall else None,
        "scorer": auto[0].scorer if auto else None,
        "coverage": coverage,
        "competencies": competencies,
        "questions": questions,
    }


def session_delivery(answers: list[dict[str, Any]]) -> dict[str, Any]:
    """A session's pace, fillers and long pauses from its answers' stored speech figures.

    ``answers`` are stored speech measurements (``words``, ``words_per_minute``,
    ``fillers_per_100_words``, ``pauses_over_2s``). Pace is words over speaking minutes of the
    timed answers (words per minute), fillers per 100 words of the whole session, pauses the
    session's total: the report and the progress chart both show these numbers.
    """
    timed = [a for a in answers if a.get("words_per_minute")]
    words = sum(a["words"] for a in answers)
    minutes = sum(a["words"] / a["words_per_minute"] for a in timed)
    fillers = sum((a.get("fillers_per_100_words") or 0) * a["words"] / 100 for a in answers)
    return {
        "words_per_minute": round(sum(a["words"] for a in timed) / minutes, 1) if minutes else None,
        "fillers_per_100_words": round(100 * fillers / words, 2) if words else None,
        "pauses_over_2s": sum(a.get("pauses_over_2s") or 0 for a in answers),
    }


NO_CAMERA = "not measured: no camera video in this interview (a phone call, or the camera off)"


def _delivery(view: SessionView) -> dict[str, Any]:
    per_answer = []
    for turn in view.turns:
        m = view.measurements.get(turn.index)
        if turn.speaker != "candidate" or m is None:
            continue
        speech, face, voice = m["speech"], m.get("face") or {}, m.get("voice") or {}
        per_answer.append(
            {
                "turn": turn.index,
                "question_id": turn.question_id,
                "start_s": turn.start_s,
                "words": speech["words"],
                "words_per_minute": speech["words_per_minute"],
                "fillers_per_100_words": speech["fillers_per_100_words"],
                "pauses_over_2s": speech["pauses_over_2s"],
                "response_latency_s": speech["response_latency_s"],
                "pitch_variation_st": (voice.get("pitch_variation_st") or {}).get("value"),
                "looking_at_screen": (face.get("looking_at_screen_share") or {}).get("value"),
                "cues": [c["kind"] for c in m["cues"]],
                "flags": m["flags"],
            }
        )
    # Tips the recruiter spoke, each with the candidate turn it followed and every answer to
    # that turn's question so far (a follow-up's answer adds to the first's cues). A tip in a
    # reply the candidate cut off by going on was judged on part of the answer, and may not
    # have been heard (a headless reply stores all its text): marked, the stored figure is the
    # whole's.
    spoken_tips = []
    last_answer: Turn | None = None
    answered: list[Turn] = []
    for turn in view.turns:
        if turn.speaker == "candidate":
            last_answer = turn
            answered.append(turn)
            continue
        for e in turn.events or []:
            if e.get("type") == "coaching-cue":
                spoken_tips.append(
                    {"turn": turn.index, "after_turn": last_answer.index if last_answer else None,
                     "answer_turns": _answers_to(last_answer, answered),
                     "kind": e.get("reason"), "figure": e.get("figure"),
                     "cut_off": turn.interrupted}
                )  # fmt: skip
    looking = [a["looking_at_screen"] for a in per_answer if a["looking_at_screen"] is not None]
    # No video at all, or video in which the gates refused every answer (their stored reason).
    reasons = [
        (m.get("face") or {}).get("looking_at_screen_share", {}).get("reason")
        for m in (view.measurements.get(a["turn"]) or {} for a in per_answer)
        if m.get("face")
    ]
    no_look = next((r for r in reasons if r), "not measured") if reasons else NO_CAMERA
    return {
        "answers": per_answer,
        "spoken_tips": spoken_tips,
        **session_delivery(per_answer),
        "looking_at_screen": round(statistics.median(looking), 2) if looking else None,
        # What could not be measured, and why: never shown as a zero (a phone call has no camera).
        "not_measured": {} if looking or not per_answer else {"looking_at_screen": no_look},
        "target_bands": {
            "words_per_minute": [120, 160],
            "fillers_per_100_words": [0, 1.3],
            "looking_at_screen": [0.67, 1.0],
        },
        "note": "Observable behaviour only; no emotion or personality labels; not part of scores.",
    }


def _summary(scores: dict[str, Any], delivery: dict[str, Any], view: SessionView) -> dict[str, Any]:
    """What went well and the three most useful improvements, each tied to a moment."""
    starts = {t.index: t.start_s for t in view.turns}
    went_well = []
    for c in sorted(scores["competencies"], key=lambda c: -(c["score"] or 0)):
        support = sorted(
            (e for e in c["evidence"] if e["stance"] == "supports"),
            key=lambda e: _STRENGTH.index(e["signal"]) if e["signal"] in _STRENGTH else 3,
        )
        if c["score"] and c["score"] >= 3 and support:
            e = support[0]
            went_well.append(
                {
                    "text": f"{c['name']}: {e['signal']}",
                    "turn": e["turn"],
                    "at": clock(e["start_s"]),
                    "quote": e["quote"],
                }
            )
    improvements: list[dict[str, Any]] = []
    for c in scores["competencies"]:
        for e in c["evidence"]:
            if e["stance"] == "contradicts" and not any(
                i["key"] == e["signal"] for i in improvements
            ):
                improvements.append(
                    {
                        "key": e["signal"],
                        "turn": e["turn"],
                        "at": clock(e["start_s"]),
                        "text": f'{c["name"]}: "{e["quote"]}" counts against you ({e["signal"]}).',
                        "practice": f"Rework this answer so it shows {c['name'].lower()} instead.",
                    }
                )
    gaps = _practice()["gaps"]
    rated = [q for q in scores["questions"] if q["rating"] is not None]
    # Words left out of the scoring (another language, or not made out) first: saying them so
    # that they can be read is what earns them a place in it.
    for key, said in (
        ("another language", "Not read: speech in another language ("),
        ("not made out", "sentence(s) the recogniser could not make out"),
    ):
        for q in [q for q in rated if said in " ".join(q["rationale"])][:1]:
            turns = [t for t in view.turns if t.question_id == q["id"] and t.speaker == "candidate"]
            if turns and any(i["turn"] == turns[0].index for i in improvements):
                continue  # one improvement per answer
            improvements.insert(0, {
                "key": f"not read: {key}",
                "text": f'In "{q["text"]}": {_NOT_READ[key]}',
                "turn": turns[0].index if turns else None,
                "at": clock(turns[0].start_s) if turns else None,
                "practice": gaps[f"not read: {key}"],
            })  # fmt: skip
    for q in sorted(rated, key=lambda q: q["rating"]):
        turn = next(
            (t for t in view.turns if t.speaker == "candidate" and t.question_id == q["id"]), None
        )
        if turn is not None and any(i["turn"] == turn.index for i in improvements):
            continue  # one improvement per answer: the most important of its gaps
        for rationale in q["rationale"][:1]:
            # "Missing: a, b." ends at its full stop ("Not read: ..." may follow).
            missing = (
                rationale.split("Missing: ", 1)[1].split(".", 1)[0]
                if "Missing: " in rationale
                else ""
            )
            for gap in [g.strip() for g in missing.split(",") if g.strip()][:1]:
                if gap in gaps and not any(i["key"] == gap for i in improvements):
                    improvements.append(
                        {
                            "key": gap,
                            "text": f'In "{q["text"]}": add what was missing ({gap}).',
                            "turn": turn.index if turn else None,
                            "at": clock(turn.start_s) if turn else None,
                            "practice": gaps[gap],
                        }
                    )
    cues = _practice()["cues"]
    for a in delivery["answers"]:
        for kind in a["cues"]:
            if kind in cues and not any(i["key"] == kind for i in improvements):
                improvements.append(
                    {
                        "key": kind,
                        "text": f"{_CUE_TEXT.get(kind, kind)}.",
                        "turn": a["turn"],
                        "at": clock(starts.get(a["turn"], 0.0)),
                        "practice": cues[kind],
                    }
                )
    # Content gaps first (they move scores), then delivery; three at most.
    top = improvements[:3]
    return {"went_well": went_well[:3], "improvements": top}


def _answers_to(answer: Turn | None, answered: list[Turn]) -> list[int]:
    """The indices of the candidate turns in ``answered`` that answer ``answer``'s question
    (the first answer and a follow-up's, stored with the question's id whether or not a reply
    between them was cut off); ``answer`` alone where it has no question, none without it."""
    if answer is None:
        return []
    if answer.question_id is None:
        return [answer.index]
    return [t.index for t in answered if t.question_id == answer.question_id]


def _other_language(view: SessionView, turn: Turn) -> list[dict[str, str]]:
    """The stretches of ``turn`` heard in another language and left out of what was read:
    ``[{"language", "words"}]``."""
    if turn.speaker != "candidate":
        return []
    scored = view.candidate_turn(turn)
    return [{"language": o.label, "words": o.words_in(scored.words)} for o in scored.left_out]


def _utc(moment: datetime) -> str:
    # SQLite gives back naive datetimes for timezone-aware columns; every time stored is UTC.
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def _candidate_name(db: Session, candidate_id: str | None) -> str | None:
    person = db.get(Candidate, candidate_id) if candidate_id else None
    return person.display_name if person is not None else None


def build_report(db: Session, session_id: str) -> dict[str, Any]:
    """The report of a scored session (run :func:`reports.assessment.score_session` first).

    Raises:
        ReportError: unknown session or role version.
    """
    view = load_session(db, session_id)
    assessments = AssessmentRepository(db)
    coding = coding_section(db, view.record, view.role)
    scores = _scores(view, assessments, {q["question_id"] for q in coding if q["submits"]})
    delivery = _delivery(view)
    summary = _summary(scores, delivery, view)
    record = view.record
    names = {c.id: c.name for c in view.role.competencies}
    report = {
        "session_id": record.id,
        "role": {"id": view.role.id, "version": view.role.version, "title": view.role.title},
        "candidate_id": record.candidate_id,
        # Printed on the report the candidate gets (None: an anonymous practice session).
        "candidate_name": _candidate_name(db, record.candidate_id),
        "mode": record.mode or view.role.mode,
        "started_at": record.started_at.isoformat(),
        "status": record.status,
        "scale": [1, 5],
        **scores,
        "delivery": delivery,
        "summary": summary,
        "practice_plan": [
            {"focus": i["text"], "exercise": i["practice"], "moment": i["at"]}
            for i in summary["improvements"]
        ],
        "transcript": [
            {
                "turn": t.index,
                "speaker": t.speaker,
                "start_s": t.start_s,
                "end_s": t.end_s,
                "text": t.text,
                # Words the recogniser was unsure of (probability under 0.4), to be marked.
                "unsure": unsure_words(stored_words(t.words)),
                # Clauses heard in another language: not read as evidence.
                "other_language": _other_language(view, t),
                # Sentences the recogniser did not make out: not read as evidence either.
                "not_made_out": (
                    view.candidate_turn(t).not_made_out if t.speaker == "candidate" else []
                ),
            }
            for t in view.turns
        ],
        "review": {
            "notes": [
                {"recruiter": n.recruiter_id, "text": n.text, "at": _utc(n.created_at)}
                for n in assessments.notes(record.id)
            ],
            "human_scores": [
                {
                    "scope": s.scope,
                    "target": s.target,
                    # What a reader calls it: the competency's name, or "Overall".
                    "label": names.get(s.target or "", s.target)
                    if s.scope == "competency"
                    else "Overall",
                    "value": s.value,
                    "recruiter": s.recruiter_id,
                    "rationale": s.rationale,
                    "at": _utc(s.created_at),
                }
                for s in assessments.scores(record.id, source="human")
            ],
        },
    }
    report["coding"] = coding
    report["contradictions"] = report_contradictions(report)
    if report["contradictions"]:
        # The messages name places (ids, turn numbers), never the candidate's words.
        logger.warning(
            "report of session %s contradicts itself: %s",
            record.id,
            "; ".join(report["contradictions"]),
        )
    return report
