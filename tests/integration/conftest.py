"""An embedded LLM server shared by the end-to-end tests of one module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from recruiter_config.settings import LLMSettings, Settings
from recruiter_devstack.llm_server import EmbeddedLLMServer
from recruiter_llm.client import LLMEndpoint


@pytest.fixture(scope="module")
def llm_endpoint(
    tmp_path_factory: pytest.TempPathFactory, installed_models: Path
) -> Iterator[LLMEndpoint]:
    home = tmp_path_factory.mktemp("llm-home")
    (home / "models").symlink_to(installed_models, target_is_directory=True)
    server = EmbeddedLLMServer(Settings(home=home, llm=LLMSettings(port=8766)))
    with server as endpoint:
        yield endpoint
