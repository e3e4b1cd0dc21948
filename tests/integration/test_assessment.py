"""Scores with evidence, reports in three formats, review, and data rights, on both databases."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from recruiter_llm.client import LLMEndpoint, OpenAIChatClient
from reports.assessment import judge_if_trusted, score_session, second_opinion
from reports.browser import screenshot
from reports.calibration import agreement
from reports.data_rights import delete_candidate, expire_audio, export_candidate
from reports.files import write_reports
from reports.progress import calibration_pairs, progress
from rubrics.second_opinion import (
    SECOND_OPINION_MAX_TOKENS,
    SECOND_OPINION_SCHEMA,
    JudgeValidity,
    judge_validity,
    record_judge_validity,
)
from storage import AssessmentRepository, InterviewSession, NewScore, SessionRepository
from tests.conftest import run
from tests.fakes.chat import FakeChat
from tests.judge_replies import RUNS_ON, bounded_reply
from tests.stored_interview import store_interview


def _automatic(db: sessionmaker[Session], session_id: str) -> list[tuple[object, ...]]:
    with db() as s:
        repo = AssessmentRepository(s)
        scores = [
            (x.scope, x.target, x.value, x.rationale)
            for x in repo.scores(session_id, source="deterministic")
        ]
        quotes = [
            (e.quote, e.start_s, e.end_s, turn, e.signal) for e, turn in repo.evidence(session_id)
        ]
    return scores + quotes


def test_scores_cite_verbatim_timed_words_and_a_rerun_is_identical(
    db: sessionmaker[Session],
) -> None:
    session_id, _ = store_interview(db)
    with db() as s:
        sheet = score_session(s, session_id)
        s.commit()
    first = _automatic(db, session_id)
    with db() as s:
        score_session(s, session_id)
        s.commit()
    assert _automatic(db, session_id) == first  # replaced, not added to, and identical
    assert sheet.competencies["customer-empathy"] > sheet.competencies["prioritisation"]
    with db() as s:
        turns = {t.index: t for t in SessionRepository(s).turns(session_id)}
        evidence = AssessmentRepository(s).evidence(session_id)
    assert evidence
    for e, index in evidence:
        turn = turns[index]
        assert turn.speaker == "candidate" and e.quote in turn.text
        assert turn.start_s <= e.start_s < e.end_s <= turn.end_s + 0.01
    assert any(e.stance == "contradicts" for e, _ in evidence)  # "first come first served"


def test_report_in_three_formats(db: sessionmaker[Session], tmp_path: Path) -> None:
    session_id, _ = store_interview(db)
    with db() as s:
        written = write_reports(s, session_id, tmp_path)
        s.commit()
    report = json.loads(written["json"].read_text())
    assert {
        "session_id",
        "overall",
        "competencies",
        "questions",
        "delivery",
        "summary",
        "practice_plan",
    } <= report.keys()
    transcript = {t["turn"]: t["text"] for t in report["transcript"]}
    for c in report["competencies"]:
        assert {"id", "score", "source", "evidence"} <= c.keys()
        for e in c["evidence"]:
            assert {"quote", "start_s", "end_s", "turn"} <= e.keys()
            assert e["quote"] in transcript[e["turn"]]
    assert [q["id"] for q in report["questions"]] == [
        "motivation",
        "frustrated-customer",
        "two-urgent-requests",
    ]
    assert 1 <= len(report["summary"]["improvements"]) <= 3
    assert all(i["at"] for i in report["summary"]["improvements"])
    assert len(report["practice_plan"]) == len(report["summary"]["improvements"])
    html = written["html"].read_text()
    assert not re.search(r"""(src|href)=["']?https?:""", html)  # self-contained
    assert "data:image/png;base64," in html and report["summary"]["went_well"][0]["quote"] in html
    assert written["pdf"].read_bytes().startswith(b"%PDF")
    with db() as s:
        rows = s.execute(text("SELECT format FROM reports ORDER BY id")).scalars().all()
    assert rows == ["json", "html", "pdf"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_html_renders_in_chromium(db: sessionmaker[Session], tmp_path: Path) -> None:
    session_id, _ = store_interview(db)
    with db() as s:
        written = write_reports(s, session_id, tmp_path, ("html",))
    shot = tmp_path / "shot.png"
    screenshot(written["html"], shot, width=1000, height=1600)
    pixels = np.asarray(Image.open(shot).convert("L"), dtype=np.float64)
    assert pixels.shape == (1600, 1000)
    # Text and a chart on a white page: many dark pixels, not a blank or an error page.
    assert 0.02 < float((pixels < 128).mean()) < 0.5


def test_a_recruiters_review_sits_beside_the_scores(db: sessionmaker[Session]) -> None:
    session_id, _ = store_interview(db)
    with db() as s:
        score_session(s, session_id)
        s.commit()
    before = _automatic(db, session_id)
    with db() as s:
        repo = AssessmentRepository(s)
        repo.add_human_score(
            session_id,
            NewScore("competency", "prioritisation", 4.0, "human", "rita", recruiter_id="rita"),
        )
        repo.add_note(session_id, "rita", "Good instincts; needs structure.")
        s.commit()
        pairs = calibration_pairs(s)
    assert _automatic(db, session_id) == before  # the scorer's rows are untouched
    assert len(pairs) == 1 and pairs[0][1] == 4.0
    assert agreement(pairs).mean_absolute_difference == pytest.approx(abs(pairs[0][0] - 4.0))


def test_export_then_delete_leaves_nothing(db: sessionmaker[Session], tmp_path: Path) -> None:
    session_id, candidate_id = store_interview(db)
    assert candidate_id is not None
    other_session, _ = store_interview(db, candidate=False)  # someone else's stays
    sessions_dir = tmp_path / "sessions"
    audio = sessions_dir / session_id / "conversation.wav"
    audio.parent.mkdir(parents=True)
    audio.write_bytes(b"RIFF fake audio")
    with db() as s:
        s.get_one(InterviewSession, session_id).audio_path = str(audio)
        write_reports(s, session_id, audio.parent, ("json", "html"))
        s.commit()
        data_file = export_candidate(s, candidate_id, sessions_dir, tmp_path / "export")
        assert progress(s, candidate_id)["sessions"][0]["overall"] is not None
    data = json.loads(data_file.read_text())
    assert data["candidate"]["display_name"] == "Test Person"
    assert data["sessions"][0]["turns"] and data["sessions"][0]["evidence"]
    assert (tmp_path / "export" / "sessions" / session_id / "conversation.wav").is_file()
    elsewhere = tmp_path / "elsewhere"
    with db() as s:
        write_reports(s, session_id, elsewhere, ("json",))  # a report written outside
        s.commit()
        delete_candidate(s, candidate_id, sessions_dir)
        s.commit()
    assert not (sessions_dir / session_id).exists()
    assert not (elsewhere / "report.json").exists()
    with db() as s:
        for table in inspect(s.get_bind()).get_table_names():
            columns = {c["name"] for c in inspect(s.get_bind()).get_columns(table)}
            for column in ("session_id", "candidate_id", "id"):
                if column in columns:
                    found = s.execute(
                        text(
                            f"SELECT COUNT(*) FROM {table} WHERE CAST({column} AS TEXT) IN (:a, :b)"
                        ),
                        {"a": session_id, "b": candidate_id},
                    ).scalar()
                    assert found == 0, f"{table}.{column} still holds the candidate's data"
        assert SessionRepository(s).turns(other_session)  # the other session is untouched


def test_old_audio_expires(db: sessionmaker[Session], tmp_path: Path) -> None:
    session_id, _ = store_interview(db)
    audio = tmp_path / "conversation.wav"
    audio.write_bytes(b"RIFF")
    with db() as s:
        record = s.get_one(InterviewSession, session_id)
        record.audio_path = str(audio)
        s.commit()
        assert expire_audio(s, days=30) == []  # recent audio stays
        later = record.started_at.replace(year=record.started_at.year + 1)
        assert expire_audio(s, days=30, now=later) == [str(audio)]
        s.commit()
        assert not audio.exists()
        assert s.scalars(select(InterviewSession.audio_path)).all() == [None]
        assert SessionRepository(s).turns(session_id)  # transcripts are kept


def _judge_replies(
    replies: dict[str, dict[str, object]],
) -> Callable[[Sequence[dict[str, str]]], str]:
    """Canned JSON per competency: the one whose name the judge's prompt carries."""

    def reply(messages: Sequence[dict[str, str]]) -> str:
        system = messages[0]["content"]
        return json.dumps(replies[next(n for n in replies if n in system)])

    return reply


def test_the_llm_judge_is_checked_before_it_is_believed(db: sessionmaker[Session]) -> None:
    session_id, _ = store_interview(db)
    chat = FakeChat(
        json_replies=_judge_replies(
            {
                # Verbatim quote, agrees with the rules: kept, no review.
                "Handling upset customers": {
                    "score": 5,
                    "rationale": "Concrete story.",
                    "quotes": ["I called him the same day, apologised"],
                },
                # Invented quote and an out-of-scale score: clamped, quote rejected, flagged.
                "Prioritising under pressure": {
                    "score": 9,
                    "rationale": "Great.",
                    "quotes": ["I always weigh the impact on customers"],
                },
                "Motivation for support work": {
                    "score": "not a number",
                    "quotes": [],
                    "rationale": "",
                },
            }
        )
    )
    with db() as s:
        score_session(s, session_id)
        results = run(second_opinion(s, session_id, chat))
        s.commit()
        llm = {x.target: x for x in AssessmentRepository(s).scores(session_id, source="llm")}
        quotes = [
            e.quote for e, _ in AssessmentRepository(s).evidence(session_id) if e.source == "llm"
        ]
        rules = {
            x.target: x.value
            for x in AssessmentRepository(s).scores(session_id)
            if x.source == "deterministic" and x.scope == "competency"
        }
    assert len(results) == 3
    assert llm["customer-empathy"].value == 5 and not llm["customer-empathy"].needs_review
    assert llm["prioritisation"].value == 5 and llm["prioritisation"].needs_review
    assert "clamped" in (llm["prioritisation"].rationale or "")
    assert "motivation" not in llm  # invalid JSON: no score stored
    assert quotes == ["I called him the same day, apologised"]
    # The rules' scores are untouched by the judge, and a rerun of the rules keeps the judge's.
    with db() as s:
        score_session(s, session_id)
        s.commit()
        assert len(AssessmentRepository(s).scores(session_id, source="llm")) == 2
    assert rules["prioritisation"] < 5


@pytest.mark.models
@pytest.mark.llm
def test_the_embedded_servers_judge_reply_stays_within_the_schemas_bounds(
    llm_endpoint: LLMEndpoint,
) -> None:
    async def ask() -> str:
        chat = OpenAIChatClient(llm_endpoint, timeout_s=300)
        try:
            return await chat.complete_json(
                RUNS_ON, SECOND_OPINION_SCHEMA, max_tokens=SECOND_OPINION_MAX_TOKENS
            )
        finally:
            await chat.aclose()

    bounded_reply(run(ask()))


def test_the_judge_runs_after_an_interview_only_for_a_model_the_validity_set_trusts(
    db: sessionmaker[Session], tmp_path: Path
) -> None:
    session_id, _ = store_interview(db)
    asked: list[object] = []

    def reply(messages: Sequence[dict[str, str]]) -> str:
        asked.append(messages)
        return json.dumps({"score": 3, "rationale": "ok", "quotes": []})

    chat = FakeChat(json_replies=reply)  # model "scripted"
    table = tmp_path / "judge_validity.yaml"
    # Never measured: not run.
    assert run(judge_if_trusted(db, session_id, chat, table=table)) is None
    # Measured below the bar on the holdout: not run.
    record_judge_validity(JudgeValidity("scripted", 0.95, 0.6, "2026-12-01"), table)
    assert judge_validity("scripted", table).describe().endswith("(below 90%)")
    assert run(judge_if_trusted(db, session_id, chat, table=table)) is None
    assert asked == []
    # At the bar on both sets: run, and its scores stored beside the rules'.
    record_judge_validity(JudgeValidity("scripted", 0.92, 0.9, "2026-12-01"), table)
    results = run(judge_if_trusted(db, session_id, chat, table=table))
    assert results is not None and len(results) == 3 and len(asked) == 3
    with db() as s:
        assert len(AssessmentRepository(s).scores(session_id, source="llm")) == 3
    # Other models' entries are kept when one is recorded.
    record_judge_validity(JudgeValidity("other", 0.5, 0.5, "2026-12-01"), table)
    assert judge_validity("scripted", table).trusted
