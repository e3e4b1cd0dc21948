"""A throwaway PostgreSQL server for the storage tests, from the Debian packages set-up installs.

The cluster lives in a temporary directory and listens on a private port and socket; as root,
it runs as the ``postgres`` system user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PostgresServer", "postgres_server"]


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        raise RuntimeError(f"PostgreSQL's {name} is not installed; run `make setup`")
    return found[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_owner(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@dataclass(frozen=True)
class PostgresServer:
    """A running throwaway cluster: ``url`` names its empty database."""

    url: str
    data: Path
    options: str
    log: Path

    def stop(self) -> None:
        """Stop the server now (fast shutdown: open connections are cut)."""
        subprocess.run(_as_owner([_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w",
                                  "stop"]), check=True, capture_output=True)  # fmt: skip

    def start(self) -> None:
        """Start the stopped server again, on the same port and data."""
        subprocess.run(_as_owner([_bin("pg_ctl"), "-D", str(self.data), "-o", self.options,
                                  "-l", str(self.log), "-w", "start"]),
                       check=True, capture_output=True)  # fmt: skip


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """Start a fresh cluster; yield it with a URL for an empty database; stop and remove it."""
    root = Path(tempfile.mkdtemp(prefix="recruiter-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    port = _free_port()
    run = {"check": True, "capture_output": True, "text": True}
    subprocess.run(
        _as_owner([_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]), **run
    )  # type: ignore[call-overload]
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        _as_owner([_bin("pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"),
                   "-w", "start"]), **run,
    )  # type: ignore[call-overload]  # fmt: skip
    try:
        subprocess.run(
            _as_owner([_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                       "recruiter_test"]), **run,
        )  # type: ignore[call-overload]  # fmt: skip
        url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/recruiter_test"
        yield PostgresServer(url, data, options, root / "log")
    finally:
        subprocess.run(
            _as_owner([_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
            check=False, capture_output=True,
        )  # fmt: skip
        time.sleep(0.1)
        shutil.rmtree(root, ignore_errors=True)
