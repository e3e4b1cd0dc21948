"""One embedded LLM server for every recruiter command on a machine, stopped by the last one.

``recruiter up``, ``rehearse``, ``worker``, ``console`` and ``roles draft`` each need the
embedded llama.cpp server. The first command that needs it starts it; the others use it; it
stops when the last of them ends, whichever one started it, whatever data folder each uses.
Which commands use it is kept with file locks in a folder of the machine's temporary directory,
one per LLM port and model (``/tmp/virtual-recruiter-UID/llm/PORT-MODEL/``, the user's own):
each command holds a shared lock on ``users.lock`` while it uses the server, and every start
and stop is decided under an exclusive lock on ``decide.lock``. So two commands started at the
same moment start one server, and no command stops it under another. A lock ends with its
process: a command killed with SIGKILL leaves no user behind, and the server it leaves running
(``server.json`` names it) is used by the next command and stopped by the last. Where none
comes, a small process started with the server (``python -m recruiter_devstack.llm_sharing``,
``reap_when_unused``) stops it once no command has used it for ``LLMSettings.idle_stop_s``
(5 minutes). A server this module did not start (``recruiter llm serve``) is used and never
stopped.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

from recruiter_config.settings import Settings
from recruiter_devstack.llm_server import (
    EmbeddedLLMServer,
    free_port,
    port_taken,
    resolve_endpoint,
    serving,
)
from recruiter_llm.client import LLMEndpoint, LLMUnavailableError

__all__ = ["SharedEmbeddedServer", "llm_endpoint", "reap_when_unused", "registry"]

logger = logging.getLogger("recruiter.llm")

# SIGTERM first; SIGKILL after this (as ``LoopbackLLMServer`` stops the server it started).
_STOP_GRACE_S = 5.0
# Servers this process started and left running for other commands: kept, as a child process
# object dropped while its process runs warns (ResourceWarning) and is never waited for.
_HANDED_OVER: list[EmbeddedLLMServer] = []
# The processes watching the servers this process started (``reap_when_unused``), kept for the
# same reason; those that have ended are dropped (and waited for) as a command stops.
_WATCHERS: list[subprocess.Popen[bytes]] = []


@dataclass(frozen=True)
class _Started:
    """The server a command started: its port and process, and the process's start time in
    clock ticks since boot (``/proc/PID/stat``), so that a process id used again later by
    another program is never taken for it."""

    port: int
    pid: int
    ticks: int


def _ticks(pid: int) -> int | None:
    """When process ``pid`` started (clock ticks since boot); None when it has exited (or is
    a zombie) or /proc cannot say."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # from field 3, the state
    return None if fields[0] in ("Z", "X") else int(fields[19])  # field 22: starttime


def _alive(started: _Started) -> bool:
    return _ticks(started.pid) == started.ticks


class SharedEmbeddedServer:
    """The embedded LLM server for one command, shared with the others (a context manager).

    ``start`` uses the server another command runs with the same model, or starts one: on
    ``settings.llm.port``, or on a free port when another program holds that one. ``stop``
    stops it when no other command uses it. ``on_start`` hears one line saying which.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        log_path: Path | None = None,
        on_start: Callable[[str], None] | None = None,
    ) -> None:
        self._settings = settings
        self._dir = registry(settings.llm.port, settings.llm.gguf)
        self._log_path = log_path
        self._say = on_start or (lambda line: logger.info("%s", line))
        self._users: IO[str] | None = None
        self._own: EmbeddedLLMServer | None = None
        self._started: _Started | None = None  # the registered server this command uses
        self.endpoint: LLMEndpoint | None = None

    @property
    def name(self) -> str:
        """What a message calls it."""
        return "the embedded LLM server"

    @property
    def running(self) -> bool:
        """Whether the server this command uses is still there."""
        if self._own is not None:
            return self._own.running
        if self._started is not None:
            return _alive(self._started)
        return self.endpoint is not None and port_taken(self._settings.llm.port)

    def start(self, *, ready_timeout_s: float = 120.0) -> LLMEndpoint:
        """The endpoint of the server this command uses from now until ``stop``.

        Raises:
            LLMUnavailableError: the server is not installed, or it did not become ready, or
                the folder that counts its users belongs to another user.
        """
        _own_folder(self._dir)
        users = (self._dir / "users.lock").open("a")
        try:
            with self._deciding(waiting="waiting for the embedded LLM server another command "
                                        "is starting"):  # fmt: skip
                endpoint = self._running() or self._launch(ready_timeout_s)
                fcntl.flock(users, fcntl.LOCK_SH)
        except BaseException:
            users.close()
            raise
        self._users, self.endpoint = users, endpoint
        return endpoint

    def stop(self) -> None:
        """Stop using the server; stop it too when no other command uses it."""
        users, self._users = self._users, None
        if users is None:
            return
        try:
            with self._deciding():
                fcntl.flock(users, fcntl.LOCK_UN)
                try:
                    fcntl.flock(users, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:  # another command holds its shared lock
                    if self._own is not None:
                        logger.info("LLM server left running for the commands still using it")
                        _HANDED_OVER.append(self._own)
                    return
                self._stop_server()
        finally:
            users.close()
            _WATCHERS[:] = [w for w in _WATCHERS if w.poll() is None]

    def _running(self) -> LLMEndpoint | None:
        """The server a command on this machine started for this port and model (registered in
        ``server.json``), else one on the configured port that lists the model."""
        model = self._settings.llm.gguf
        started = _registered(self._dir)
        if started is not None and _alive(started):
            endpoint = serving(started.port, model)
            if endpoint is not None:
                self._started = started
                self._say(f"using the embedded LLM server already running ({model})")
                return endpoint
        endpoint = serving(self._settings.llm.port, model)  # e.g. `recruiter llm serve`'s
        if endpoint is not None:
            self._say(f"using the embedded LLM server already running ({model})")
        return endpoint

    def _launch(self, ready_timeout_s: float) -> LLMEndpoint:
        settings = self._settings
        port = settings.llm.port
        if port_taken(port):
            port = free_port()
            self._say(f"port {settings.llm.port} is held by another program; starting the "
                      f"embedded LLM server ({settings.llm.gguf}) on port {port}")  # fmt: skip
            settings = settings.model_copy(
                update={"llm": settings.llm.model_copy(update={"port": port})}
            )
        else:
            self._say(f"starting the embedded LLM server ({settings.llm.gguf})")
        server = EmbeddedLLMServer(settings, log_path=self._log_path)
        try:
            # Ctrl-C while the server loads its model still stops it (the child runs in its
            # own session and does not get the terminal's SIGINT).
            endpoint = server.start(ready_timeout_s=ready_timeout_s)
        except BaseException:
            server.stop()
            raise
        self._own = server
        pid = server.pid
        ticks = _ticks(pid) if pid is not None else None
        if pid is not None and ticks is not None:
            self._started = _Started(port, pid, ticks)
            path = self._dir / "server.json"
            part = path.with_suffix(".part")
            part.write_text(json.dumps(asdict(self._started)))
            os.replace(part, path)
            _watch(self._dir, self._started, settings.llm.idle_stop_s)
        return endpoint

    def _stop_server(self) -> None:
        """Stop the server this command uses: the last command to use it is stopping."""
        if self._own is not None:
            self._own.stop()
        elif self._started is not None and _alive(self._started):
            _stop_group(self._started)
        if self._started is not None:
            _unregister(self._dir, self._started)

    def _deciding(self, *, waiting: str | None = None) -> AbstractContextManager[None]:
        return _deciding(self._dir, lambda: self._say(waiting) if waiting is not None else None)

    def __enter__(self) -> LLMEndpoint:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _registered(folder: Path) -> _Started | None:
    """The server ``folder``'s ``server.json`` names; None when there is none (or unreadable)."""
    try:
        return _Started(**json.loads((folder / "server.json").read_text()))
    except (OSError, ValueError, TypeError):
        return None


def _unregister(folder: Path, started: _Started) -> None:
    """Remove ``folder``'s ``server.json`` if it still names ``started`` (stopped now)."""
    if _registered(folder) == started:
        (folder / "server.json").unlink(missing_ok=True)


@contextmanager
def _deciding(folder: Path, waiting: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Hold ``folder``'s exclusive ``decide.lock``; ``waiting`` is called first when another
    process holds it."""
    with (folder / "decide.lock").open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting()
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield  # the lock ends with the file's closing


def _watch(folder: Path, started: _Started, idle_s: float) -> None:
    """Start ``reap_when_unused`` for ``started`` in a process of its own that outlives this
    command, as the server does; a watcher that cannot be started is logged (the server is
    then stopped by the last command that uses it, as before)."""
    cmd = [sys.executable, "-m", "recruiter_devstack.llm_sharing", str(folder),
           json.dumps(asdict(started)), str(idle_s)]  # fmt: skip
    try:
        _WATCHERS.append(subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        ))  # fmt: skip
    except OSError as e:
        logger.warning("the LLM server's watcher did not start (%s)", type(e).__name__)


def reap_when_unused(
    folder: Path, started: _Started, idle_s: float, *,
    clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
) -> bool:  # fmt: skip
    """Watch the server ``started`` (registered in ``folder``) until it stops: stop it once no
    command has held ``folder``'s ``users.lock`` for ``idle_s`` seconds (the last one was
    killed with SIGKILL), and unregister it; a command that starts meanwhile uses it. Whether
    this stopped it (False: a command did, or it ended on its own). Checks every ``idle_s`` / 2
    seconds (0.2-5 s), under ``decide.lock``, so no command starts or stops meanwhile."""
    unused_since: float | None = None
    while _alive(started):
        with _deciding(folder), (folder / "users.lock").open("a") as users:
            try:
                fcntl.flock(users, fcntl.LOCK_EX | fcntl.LOCK_NB)  # (ends with the file's closing)
            except BlockingIOError:  # a command uses it
                unused_since = None
            else:
                now = clock()
                unused_since = now if unused_since is None else unused_since
                if now - unused_since >= idle_s:
                    logger.info("stopping the LLM server no command has used for %.0f s", idle_s)
                    _stop_group(started)
                    _unregister(folder, started)
                    return True
        sleep(min(5.0, max(idle_s / 2, 0.2)))
    return False


def registry(port: int, model: str) -> Path:
    """The folder that counts the commands using the embedded server of ``model`` configured
    on ``port`` (the machine's temporary directory, this user's own): every data folder's
    commands meet there."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", f"{port}-{model}")
    return Path(tempfile.gettempdir()) / f"virtual-recruiter-{os.getuid()}" / "llm" / name


def _own_folder(folder: Path) -> None:
    """Make ``folder`` (and the user's folder above it) readable by this user only.

    Raises:
        LLMUnavailableError: the user's folder belongs to another user.
    """
    top = folder.parents[1]
    top.mkdir(mode=0o700, exist_ok=True)
    if top.stat().st_uid != os.getuid():
        raise LLMUnavailableError(f"{top} belongs to another user; remove it")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)


def _stop_group(started: _Started) -> None:
    """SIGTERM the process group of a server another command started, SIGKILL after
    ``_STOP_GRACE_S``; quietly when it is gone already or is not ours to signal."""
    for sig, wait_s in ((signal.SIGTERM, _STOP_GRACE_S), (signal.SIGKILL, _STOP_GRACE_S)):
        try:
            os.killpg(started.pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if not _alive(started):
                return
            time.sleep(0.1)
    logger.warning("LLM server process %d did not stop", started.pid)


@contextmanager
def llm_endpoint(
    settings: Settings, *, on_start: Callable[[str], None] | None = None
) -> Iterator[LLMEndpoint]:
    """The LLM for one command: the configured endpoint, else the embedded server shared with
    the machine's other commands (``SharedEmbeddedServer``; ``on_start`` hears a line when it
    is started or used).

    Raises:
        LLMUnavailableError: the embedded server is not installed or did not become ready.
    """
    endpoint = resolve_endpoint(settings)
    if endpoint is not None:
        yield endpoint
        return
    with SharedEmbeddedServer(settings, on_start=on_start) as shared:
        yield shared


if __name__ == "__main__":  # the watcher ``SharedEmbeddedServer`` starts with each server
    reap_when_unused(Path(sys.argv[1]), _Started(**json.loads(sys.argv[2])), float(sys.argv[3]))
