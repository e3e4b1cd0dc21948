"""Run a candidate's code in a sandbox: a throwaway process per run, isolated and limited.

Isolation is Debian's ``bubblewrap``: new user, PID, network, IPC, UTS and cgroup namespaces
(so no network at all, not even loopback to the server), the system's ``/usr`` read-only, the
code in a read-only folder, and a small ``/tmp`` in memory that disappears with the run. Limits
are kernel resource limits set by util-linux's ``prlimit``: CPU seconds, data memory, processes
and file size, no core dumps. Started by root (a container), the run drops to a user id of its
own first (``setpriv``), so the process limit counts only the run's own processes (the kernel
exempts root from it). The wall clock, the output size and the whole process tree are watched
here: a run past its time, or printing too much, is killed with everything it started.

Nothing here is home-made isolation: the namespaces and limits are the kernel's, applied by
those two well-kept tools; this module only chooses them and reads the result.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

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
    # -I: isolated (no user site, no PYTHON* variables); -B: no bytecode files written.
    "python": Language("python", "main.py", ("/usr/bin/python3", "-I", "-B", "main.py")),
    "javascript": Language("javascript", "main.js", ("/usr/bin/node", "main.js")),
}


@dataclass(frozen=True)
class RunResult:
    """What a run did.

    ``stopped`` says why the sandbox ended it ("cpu-time", "wall-time", "memory", "output"),
    None when the program ended on its own (``exit_code``, or killed by ``signal``).
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


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise SandboxError(f"`{name}` is not installed; run `make setup` (Debian packages)")
    return path


def _command(language: Language, folder: Path, limits: Limits) -> list[str]:
    """setpriv (as root) -> prlimit -> bwrap -> the interpreter."""
    memory = limits.memory_mb * 1024 * 1024
    file_size = limits.file_mb * 1024 * 1024
    drop: list[str] = []
    if os.geteuid() == 0:
        uid = _FIRST_UID + secrets.randbelow(_UIDS)
        drop = [_tool("setpriv"), f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                "--inh-caps=-all", "--"]  # fmt: skip
    prlimit = [_tool("prlimit"), f"--cpu={limits.cpu_s}:{limits.cpu_s + 1}",
               f"--data={memory}", f"--nproc={limits.processes}", f"--fsize={file_size}",
               "--core=0", "--"]  # fmt: skip
    bwrap = [
        _tool("bwrap"), *_SYSTEM,
        "--ro-bind", str(folder), "/code", "--chdir", "/code",
        "--size", str(file_size), "--tmpfs", "/tmp",
        "--proc", "/proc", "--dev", "/dev",
        "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session",
        "--clearenv", "--setenv", "PATH", "/usr/bin", "--setenv", "HOME", "/tmp",
        "--setenv", "LANG", "C.UTF-8", "--",
    ]  # fmt: skip
    return [*drop, *prlimit, *bwrap, *language.command]


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
) -> RunResult:
    """Run ``source`` as a program in ``language`` in a fresh sandbox.

    Args:
        language: a key of ``LANGUAGES``.
        source: the program (the main file).
        stdin: what it reads on standard input.
        files: more files beside it, by name (a test harness, data), read-only.
        limits: what the run may use (``Limits()`` by default).

    Returns:
        How it ended, with its output (UTF-8, undecodable bytes replaced).

    Raises:
        ValueError: an unknown language or a file name with a path in it.
        SandboxError: the sandbox tools are missing or refused to start.
    """
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; use one of {sorted(LANGUAGES)}")
    lang, limits = LANGUAGES[language], limits or Limits()
    with tempfile.TemporaryDirectory(prefix="recruiter-run-") as tmp:
        folder = Path(tmp)
        folder.chmod(0o755)  # readable by the run's own user id
        for name, text in {**(files or {}), lang.file: source}.items():
            if Path(name).name != name or name.startswith("."):
                raise ValueError(f"a file name, not a path: {name!r}")
            (folder / name).write_text(text, encoding="utf-8")
            (folder / name).chmod(0o644)
        return await _run(_command(lang, folder, limits), stdin, limits)


async def _run(command: list[str], stdin: str, limits: Limits) -> RunResult:
    start = time.monotonic()
    try:
        process = await asyncio.create_subprocess_exec(
            *command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, start_new_session=True,
        )  # fmt: skip
    except OSError as e:
        raise SandboxError(f"the sandbox could not start: {e}") from e
    assert process.stdin and process.stdout and process.stderr
    over = asyncio.Event()
    readers = asyncio.gather(
        _read(process.stdout, limits.output_bytes, over),
        _read(process.stderr, limits.output_bytes, over),
    )
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        process.stdin.write(stdin.encode("utf-8"))
        await process.stdin.drain()
        process.stdin.close()
    flooding = asyncio.create_task(over.wait())
    finished = asyncio.create_task(process.wait())
    done, _ = await asyncio.wait({flooding, finished}, timeout=limits.wall_s,
                                 return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
    stopped = None if finished in done else ("output" if flooding in done else "wall-time")
    if stopped is not None:
        _kill(process)
    flooding.cancel()
    code = await process.wait()
    _kill(process)  # anything it left behind in its session
    out, err = await readers
    wall = time.monotonic() - start
    stderr = err.decode("utf-8", "replace")
    # bwrap itself killed (by the limits here) has a negative code; the program killed by a
    # signal is reported by bwrap as 128 + the signal, as shells do.
    killed_by = -code if code < 0 else (code - 128 if code > 128 else None)
    if stopped is None and killed_by == signal.SIGXCPU:  # sent only at the CPU time limit
        stopped = "cpu-time"
    if stopped is None and code != 0 and any(m in stderr for m in _MEMORY_MARKS):
        stopped = "memory"
    if stderr.startswith("bwrap:"):
        raise SandboxError(f"the sandbox refused to start: {stderr.strip()}")
    return RunResult(
        exit_code=None if killed_by else code, signal=killed_by,
        stdout=out.decode("utf-8", "replace"), stderr=stderr, stopped=stopped, wall_s=wall,
    )  # fmt: skip
