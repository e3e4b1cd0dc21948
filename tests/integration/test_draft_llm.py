"""``recruiter roles draft`` with the real embedded model writes a script that validates.

Whatever the small model answers, the draft keeps what the job description says (a junior
role), has no placeholder anchors or repeated questions (no warnings) and is plain YAML.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from recruiter_cli.main import app
from recruiter_config.settings import LLMSettings, Settings, WebSettings
from recruiter_llm.client import LLMEndpoint
from rubrics import parse_role_source
from rubrics.loading import load_role_file_source
from storage import RecruiterRepository, RoleRepository
from tests.conftest import FIXTURES
from web.app import create_app

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


def test_the_dashboard_drafts_from_a_job_description_into_the_editor(
    home: Path, llm_endpoint: LLMEndpoint
) -> None:
    settings = Settings(
        home=home, web=WebSettings(secret="draft-test-secret-0123456789"),
        llm=LLMSettings(base_url=llm_endpoint.base_url, model=llm_endpoint.model,
                        json_mode="json_object"),
    )  # fmt: skip
    app = create_app(settings)
    with app.state.ctx.db() as s:
        RecruiterRepository(s).create("rita", "Rita", "correct horse battery")
        s.commit()
    with TestClient(app) as rita:
        rita.post("/login", data={"recruiter_id": "rita", "password": "correct horse battery"})
        job = (FIXTURES / "job_description.md").read_text()
        page = rita.post("/dashboard/roles/draft", data={"job_description": job})
    assert page.status_code == 200 and "Drafted " in page.text
    text = html.unescape(
        re.search(r'<textarea id="role-text"[^>]*>(.*?)</textarea>', page.text, re.S)[1]  # type: ignore[index]
    )
    role = parse_role_source(text, "draft").role  # a valid script, in the editor for review
    assert role.seniority == "junior" and len(role.questions) >= 4
    with app.state.ctx.db() as s:
        assert RoleRepository(s).all_latest() == []  # nothing stored until the recruiter does
