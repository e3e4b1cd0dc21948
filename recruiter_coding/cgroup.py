"""A control group per sandboxed run: memory and processes counted over the whole run.

The kernel's per-process limits (``prlimit``) let a run of several processes use that many
times the memory, leave memory written to ``/tmp`` and ``/dev/shm`` (tmpfs) uncounted, and
count processes per user. A memory and pids control group around the run closes all three:
every process of the run, and the tmpfs pages they write, are charged to one group, and the
kernel's OOM killer ends the run when the group is over its memory limit.

The groups are made and removed by libcgroup's ``cgroup-tools`` (Debian package), which speaks
both cgroup v1 (a hierarchy per controller, as in many containers) and v2 (the unified one).
Creating a group needs root, or a v2 subtree delegated to this user; where that is refused (a
container without write access to ``/sys/fs/cgroup``, no cgroup-tools), ``open_group`` returns
None and the run keeps the per-process limits alone (``logger`` says so once).
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PARENT", "RunGroup", "open_group"]

logger = logging.getLogger("recruiter.coding")

# Every run's group lives under this one, in each controller's hierarchy.
PARENT = "recruiter-runs"
_CONTROLLERS = "memory,pids"
_V2_MARK = Path("/sys/fs/cgroup/cgroup.controllers")  # only the unified hierarchy has it
_warned: set[str] = set()


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
        for controller in _CONTROLLERS.split(","):
            for _ in range(20):
                ok, out = await _call(_tool("cgdelete"), "-g", f"{controller}:{self.path}")
                if ok or "No such file" in out:  # v2: one group serves both controllers
                    break
                await asyncio.sleep(0.05)
            else:
                logger.warning("could not remove the control group %s:%s", controller, self.path)


async def open_group(name: str, memory_bytes: int, processes: int) -> RunGroup | None:
    """A new control group ``name`` holding at most ``memory_bytes`` of memory (no swap) and
    ``processes`` processes and threads together; None where groups cannot be made here."""
    if shutil.which("cgcreate") is None:
        _once("cgroup-tools is not installed (`make setup`): memory is limited per process")
        return None
    group = RunGroup(name, v2=_V2_MARK.exists())
    ok, out = await _call(_tool("cgcreate"), "-g", f"{_CONTROLLERS}:{group.path}")
    if not ok:
        _once(f"no control group per run here ({out.strip()[:200]}): memory is per process")
        return None
    memory = ["-r", f"memory.max={memory_bytes}", "-r", "memory.swap.max=0"] if group.v2 else [
        "-r", f"memory.limit_in_bytes={memory_bytes}"]  # fmt: skip
    ok, out = await _call(_tool("cgset"), *memory, "-r", f"pids.max={processes}", group.path)
    if not ok:
        await group.remove()
        _once(f"the control group's limits were refused ({out.strip()[:200]})")
        return None
    return group


def _tool(name: str) -> str:
    return shutil.which(name) or name


async def _call(*command: str) -> tuple[bool, str]:
    """Run a cgroup-tools command; (whether it exited 0, its output and errors)."""
    try:
        process = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
    except OSError as e:
        return False, str(e)
    out, _ = await process.communicate()
    return process.returncode == 0, out.decode("utf-8", "replace")


def _once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        logger.warning(message)
