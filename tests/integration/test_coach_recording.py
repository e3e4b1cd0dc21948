"""``recruiter coach-interview``: a synthesized two-channel interview with known moments."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from recruiter_config.settings import Settings
from rubrics import load_role_source
from storage import RoleRepository, create_database, session_factory
from tests.coaching_audio import two_channel_interview

pytestmark = pytest.mark.models


@pytest.fixture(scope="module")
def interview(
    installed_models: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, object]:
    """The two-channel file, the mono mix, and when each line starts and ends (seconds)."""
    return two_channel_interview(installed_models, tmp_path_factory.mktemp("coach"))


def _coach(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "recruiter_cli.main", "coach-interview", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "RECRUITER_HOME": str(home), **env},
    )


def test_the_report_finds_each_moment_at_its_time(
    home: Path, tmp_path: Path, interview: dict[str, object]
) -> None:
    times = interview["times"]
    assert isinstance(times, list)
    out = tmp_path / "coaching"
    proc = _coach(home, str(interview["stereo"]), "--role", "demo", "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-3000:]
    (folder,) = out.iterdir()
    report = json.loads((folder / "report.json").read_text())
    starts = [begin for speaker, begin, _ in times if speaker == "interviewer"]
    asked = [q["at_s"] for q in report["questions"]]
    assert asked == pytest.approx(starts, abs=0.6)
    assert [m["at_s"] for m in report["leading"]] == pytest.approx([starts[1]], abs=0.6)
    assert [m["at_s"] for m in report["protected"]] == pytest.approx([starts[2]], abs=0.6)
    assert "children" in report["protected"][0]["quote"]
    assert [m["at_s"] for m in report["interruptions"]] == pytest.approx([starts[4]], abs=0.6)
    assert report["uncovered"] == ["Motivation for support work"]
    said = {s: sum(e - b for sp, b, e in times if sp == s) for s in ("interviewer", "candidate")}
    truth = said["interviewer"] / (said["interviewer"] + said["candidate"])
    assert report["talk_share"] == pytest.approx(truth, abs=0.08)
    assert report["things_to_change"][0].startswith("Never ask about protected topics")
    text = (folder / "report.md").read_text()
    assert "## Summary (90 seconds)" in text and "children soon" in text
    assert "Three things to do differently" in proc.stdout
    assert "lists no other ways of asking" not in text  # the demo role's practice file has them


def test_a_recruiters_own_stored_role_gives_its_coverage(
    home: Path, tmp_path: Path, interview: dict[str, object]
) -> None:
    # A role written in the dashboard's editor lives only in the database: read by its id.
    text = load_role_source("demo").text.replace("id: demo", "id: my-support-screen", 1)
    text = text.replace("name: Motivation for support work", "name: Why support, in own words")
    engine = create_database(Settings(home=home).resolved_database_url)
    with session_factory(engine)() as s:
        RoleRepository(s).store(role_id="my-support-screen", version="1", title="Mine",
                                content=text)  # fmt: skip
        s.commit()
    engine.dispose()
    out = tmp_path / "coaching"
    proc = _coach(home, str(interview["stereo"]), "--role", "my-support-screen", "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-3000:]
    (folder,) = out.iterdir()
    report = json.loads((folder / "report.json").read_text())
    assert report["uncovered"] == ["Why support, in own words"]
    # Its questions have no other ways of asking them written down: the report says so.
    assert "lists no other ways of asking" in (folder / "report.md").read_text()
    unknown = _coach(home, str(interview["stereo"]), "--role", "nobodys-role")
    assert unknown.returncode == 2 and "no role 'nobodys-role' is stored or shipped" in (
        unknown.stderr
    )
    # With the database out of reach, a shipped role is still read, and the warning says so.
    down = {"RECRUITER_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    shipped = _coach(home, str(interview["stereo"]), "--role", "demo", "--out", str(out), **down)
    assert shipped.returncode == 0, shipped.stderr[-3000:]
    assert "stored roles could not be read" in shipped.stderr and "Traceback" not in (
        shipped.stderr
    )
    stored_only = _coach(home, str(interview["stereo"]), "--role", "my-support-screen", **down)
    assert stored_only.returncode == 2
    assert "stored roles could not be read" in stored_only.stderr.split("coach-interview:")[-1]


def test_a_mono_recording_says_how_to_export_two_channels(
    home: Path, tmp_path: Path, interview: dict[str, object]
) -> None:
    out = tmp_path / "coaching"
    proc = _coach(home, str(interview["mono"]), "--out", str(out))
    assert proc.returncode == 2
    assert "one speaker per channel" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()
