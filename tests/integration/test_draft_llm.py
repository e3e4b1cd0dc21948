"""``recruiter roles draft`` with the real embedded model writes a script that validates.

Whatever the small model answers, the draft keeps what the job description says (a junior
role), has no placeholder anchors or repeated questions (no warnings) and is plain YAML.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from recruiter_cli.main import app
from recruiter_llm.client import LLMEndpoint
from rubrics.loading import load_role_file_source
from tests.conftest import FIXTURES

pytestmark = [pytest.mark.models, pytest.mark.llm]


def test_draft_from_a_job_description(tmp_path: Path, llm_endpoint: LLMEndpoint) -> None:
    out = tmp_path / "drafted.yaml"
    env = {
        "RECRUITER_HOME": str(tmp_path),
        "RECRUITER_LLM__BASE_URL": llm_endpoint.base_url,
        "RECRUITER_LLM__MODEL": llm_endpoint.model,
        "RECRUITER_LLM__JSON_MODE": "json_object",
    }
    result = CliRunner().invoke(
        app,
        ["roles", "draft", "--from-jd", str(FIXTURES / "job_description.md"), "--out", str(out)],
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    source = load_role_file_source(out)  # never an invalid file
    role = source.role
    assert len(role.competencies) >= 3 and len(role.questions) >= 4
    assert source.warnings == (), "\n".join(map(str, source.warnings))
    assert role.seniority == "junior"  # "Junior Data Analyst"
    text = out.read_text()
    assert text.startswith("# Drafted from job_description.md")
    assert "&id" not in text and "*id" not in text
