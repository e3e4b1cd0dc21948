"""A control group per sandboxed run: memory and processes counted over the whole run.

The kernel's per-process limits (``prlimit``) let a run of several processes use that many
times the memory, leave memory written to ``/tmp`` and ``/dev/shm`` (tmpfs) uncounted, and
count processes per user. A memory and pids control group around the run closes all three:
every process of the run, and the tmpfs pages they write, are charged to one group, and the
kernel's OOM killer ends the run when the group is over its memory limit.

The groups are made and removed by libcgroup's ``cgroup-tools`` (Debian package), which speaks
both cgroup v1 (a hierarchy per controller, as in many containers) and v2 (the unified one).
Creating a group needs root, or a v2 subtree delegated to this user; where that is refused (a
container without write access to ``/sys/fs/cgroup``, no cgroup-tools; on v2 also a container
whose processes sit in its namespace's root group, where the kernel will not enable the memory
controller for children), ``open_group`` returns None and the run keeps the per-process limits
alone (``logger`` says so once).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PARENT", "RunGroup", "open_group", "sweep_groups"]

logger = logging.getLogger("recruiter.coding")

# Every run's group lives under this one, in each controller's hierarchy.
PARENT = "recruiter-runs"
_CONTROLLERS = "memory,pids"
_V2_MARK = Path("/sys/fs/cgroup/cgroup.controllers")  # only the unified hierarchy has it
_warned: set[str] = set()
_ENV = {"PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "LANG": "C", "LC_ALL": "C"}
# A group older than this was left by a process killed during its run (a run's wall-clock
# limit is at most a minute): ``sweep_groups`` removes it.
STALE_S = 600.0


@dataclass(frozen=True)
class RunGroup:
    """One run's control group (``name`` under ``PARENT``), made by ``open_group``."""

    name: str
    v2: bool

    @property
    def path(self) -> str:
        """The group's path in cgroup-tools' notation (``recruiter-runs/run-…``)."""
        return f"{PARENT}/{self.name}"

    def command(self) -> list[str]:
        """The prefix that starts a program inside the group (``cgexec``; run as root)."""
        return [_tool("cgexec"), "-g", f"{_CONTROLLERS}:{self.path}"]

    async def oom_killed(self) -> bool:
        """Whether the kernel killed a process of the run for the group's memory limit."""
        key = "memory.events" if self.v2 else "memory.oom_control"
        return await self._count(key, "oom_kill") > 0

    async def refused_processes(self) -> bool:
        """Whether a process or thread of the run was refused at the group's process limit."""
        return await self._count("pids.events", "max") > 0

    async def _count(self, key: str, name: str) -> int:
        """The counter ``name`` in the group's flat-keyed file ``key`` (0 when unreadable)."""
        ok, out = await _call(_tool("cgget"), "-n", "-v", "-r", key, self.path)
        for line in out.splitlines() if ok else []:
            found, _, count = line.strip().partition(" ")
            if found == name and count.strip().isdigit():
                return int(count)
        return 0

    async def remove(self) -> None:
        """Remove the group once its processes are gone (they take a moment to be reaped).

        Each controller's hierarchy is removed on its own: on cgroup v1, ``cgdelete`` given
        both removed the memory group only and still exited 0, leaving the pids group behind.
        """
        # v2: one directory serves both controllers, removed once.
        for controller in ["memory"] if self.v2 else _CONTROLLERS.split(","):
            for attempt in range(30):
                ok, out = await _call(_tool("cgdelete"), "-g", f"{controller}:{self.path}")
                if ok or "No such file" in out:
                    break
                await asyncio.sleep(min(0.05 * (attempt + 1), 0.5))  # reaping can take a while
            else:
                logger.warning("could not remove the control group %s:%s", controller, self.path)


async def open_group(name: str, memory_bytes: int, processes: int) -> RunGroup | None:
    """A new control group ``name`` (made unique here) holding at most ``memory_bytes`` of
    memory and no swap, and ``processes`` processes and threads together; None where groups
    cannot be made here. A group left half made (refused limits, cancelled) is removed."""
    if shutil.which("cgcreate") is None:
        _once("cgroup-tools is not installed (`make setup`): memory is limited per process")
        return None
    # Unique: cgcreate takes a group that exists as made, and its counters (OOM kills) are
    # those of whatever ran in it before. The time it was made is in its name, for the sweep.
    group = RunGroup(f"{name}-{int(time.time())}-{secrets.token_hex(6)}", v2=_V2_MARK.exists())
    ok, out = await _call(_tool("cgcreate"), "-g", f"{_CONTROLLERS}:{group.path}")
    if not ok:
        _once(f"no control group per run here ({out.strip()[:200]}): memory is per process")
        return None
    try:
        if group.v2:
            limits = ["-r", f"memory.max={memory_bytes}", "-r", f"pids.max={processes}"]
            # No swap where swap is accounted (a kernel without it has no such file).
            swap = ["-r", "memory.swap.max=0"]
        else:
            limits = ["-r", f"memory.limit_in_bytes={memory_bytes}", "-r", f"pids.max={processes}"]
            swap = ["-r", f"memory.memsw.limit_in_bytes={memory_bytes}"]  # set after the first
        ok, out = await _call(_tool("cgset"), *limits, group.path)
        if ok:
            await _call(_tool("cgset"), *swap, group.path)  # refused: no swap accounting
    except BaseException:
        await asyncio.shield(group.remove())
        raise
    if not ok:
        await asyncio.shield(group.remove())
        _once(f"the control group's limits were refused ({out.strip()[:200]})")
        return None
    return group


async def sweep_groups(older_than_s: float = STALE_S) -> int:
    """Remove the empty run groups under ``PARENT`` made over ``older_than_s`` seconds ago, and
    return how many were removed.

    A process killed during a run (a crash, SIGKILL, a container stopped) leaves its run's
    group behind, empty; workers call this as they start. Each group's directory is removed
    with ``rmdir``, which the kernel refuses for a group that still holds a process (unlike
    ``cgdelete``, which would move that process out of its limits first). A group too young
    may be a run another process is starting, and is kept. A group whose name carries no time
    (made before names did) counts as old.
    """
    return await asyncio.to_thread(_sweep, older_than_s)


def _sweep(older_than_s: float) -> int:
    now, removed = time.time(), set()
    for mount in _mounts():
        parent = mount / PARENT
        try:
            children = [c for c in parent.iterdir() if c.is_dir() and c.name.startswith("run-")]
        except OSError:
            continue
        for child in children:
            parts = child.name.split("-")
            stamp = parts[-2] if len(parts) >= 4 else ""
            if stamp.isdigit() and now - int(stamp) < older_than_s:
                continue
            try:
                child.rmdir()  # refused (EBUSY) while a process is in the group
            except OSError:
                continue
            removed.add(child.name)
    if removed:
        logger.info("removed %d control groups left by runs of stopped processes", len(removed))
    return len(removed)


def _mounts() -> list[Path]:
    """Where this process sees the memory and pids hierarchies (one for cgroup v2)."""
    found: list[Path] = []
    try:
        lines = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        fields = line.split()
        if len(fields) < 4:
            continue
        options = set(fields[3].split(","))
        if fields[2] == "cgroup2" or (fields[2] == "cgroup" and options & {"memory", "pids"}):
            found.append(Path(fields[1]))
    return found


def _tool(name: str) -> str:
    return shutil.which(name) or name


async def _call(*command: str) -> tuple[bool, str]:
    """Run a cgroup-tools command; (whether it exited 0, its output and errors)."""
    try:
        process = await asyncio.create_subprocess_exec(
            *command,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env=_ENV,  # messages in English, whatever the server's locale
        )
    except OSError as e:
        return False, str(e)
    out, _ = await process.communicate()
    return process.returncode == 0, out.decode("utf-8", "replace")


def _once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        logger.warning(message)
