"""The coding round's record (snapshots, runs, signals) on SQLite and PostgreSQL: read back in
order, in the candidate's data export, and deleted with the candidate."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from reports.coding import coding_section
from rubrics import load_role
from storage import CandidateRepository, CodeEvent, CodeEventRepository, SessionRepository
from tests.conftest import FIXTURES


def test_code_events_are_kept_in_order_exported_and_deleted_with_the_candidate(
    db: sessionmaker[Session],
) -> None:
    with db() as s:
        candidate = CandidateRepository(s).create("Coder").id
        record = SessionRepository(s).create(
            role_id="coding-round", role_version="1", persona=None, channel="iv-code",
            llm_model=None, stt_model=None,
        )  # fmt: skip
        record.candidate_id = candidate
        events = CodeEventRepository(s)
        common = {"question_id": "pair-with-sum", "problem_id": "pair-with-sum"}
        events.add(record.id, **common, at_s=75.5, kind="run", language="python",
                   code="def f(): pass", detail={"passed": 1, "total": 2})  # fmt: skip
        events.add(record.id, **common, at_s=12.25, kind="snapshot", language="python",
                   code="def f():")  # fmt: skip
        events.add(record.id, **common, at_s=40.0, kind="signal",
                   detail={"signal": "paste", "chars": 420})  # fmt: skip
        s.commit()
        session_id = record.id
    with db() as s:
        got = CodeEventRepository(s).for_session(session_id)
        assert [(e.at_s, e.kind) for e in got] == [(12.25, "snapshot"), (40.0, "signal"),
                                                   (75.5, "run")]  # fmt: skip
        assert got[2].detail == {"passed": 1, "total": 2}
        exported = CandidateRepository(s).export(candidate)
        code = exported["sessions"][0]["code"]
        assert [c["kind"] for c in code] == ["snapshot", "signal", "run"]
        assert code[1]["detail"] == {"signal": "paste", "chars": 420}
        CandidateRepository(s).delete(candidate)
        s.commit()
    with db() as s:
        assert s.scalar(select(func.count()).select_from(CodeEvent)) == 0


def test_the_reports_coding_part_names_a_problem_written_in_the_role(
    db: sessionmaker[Session],
) -> None:
    role = load_role(str(FIXTURES / "coding_written_problem.yaml"))
    with db() as s:
        record = SessionRepository(s).create(
            role_id=role.id, role_version=role.version, persona=None, channel="iv-written",
            llm_model=None, stt_model=None,
        )  # fmt: skip
        CodeEventRepository(s).add(
            record.id, question_id="busiest-hour", problem_id="busiest-hour", at_s=30.0,
            kind="submit", language="python", code="def busiest_hour(hours): ...",
            detail={"passed": 4, "total": 4},
        )  # fmt: skip
        s.commit()
        section = coding_section(s, record, role)
    assert [(q["question_id"], q["title"]) for q in section] == [
        ("busiest-hour", "The support line's busiest hour"),
    ]  # fmt: skip
    assert section[0]["hidden_passed"] == section[0]["hidden_total"] == 4
