"""Child processes the recruiter starts on a developer machine: started, awaited, stopped."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from recruiter_devstack.errors import DevStackError

__all__ = ["ChildProcess", "ChildProcessError_", "ChildServer", "http_ok"]

logger = logging.getLogger("recruiter.processes")


class ChildProcessError_(DevStackError):
    """A child process exited early or never became ready."""


def http_ok(url: str, timeout_s: float = 1.0, *, also: tuple[int, ...] = ()) -> bool:
    """Whether ``url`` answers 200 now (or one of the statuses in ``also``)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            return bool(response.status == 200)
    except urllib.error.HTTPError as e:
        return e.code in also
    except (urllib.error.URLError, OSError):
        return False


class ChildProcess:
    """One named child in its own process group, its output in a log file."""

    def __init__(
        self,
        name: str,
        cmd: Sequence[str],
        *,
        log_path: Path,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.name = name
        self.cmd = list(cmd)
        self.log_path = log_path
        self._env = dict(env) if env is not None else None
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self, ready: Callable[[], bool], timeout_s: float) -> None:
        """Start the child and wait until ``ready()`` is true.

        Raises:
            ChildProcessError_: it exited, or was not ready within ``timeout_s`` (it is stopped).
        """
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self._proc = subprocess.Popen(
                self.cmd, stdout=log, stderr=subprocess.STDOUT, env=self._env,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                code = self._proc.returncode
                self._proc = None
                raise ChildProcessError_(
                    f"{self.name} exited with code {code}; see {self.log_path}"
                )
            if ready():
                logger.info("%s ready", self.name)
                return
            time.sleep(0.2)
        self.stop()
        raise ChildProcessError_(
            f"{self.name} was not ready within {timeout_s:.0f} s; see {self.log_path}"
        )

    def wait(self) -> int:
        """Block until the child exits; its exit code."""
        assert self._proc is not None, f"{self.name} not started"
        return self._proc.wait()

    @property
    def running(self) -> bool:
        """Whether the child is alive."""
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        """The child's process id, also its process group's (None when not running)."""
        return self._proc.pid if self.running and self._proc is not None else None

    def stop(self, grace_s: float = 10.0) -> None:
        """SIGTERM the child's process group, then SIGKILL after ``grace_s``."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


class ChildServer:
    """A server run as one child process (``_child``): what messages call it, and whether it
    is still alive (``DevStack.dead``)."""

    _child: ChildProcess

    @property
    def name(self) -> str:
        """What a message calls it."""
        return self._child.name

    @property
    def running(self) -> bool:
        """Whether it is still alive."""
        return self._child.running
