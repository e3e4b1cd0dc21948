"""Coaching sessions kept for an interviewer's trends, on SQLite and PostgreSQL, and deleted on
request; ``recruiter coach trends`` and ``coach delete`` over them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from recruiter_coaching.practice import calibration
from recruiter_coaching.session import CoachedSession, RoleTopics, typed_utterances
from recruiter_coaching.trends import points, trend_chart_png, trend_lines
from rubrics import load_role
from storage import CoachingRepository, CoachingSession

TOPICS = RoleTopics.of(load_role("demo"))


def _session(
    interviewer: str, questions: list[str], given: dict[str, int] | None = None
) -> CoachingSession:
    exchanges = [(q, "We sorted it out in the end, it was fine.") for q in questions]
    calib = (
        calibration(given, {"motivation": 3, "customer-empathy": 3, "prioritisation": 3})
        if given
        else None
    )
    report = TOPICS.coach(typed_utterances(exchanges))
    session = CoachedSession(interviewer, "practice", "Practice", report, role_id="demo",
                             persona="average", calibration=calib,
                             competency_names=TOPICS.competency_names)  # fmt: skip
    return session.row()


LEADING = ["You're a people person, right?", "You stayed calm, didn't you?"]
OPEN = ["Tell me about a time you helped a frustrated customer.", "What did you do yourself?",
        "Why do you want to work in customer support?",
        "How would you prioritise two urgent requests?"]  # fmt: skip


def test_sessions_are_kept_in_order_read_as_trends_and_deleted(db: sessionmaker[Session]) -> None:
    with db.begin() as s:
        repo = CoachingRepository(s)
        first = repo.add(_session("rita", LEADING, {"motivation": 5, "customer-empathy": 5,
                                                    "prioritisation": 4})).id  # fmt: skip
        repo.add(_session("rita", OPEN, {"motivation": 3, "customer-empathy": 4,
                                         "prioritisation": 3}))  # fmt: skip
        repo.add(_session("sam", OPEN))
    with db() as s:
        rows = CoachingRepository(s).recent("rita")
    assert rows[0].id == first and len(rows) == 2
    assert rows[0].leading == 2 and rows[1].leading == 0
    assert rows[0].report["calibration"]["bias"] > rows[1].report["calibration"]["bias"]
    assert "## Summary (90 seconds)" in rows[0].report_markdown
    series = points(rows)
    assert [p.leading_per_10 for p in series] == [10.0, 0.0]
    assert series[1].coverage == 1.0 and series[0].calibration is not None
    lines = trend_lines(series)
    assert "Leading questions per 10: 10.00 -> 0.00 over 2 sessions" in lines
    assert trend_chart_png(series)[:8] == b"\x89PNG\r\n\x1a\n"
    with db.begin() as s:
        repo = CoachingRepository(s)
        assert repo.delete(first) is not None and repo.delete(first) is None
        assert len(repo.delete_for("rita")) == 1
    with db() as s:
        assert CoachingRepository(s).recent("rita") == []
        assert len(CoachingRepository(s).recent("sam")) == 1


def _coach(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "recruiter_cli.main", *args], input=stdin,
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "RECRUITER_HOME": str(home), "COLUMNS": "160"},
    )  # fmt: skip


def test_trends_and_delete_from_the_command_line(home: Path, tmp_path: Path) -> None:
    out = _coach(home, "coach", "trends", "--interviewer", "rita")
    assert out.returncode == 1 and "No coaching sessions for rita" in out.stdout
    for questions in (LEADING, OPEN):
        done = _coach(home, "practice-interviewer", "--interviewer", "rita", "--out",
                      str(tmp_path / "r"), stdin="\n".join(questions) + "\n")  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Kept as coaching session" in done.stdout
    chart = tmp_path / "trends.png"
    out = _coach(home, "coach", "trends", "--interviewer", "rita", "--chart", str(chart))
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Leading questions per 10: 10.00 -> 0.00 over 2 sessions" in out.stdout
    assert chart.read_bytes()[:4] == b"\x89PNG"
    out = _coach(home, "coach", "delete")
    assert out.returncode == 2
    out = _coach(home, "coach", "delete", "--interviewer", "rita")
    assert out.returncode == 0 and "Deleted 2 coaching sessions of rita" in out.stdout
    assert list((tmp_path / "r").iterdir()) == []  # the report files went with them
