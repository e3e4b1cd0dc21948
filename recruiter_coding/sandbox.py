"""Run a candidate's code in a sandbox: a throwaway process per run, isolated and limited.

Isolation is Debian's ``bubblewrap``: new user, PID, network, IPC, UTS and cgroup namespaces
(so no network at all, not even loopback to the server), the system's ``/usr`` read-only, the
code in a read-only folder, and a small ``/tmp`` in memory that disappears with the run. Limits
are kernel resource limits set by util-linux's ``prlimit``: CPU seconds, data memory, processes
and file size, no core dumps. Started by root (a container), the run drops to a user id of its
own first (``setpriv``), so the process limit counts only the run's own processes (the kernel
exempts root from it). The tools run with no environment of the server's. The wall clock, the
output size and the whole process tree are watched here: a run past its time, printing too
much, or cancelled by its caller is killed with everything it started.

Nothing here is home-made isolation: the namespaces and limits are the kernel's, applied by
those two well-kept tools; this module only chooses them and reads the result.

Started by root, each run also gets a control group of its own (``recruiter_coding.cgroup``,
through cgroup-tools): the memory of all its processes together, their ``/tmp`` and
``/dev/shm`` included, and their number are held there. Where no group can be made (not root,
no write access to the cgroup hierarchy) the limits are per process only: a run with several
processes may then use that many times the memory, memory in ``/tmp`` and ``/dev/shm`` (each the
size of ``Limits.file_mb``) is not counted, and, started by a user other than root, the process
limit counts all of that user's processes, the server's included. CPU time is limited per
process either way, at the lowest CPU priority.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from recruiter_coding.cgroup import RunGroup, open_group

__all__ = ["LANGUAGES", "Language", "Limits", "RunResult", "SandboxError", "run_code"]

logger = logging.getLogger("recruiter.coding")


class SandboxError(RuntimeError):
    """The sandbox itself cannot run (a tool missing, namespaces refused), never the code."""


@dataclass(frozen=True)
class Limits:
    """What one run may use.

    ``cpu_s``: CPU seconds of each process (``RLIMIT_CPU``); ``wall_s``: seconds from start to
    finish for the whole run, sleeping included; ``memory_mb``: data memory of each process
    (``RLIMIT_DATA``: heap and private mappings, which V8's reserved address space is not);
    ``processes``: processes and threads the run's user may have (``RLIMIT_NPROC``);
    ``output_bytes``: stdout and stderr, each, before the run is stopped; ``file_mb``: the
    largest file it may write, and the size of its ``/tmp``.
    """

    cpu_s: int = 5
    wall_s: float = 10.0
    memory_mb: int = 256
    processes: int = 32
    output_bytes: int = 64 * 1024
    file_mb: int = 8


@dataclass(frozen=True)
class Language:
    """How to run a program in one language: its file name and the interpreter's command."""

    name: str
    file: str
    command: tuple[str, ...]


LANGUAGES: dict[str, Language] = {
    # -E -s: no PYTHON* variables, no user site (-I would also drop the script's folder, where
    # a harness finds the candidate's module); -B: no bytecode files written.
    "python": Language("python", "main.py", ("/usr/bin/python3", "-E", "-s", "-B", "main.py")),
    "javascript": Language("javascript", "main.js", ("/usr/bin/node", "main.js")),
}


@dataclass(frozen=True)
class RunResult:
    """What a run did.

    ``stopped`` says why the sandbox ended it ("cpu-time", "wall-time", "memory", "output",
    "processes"), None when the program ended on its own (``exit_code``, or killed by
    ``signal``). "wall-time" and "output" are this module's own; "memory" and "processes"
    come from the run's control group where it has one (a process of the run killed at its
    memory limit, even one the program went on without; a run held at its process limit until
    its time ran out); "cpu-time" and, without a group, "memory" are read from the exit
    status and the error output, which the program could imitate: a hint for the candidate,
    never a verdict (a judge reads test results outside the sandbox).
    ``wall_s`` is seconds from start to end; output past the limit is cut.
    """

    exit_code: int | None
    signal: int | None
    stdout: str
    stderr: str
    stopped: str | None
    wall_s: float

    @property
    def ok(self) -> bool:
        """The program ran to its end and exited 0."""
        return self.stopped is None and self.exit_code == 0


# The system's programs and libraries, read-only (Debian's merged /usr: the rest are links).
_SYSTEM = (
    "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
    "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/sbin", "/sbin",
)  # fmt: skip
# User ids for runs started by root: one per run, drawn from a range no account uses, so that
# the process limit of one run never counts another's processes.
_FIRST_UID, _UIDS = 1_000_000, 1_000_000
_MEMORY_MARKS = ("MemoryError", "out of memory", "Cannot allocate memory")
# A run's control group holds its data memory, its /tmp and /dev/shm, and this much more for
# the interpreter's own code and libraries (Node's resident size is about 40 MiB at start).
_GROUP_HEADROOM_MB = 64
_NPROC_SLACK = 8  # processes the run's user may have beyond its group's limit (bwrap's own)
_OPEN_FILES = 256  # each open socket or pipe can hold kernel buffers no memory limit counts
# The tools' own environment: none of the server's variables (secrets) reach the run, where
# bwrap's own /proc/1/environ would show them.
_TOOLS_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise SandboxError(f"`{name}` is not installed; run `make setup` (Debian packages)")
    return path


def _command(language: Language, folder: Path, uid: int | None, limits: Limits,
             status_fd: int, grouped: bool = False) -> list[str]:  # fmt: skip
    """setpriv (as root) -> nice -> prlimit -> bwrap -> the interpreter. ``grouped``: the run
    has a control group, whose process limit then binds (the run's user gets a little more, so
    that a refusal is the group's, and is reported as "processes")."""
    memory = limits.memory_mb * 1024 * 1024
    file_size = limits.file_mb * 1024 * 1024
    drop: list[str] = []
    if uid is not None:
        drop = [_tool("setpriv"), f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                "--inh-caps=-all", "--"]  # fmt: skip
    # Lowest CPU priority: the server's interviews come first when a run spins.
    nice = [_tool("nice"), "-n", "19"]
    processes = limits.processes + (_NPROC_SLACK if grouped else 0)
    prlimit = [_tool("prlimit"), f"--cpu={limits.cpu_s}:{limits.cpu_s + 1}",
               f"--data={memory}", f"--nproc={processes}", f"--fsize={file_size}",
               f"--nofile={_OPEN_FILES}", "--core=0", "--"]  # fmt: skip
    bwrap = [
        _tool("bwrap"), *_SYSTEM,
        # What a deployment adds under /usr/local (its own packages, settings) is not shown.
        "--tmpfs", "/usr/local",
        "--ro-bind", str(folder), "/code", "--chdir", "/code",
        "--size", str(file_size), "--tmpfs", "/tmp",
        "--proc", "/proc", "--dev", "/dev", "--size", str(file_size), "--tmpfs", "/dev/shm",
        "--remount-ro", "/dev", "--remount-ro", "/",  # nothing written outside /tmp, /dev/shm
        "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session",
        "--json-status-fd", str(status_fd),
        "--clearenv", "--setenv", "PATH", "/usr/bin", "--setenv", "HOME", "/tmp",
        "--setenv", "LANG", "C.UTF-8", "--",
    ]  # fmt: skip
    return [*drop, *nice, *prlimit, *bwrap, *language.command]


async def _read(stream: asyncio.StreamReader, limit: int, over: asyncio.Event) -> bytes:
    """Read ``stream`` to its end, keeping ``limit`` bytes; past that, set ``over`` and drain
    the rest (a pipe left full would never report its end, and the run's end waits for it)."""
    kept = bytearray()
    while chunk := await stream.read(65536):
        room = limit - len(kept)
        kept += chunk[: max(room, 0)]
        if len(chunk) > room:
            over.set()
    return bytes(kept)


def _kill(process: asyncio.subprocess.Process) -> None:
    """Kill the run's whole session (bwrap, its PID namespace and everything in it)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


async def run_code(
    language: str,
    source: str,
    *,
    stdin: str = "",
    files: dict[str, str] | None = None,
    limits: Limits | None = None,
    options: tuple[str, ...] = (),
) -> RunResult:
    """Run ``source`` as a program in ``language`` in a fresh sandbox.

    Args:
        language: a key of ``LANGUAGES``.
        source: the program (the main file).
        stdin: what it reads on standard input.
        files: more files beside it, by name (a test harness, data), read-only.
        limits: what the run may use (``Limits()`` by default).
        options: the interpreter's own options, put before the program (e.g. node's
            ``--jitless``); never the candidate's.

    Returns:
        How it ended, with its output (UTF-8, undecodable bytes replaced).

    Raises:
        ValueError: an unknown language or a file name with a path in it.
        SandboxError: the sandbox tools are missing or refused to start.
    """
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; use one of {sorted(LANGUAGES)}")
    lang, limits = LANGUAGES[language], limits or Limits()
    if options:
        lang = replace(lang, command=(lang.command[0], *options, *lang.command[1:]))
    uid = _FIRST_UID + secrets.randbelow(_UIDS) if os.geteuid() == 0 else None
    with tempfile.TemporaryDirectory(prefix="recruiter-run-") as tmp:
        folder = Path(tmp)
        if uid is not None:  # readable by the run's user id (its group), no one else
            os.chown(folder, 0, uid)
            folder.chmod(0o750)
        named = {**(files or {}), lang.file: source}
        for name in named:
            if Path(name).name != name or name.startswith("."):
                raise ValueError(f"a file name, not a path: {name!r}")
        for name, text in named.items():
            (folder / name).write_text(text, encoding="utf-8")
            (folder / name).chmod(0o644)
        # Standard input from a file outside the sandbox: a program that never reads it
        # cannot block a writer here.
        given = folder.parent / f"{folder.name}.stdin"
        with os.fdopen(os.open(given, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as f:
            f.write(stdin.encode("utf-8", "replace"))
        try:
            with given.open("rb") as source_of_input:
                return await _run(lang, folder, uid, limits, source_of_input)
        finally:
            given.unlink(missing_ok=True)


async def _run(
    lang: Language, folder: Path, uid: int | None, limits: Limits, stdin: BinaryIO
) -> RunResult:
    group = None
    if uid is not None:  # root: a control group of its own around the whole run
        memory = (limits.memory_mb + 2 * limits.file_mb + _GROUP_HEADROOM_MB) * 1024 * 1024
        group = await open_group(f"run-{uid}", memory, limits.processes)
    try:
        return await _run_in(lang, folder, uid, limits, stdin, group)
    finally:
        if group is not None:
            await asyncio.shield(group.remove())


async def _run_in(
    lang: Language, folder: Path, uid: int | None, limits: Limits, stdin: BinaryIO,
    group: RunGroup | None,
) -> RunResult:  # fmt: skip
    status_read, status_write = os.pipe()
    start = time.monotonic()
    prefix = group.command() if group is not None else []
    try:
        process = await asyncio.create_subprocess_exec(
            *prefix, *_command(lang, folder, uid, limits, status_write, group is not None),
            stdin=stdin,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            start_new_session=True, pass_fds=(status_write,), env=_TOOLS_ENV,
        )  # fmt: skip
    except OSError as e:
        os.close(status_read)
        raise SandboxError(f"the sandbox could not start: {e}") from e
    finally:
        os.close(status_write)
    assert process.stdout and process.stderr
    over = asyncio.Event()
    readers = asyncio.gather(
        _read(process.stdout, limits.output_bytes, over),
        _read(process.stderr, limits.output_bytes, over),
    )
    flooding = asyncio.create_task(over.wait())
    finished = asyncio.create_task(process.wait())
    try:
        done, _ = await asyncio.wait({flooding, finished}, timeout=limits.wall_s,
                                     return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
        stopped = None if finished in done else ("output" if flooding in done else "wall-time")
        if stopped is not None:
            _kill(process)
        code = await process.wait()
        out, err = await readers
    finally:
        # Cancelled, or anything else going wrong: nothing of the run outlives this call.
        if process.returncode is None:
            _kill(process)
            await asyncio.shield(process.wait())
        for task in (flooding, finished, readers):
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await readers
        started = _started(status_read)
    if not started:
        message = err.decode("utf-8", "replace").strip()
        raise SandboxError(f"the sandbox refused to start: {message}")
    if stopped is None and over.is_set():
        stopped = "output"
    # bwrap itself killed (by the limits here) has a negative code; the program killed by a
    # signal is reported by bwrap as 128 + the signal, as shells do.
    killed_by = -code if code < 0 else (code - 128 if code > 128 else None)
    stderr = err.decode("utf-8", "replace")
    if stopped is None and killed_by == signal.SIGXCPU:  # sent at the CPU time limit
        stopped = "cpu-time"
    if stopped is None and code != 0 and any(m in stderr for m in _MEMORY_MARKS):
        stopped = "memory"
    if group is not None and stopped in (None, "wall-time"):
        # Any process of the run killed at the group's memory limit, or refused at its process
        # limit, says more than the time it then took (a child killed, the rest waiting on it).
        if await group.oom_killed():
            stopped = "memory"
        elif stopped is not None and await group.refused_processes():
            stopped = "processes"
    return RunResult(
        exit_code=None if killed_by else code, signal=killed_by,
        stdout=out.decode("utf-8", "replace"), stderr=stderr, stopped=stopped,
        wall_s=time.monotonic() - start,
    )  # fmt: skip


def _started(status_read: int) -> bool:
    """Whether bwrap said it started the program (its JSON status names the child's pid);
    closes ``status_read``. Read after bwrap has ended, so the pipe is at its end."""
    data = bytearray()
    try:
        os.set_blocking(status_read, False)
        with contextlib.suppress(BlockingIOError):
            while chunk := os.read(status_read, 65536):
                data += chunk
    finally:
        os.close(status_read)
    for line in data.decode("utf-8", "replace").splitlines():
        with contextlib.suppress(ValueError):
            if "child-pid" in json.loads(line):
                return True
    return False
