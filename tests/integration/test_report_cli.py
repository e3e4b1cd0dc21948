"""The judging and data-rights commands end to end, on a stored interview."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from recruiter_config.settings import Settings
from storage import create_database, session_factory
from tests.stored_interview import store_interview


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "recruiter_cli.main", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "RECRUITER_HOME": str(home)},
    )


def test_report_review_calibration_fairness_progress_export_delete(tmp_path: Path) -> None:
    home = tmp_path / "home"
    engine = create_database(Settings(home=home).resolved_database_url)
    session_id, candidate_id = store_interview(session_factory(engine))
    engine.dispose()

    done = _cli(home, "report", session_id)
    assert done.returncode == 0, done.stderr
    folder = home / "sessions" / session_id
    assert {p.name for p in folder.iterdir()} >= {"report.json", "report.html", "report.pdf"}

    bad = _cli(home, "review", session_id, "--recruiter", "rita", "--score", "charm=5")
    assert bad.returncode == 1 and "no competency 'charm'" in bad.stderr
    done = _cli(
        home,
        "review",
        session_id,
        "--recruiter",
        "rita",
        "--score",
        "prioritisation=4",
        "--note",
        "Solid.",
    )
    assert done.returncode == 0, done.stderr
    calibration = json.loads(_cli(home, "calibration", "--json").stdout)
    assert calibration["pairs"] == 1 and calibration["mean_absolute_difference"] is not None

    labels = tmp_path / "labels.csv"
    labels.write_text(f"candidate_id,cohort\n{candidate_id},A\n")
    fairness = json.loads(_cli(home, "fairness", "--labels", str(labels), "--json").stdout)
    assert [r["cohort"] for r in fairness] == ["A"]
    broken = tmp_path / "broken.csv"
    broken.write_text("who,group\nx,A\n")
    assert _cli(home, "fairness", "--labels", str(broken)).returncode == 1

    chart = tmp_path / "progress.png"
    done = _cli(
        home, "progress", "--candidate", candidate_id, "--format", "png", "--out", str(chart)
    )
    assert done.returncode == 0 and chart.read_bytes().startswith(b"\x89PNG")

    export = tmp_path / "export"
    assert _cli(home, "candidates", "export", candidate_id, "--out", str(export)).returncode == 0
    data = json.loads((export / "data.json").read_text())
    assert data["sessions"][0]["id"] == session_id
    assert (export / "sessions" / session_id / "report.pdf").is_file()
    assert _cli(home, "candidates", "delete", candidate_id, "--yes").returncode == 0
    assert not folder.exists()
    gone = _cli(home, "report", session_id)
    assert gone.returncode == 1 and f"no session '{session_id}'" in gone.stderr


def test_report_on_an_unknown_session_is_a_clear_error(tmp_path: Path) -> None:
    done = _cli(tmp_path, "report", "nope")
    assert done.returncode == 1 and "no session 'nope'" in done.stderr
    assert "Traceback" not in done.stderr
