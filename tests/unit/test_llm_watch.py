"""The watcher of a shared embedded LLM server (issue 17): it stops a server left by a killed
command once no command has used it for the idle time, and never while one uses it; and a
command's own settings reach the endpoint its job processes are given."""

from __future__ import annotations

import fcntl
import json
import subprocess
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import pytest

from recruiter_config.settings import LLMSettings, Settings
from recruiter_devstack.llm_server import endpoint_env, pointed_at, resolve_endpoint
from recruiter_devstack.llm_sharing import _Started, _ticks, reap_when_unused
from recruiter_llm.client import LLMEndpoint


class _Clock:
    """A clock that moves only when the watcher sleeps; ``at`` runs a step once it reaches a
    time (seconds)."""

    def __init__(self) -> None:
        self.now = 0.0
        self._steps: list[tuple[float, Callable[[], object]]] = []

    def at(self, when: float, step: Callable[[], object]) -> None:
        self._steps.append((when, step))

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        for when, step in list(self._steps):
            if self.now >= when:
                self._steps.remove((when, step))
                step()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def server(tmp_path: Path) -> tuple[Path, _Started, subprocess.Popen[bytes]]:
    """A registered "server": a process in a session of its own, as the embedded one is."""
    proc = subprocess.Popen(["sleep", "600"], start_new_session=True)
    ticks = _ticks(proc.pid)
    assert ticks is not None
    started = _Started(port=0, pid=proc.pid, ticks=ticks)
    (tmp_path / "server.json").write_text(json.dumps(asdict(started)))
    yield tmp_path, started, proc
    proc.kill()
    proc.wait()


def test_the_server_stays_while_a_command_uses_it_and_stops_idle_s_after_the_last_is_gone(
    server: tuple[Path, _Started, subprocess.Popen[bytes]],
) -> None:
    folder, started, proc = server
    users = (folder / "users.lock").open("a")
    fcntl.flock(users, fcntl.LOCK_SH)  # a command uses it ...
    clock = _Clock()
    clock.at(100.0, users.close)  # ... until it is killed at 100 s (its lock ends with it)
    assert reap_when_unused(folder, started, idle_s=30.0, clock=clock, sleep=clock.sleep)
    assert proc.wait(timeout=10) is not None
    # Not before 30 s unused (the first check after the kill starts the count), nor much after.
    assert 130.0 <= clock.now <= 130.0 + 2 * 5.0, clock.now
    assert not (folder / "server.json").exists()


def test_a_server_stopped_by_its_last_command_ends_the_watch_without_a_signal(
    server: tuple[Path, _Started, subprocess.Popen[bytes]],
) -> None:
    folder, started, proc = server
    users = (folder / "users.lock").open("a")
    fcntl.flock(users, fcntl.LOCK_SH)
    clock = _Clock()

    def last_command_stops_it() -> None:  # as ``SharedEmbeddedServer.stop`` does
        proc.kill()
        proc.wait()
        users.close()

    clock.at(50.0, last_command_stops_it)
    assert not reap_when_unused(folder, started, idle_s=30.0, clock=clock, sleep=clock.sleep)
    assert clock.now < 60.0
    assert (folder / "server.json").exists()  # (its own command unregisters it)


def test_a_commands_settings_reach_the_endpoint_its_job_processes_are_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``worker`` and ``console`` start the embedded server, hand it to their job processes by
    the environment, and use ``pointed_at`` for their own code (the sweep's LLM judge)."""
    settings = Settings(home=tmp_path, llm=LLMSettings(port=18999))
    assert resolve_endpoint(settings) is None  # the embedded server: none configured
    endpoint = LLMEndpoint(base_url="http://127.0.0.1:18999/v1", model="qwen2.5-coder-0.5b",
                           json_mode="json_object")  # fmt: skip
    for key, value in endpoint_env(endpoint).items():
        monkeypatch.setenv(key, value)
    in_a_job = resolve_endpoint(Settings(home=tmp_path))
    assert resolve_endpoint(pointed_at(settings, endpoint)) == in_a_job == endpoint
