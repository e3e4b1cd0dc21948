"""Shared fixtures: a data directory per test that reuses the installed model assets."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pytest

from agent.assets import ASSETS, asset_state
from agent.settings import Settings

T = TypeVar("T")

INSTALLED = Settings().models_dir
FIXTURES = Path(__file__).parent / "fixtures"


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on a fresh event loop."""
    return asyncio.run(coro)


def _models_ready() -> list[str]:
    return [name for name in ASSETS if not asset_state(INSTALLED, name).verified]


@pytest.fixture(scope="session")
def installed_models() -> Path:
    """The verified model assets; fails (does not skip) when set-up has not installed them."""
    missing = _models_ready()
    if missing:
        pytest.fail(f"model assets missing: {missing}; run `make setup`")
    return INSTALLED


@pytest.fixture
def home(tmp_path: Path, installed_models: Path) -> Path:
    """An empty data directory whose ``models`` folder points at the installed assets."""
    (tmp_path / "models").symlink_to(installed_models, target_is_directory=True)
    return tmp_path


@pytest.fixture
def settings(home: Path) -> Settings:
    """Settings rooted at the per-test data directory."""
    return Settings(home=home)
