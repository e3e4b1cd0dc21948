"""Candidates' code in the real sandbox (bubblewrap and kernel limits): what it may not do is
stopped and said, and other runs go on meanwhile (issue 18)."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from recruiter_coding import Limits, RunResult, cgroup, run_code
from recruiter_coding.cgroup import PARENT, open_group
from tests.conftest import run

SHORT = Limits(cpu_s=1, wall_s=4.0, memory_mb=128, processes=16, output_bytes=4096)


def _run(language: str, source: str, **kwargs: object) -> RunResult:
    return run(run_code(language, source, limits=kwargs.pop("limits", SHORT), **kwargs))  # type: ignore[arg-type]


def _sandboxed_processes() -> int:
    """Processes still running a program of a run (their command line names its main file)."""
    count = 0
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                line = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            count += line[-2:-1] in ([b"main.py"], [b"main.js"])
    return count


def test_python_and_javascript_run_read_their_input_and_print() -> None:
    py = _run("python", "import sys\nprint(sum(int(x) for x in sys.stdin.read().split()))",
              stdin="1 2 3\n")  # fmt: skip
    assert py.ok and py.stdout == "6\n"
    js = _run("javascript", "console.log([1, 2, 3].map(x => x * 2).join(','))")
    assert js.ok and js.stdout == "2,4,6\n"
    failing = _run("python", "raise SystemExit(3)")
    assert failing.exit_code == 3 and failing.stopped is None and not failing.ok


def test_an_infinite_loop_is_stopped_at_its_cpu_time() -> None:
    for language, loop in (("python", "while True:\n    pass"), ("javascript", "for (;;) {}")):
        result = _run(language, loop)
        assert result.stopped == "cpu-time", (language, result)


def test_a_program_that_sleeps_forever_is_stopped_at_its_wall_time() -> None:
    result = _run("python", "import time\ntime.sleep(3600)", limits=Limits(wall_s=1.0))
    assert result.stopped == "wall-time"
    assert _sandboxed_processes() == 0


def test_a_fork_bomb_is_held_to_its_processes_and_leaves_nothing_behind() -> None:
    bomb = (
        "import os\n"
        "made = 0\n"
        "while True:\n"
        "    try:\n"
        "        os.fork()\n"
        "        made += 1\n"
        "    except OSError:\n"
        "        print('refused after', made, flush=True)\n"
        "        break\n"
        "import time\n"
        "time.sleep(60)\n"
    )
    result = _run("python", bomb, limits=Limits(cpu_s=2, wall_s=3.0, processes=16))
    # Held at its run's group's process limit where it has one; at its user's, without.
    assert result.stopped == ("processes" if _group_root() else "wall-time"), result
    assert "refused after" in result.stdout  # fork failed: the process limit held
    assert _sandboxed_processes() == 0


def test_a_memory_hog_is_stopped() -> None:
    py = _run("python", "blocks = []\nwhile True:\n    blocks.append(bytearray(10**7))")
    assert py.stopped == "memory", py
    js = _run("javascript", "const a = []; for (;;) a.push(new Array(1e6).fill(1.5));",
              limits=Limits(cpu_s=5, wall_s=10.0, memory_mb=128))  # fmt: skip
    assert js.stopped == "memory", js


def test_nothing_outside_the_sandbox_can_be_written_and_its_tmp_is_thrown_away(
    tmp_path: Path,
) -> None:
    outside = tmp_path / "escaped.txt"
    probe = (
        "import os\n"
        f"for path in ['/code/new.txt', '/usr/new.txt', '/new.txt', '/dev/new.txt',\n"
        f"             {str(outside)!r}, '/tmp/kept.txt']:\n"
        "    try:\n"
        "        open(path, 'w').write('x')\n"
        "        print(path, 'written')\n"
        "    except OSError as e:\n"
        "        print(path, type(e).__name__)\n"
    )
    result = _run("python", probe)
    lines = dict(line.rsplit(" ", 1) for line in result.stdout.splitlines())
    refused = ["/code/new.txt", "/usr/new.txt", "/new.txt", "/dev/new.txt"]
    assert [lines[p] for p in refused] == ["OSError"] * 4 or all(
        lines[p] != "written" for p in refused
    ), lines
    assert lines[str(outside)] != "written" and not outside.exists()
    assert lines["/tmp/kept.txt"] == "written"
    again = _run("python", "import os\nprint(os.path.exists('/tmp/kept.txt'))")
    assert again.stdout == "False\n"


def test_no_socket_reaches_the_server_or_anywhere_else() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(0.5)
        port = server.getsockname()[1]
        probe = (
            "import socket\n"
            f"for address in [('127.0.0.1', {port}), ('1.1.1.1', 53)]:\n"
            "    try:\n"
            "        socket.create_connection(address, timeout=1).close()\n"
            "        print('connected')\n"
            "    except OSError as e:\n"
            "        print(type(e).__name__)\n"
        )
        result = _run("python", probe)
        with pytest.raises(TimeoutError):
            server.accept()  # nothing came in
    assert "connected" not in result.stdout and len(result.stdout.splitlines()) == 2


def test_a_flood_of_output_is_cut_and_stopped() -> None:
    result = _run("python", "while True:\n    print('x' * 1000)")
    assert result.stopped == "output"
    assert len(result.stdout) <= SHORT.output_bytes


def test_other_runs_finish_while_one_spins() -> None:
    async def both() -> tuple[str, str]:
        spin = asyncio.create_task(run_code("python", "while True:\n    pass", limits=SHORT))
        quick = asyncio.create_task(run_code("python", "print('done')", limits=SHORT))
        order: list[str] = []
        for finished in asyncio.as_completed([spin, quick]):
            result = await finished
            order.append("quick" if result.stdout == "done\n" else "spin")
        return order[0], (await spin).stopped or ""

    first, spin_stopped = run(both())
    assert first == "quick" and spin_stopped == "cpu-time"


def test_unknown_languages_and_paths_as_file_names_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        _run("cobol", "DISPLAY 'HI'.")
    with pytest.raises(ValueError, match="a file name, not a path"):
        _run("python", "print(1)", files={"../evil.py": "x"})


def test_the_servers_environment_is_not_visible_inside() -> None:
    probe = (
        "import os\n"
        "for pid in os.listdir('/proc'):\n"
        "    if pid.isdigit():\n"
        "        for pair in open(f'/proc/{pid}/environ', 'rb').read().split(b'\\0'):\n"
        "            if pair:\n"
        "                print(pair.split(b'=')[0].decode())\n"
    )
    result = _run("python", probe)
    names = set(result.stdout.split())
    # bwrap itself (pid 1 inside) and the program: only what the sandbox sets (bwrap adds PWD,
    # Python LC_CTYPE), never the server's variables.
    assert names and names <= {"PATH", "HOME", "LANG", "PWD", "LC_CTYPE"}, names


def test_shared_memory_is_held_to_the_file_size_limit() -> None:
    probe = (
        "try:\n"
        "    with open('/dev/shm/big', 'wb') as f:\n"
        "        for _ in range(64):\n"
        "            f.write(b'x' * 2**20)\n"
        "    print('written')\n"
        "except OSError as e:\n"
        "    print(type(e).__name__)\n"
    )
    result = _run("python", probe, limits=Limits(cpu_s=2, wall_s=4.0, file_mb=8))
    assert "written" not in result.stdout


def test_a_program_that_never_reads_a_large_input_still_stops_at_its_wall_time() -> None:
    result = _run("python", "import time\ntime.sleep(3600)", stdin="1 " * 200_000,
                  limits=Limits(wall_s=1.0))  # fmt: skip
    assert result.stopped == "wall-time"


def test_a_cancelled_run_leaves_nothing_running() -> None:
    async def cancelled() -> None:
        task = asyncio.create_task(
            run_code("python", "import time\ntime.sleep(3600)", limits=Limits(wall_s=30.0))
        )
        await asyncio.sleep(1.0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run(cancelled())
    assert _sandboxed_processes() == 0


def test_a_program_cannot_pass_for_a_sandbox_failure() -> None:
    result = _run("python", "import sys\nsys.stderr.write('bwrap: Creating new namespace failed')\n"
                  "raise SystemExit(1)")  # fmt: skip
    assert result.exit_code == 1 and result.stderr.startswith("bwrap:")


def _group_root() -> Path | None:
    """Where this machine keeps the runs' memory groups; None where it cannot make groups at
    all (not root, no cgroup-tools, or the kernel refuses ``cgcreate``). Where a bare group
    can be made, ``open_group`` must make one: a refused limit fails here, not a skip."""
    if os.geteuid() != 0 or shutil.which("cgcreate") is None:
        return None
    probe = f"{PARENT}/probe-{os.getpid()}"
    made = subprocess.run(["cgcreate", "-g", f"memory,pids:{probe}"], capture_output=True)
    if made.returncode != 0:
        return None
    for controller in ("memory", "pids"):
        subprocess.run(["cgdelete", "-g", f"{controller}:{probe}"], capture_output=True)
    group = run(open_group("run-probe", 64 * 1024 * 1024, 8))
    assert group is not None, "a bare control group can be made here, but not a run's"
    run(group.remove())
    return Path("/sys/fs/cgroup") if group.v2 else Path("/sys/fs/cgroup/memory")


def _groups(root: Path) -> set[Path]:
    """The runs' groups in every hierarchy (v1: memory and pids each have theirs)."""
    hierarchies = [root] if root.name == "cgroup" else [root, root.parent / "pids"]
    return {g for h in hierarchies for g in (h / PARENT).glob("run-*")}


def test_the_processes_of_a_run_share_one_memory_limit_and_leave_no_group() -> None:
    root = _group_root()
    if root is None:
        pytest.skip("no control group can be made here: memory is limited per process")
    before = _groups(root)
    # Four processes of 100 MB each: each under its own data limit (128 MB), together over the
    # run's group (128 MB + 2 x 8 MB of tmpfs + 64 MB).
    hold = (  # 100 MB, every page written
        "block = bytearray(100 * 10**6)\nfor i in range(0, len(block), 4096):\n    block[i] = 1\n"
    )
    spread = (
        "import os, time\n"
        "for _ in range(3):\n"
        "    if os.fork() == 0:\n"
        "        break\n"
        f"{hold}"
        "print('held', flush=True)\n"
        "time.sleep(3)\n"
    )
    result = _run("python", spread, limits=Limits(cpu_s=5, wall_s=10.0, memory_mb=128))
    assert result.stopped == "memory", result
    assert result.stdout.count("held") < 4
    waiting = (  # four children run over the group; the parent itself ends well
        "import os\n"
        "children = []\n"
        "for _ in range(4):\n"
        "    child = os.fork()\n"
        "    if child == 0:\n"
        f"        exec({hold!r})\n"
        "        os._exit(0)\n"
        "    children.append(child)\n"
        "for child in children:\n"
        "    os.waitpid(child, 0)\n"
    )
    parent_ok = _run("python", waiting, limits=Limits(cpu_s=5, wall_s=10.0, memory_mb=128))
    assert parent_ok.stopped == "memory", parent_ok
    alone = _run("python", spread.replace("range(3)", "range(0)"),
                 limits=Limits(cpu_s=5, wall_s=10.0, memory_mb=128))  # fmt: skip
    assert alone.ok and alone.stdout == "held\n", alone  # one such process fits
    left = _groups(root) - before
    assert not left, f"control groups left behind: {sorted(left)}"


def test_without_control_groups_a_run_keeps_its_per_process_limits(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = shutil.which
    monkeypatch.setattr(
        "recruiter_coding.cgroup.shutil.which",
        lambda name: None if name == "cgcreate" else real(name),
    )
    monkeypatch.setattr(cgroup, "_warned", set())
    result = _run("python", "print(6 * 7)")
    assert result.ok and result.stdout == "42\n"
    if os.geteuid() == 0:  # only root makes groups at all
        assert "memory is limited per process" in caplog.text
    hog = _run("python", "blocks = []\nwhile True:\n    blocks.append(bytearray(10**7))")
    assert hog.stopped == "memory", hog


def test_groups_left_by_killed_runs_are_swept_and_groups_in_use_are_kept() -> None:
    root = _group_root()
    if root is None:
        pytest.skip("no control group can be made here")
    hour_ago, now = int(time.time()) - 3600, int(time.time())
    left = f"run-0-{hour_ago}-{secrets.token_hex(6)}"  # a run whose process was killed
    legacy = f"run-0-{secrets.token_hex(6)}"  # named before names carried the time
    starting = f"run-0-{now}-{secrets.token_hex(6)}"  # another process's run, just made
    busy = f"run-0-{hour_ago}-{secrets.token_hex(6)}"  # old, but a process is still in it
    names = (left, legacy, starting, busy)
    for name in names:
        subprocess.run(["cgcreate", "-g", f"memory,pids:{PARENT}/{name}"], check=True)
    sleeper = subprocess.Popen(["cgexec", "-g", f"memory,pids:{PARENT}/{busy}", "sleep", "60"])
    try:
        procs = root / PARENT / busy / "cgroup.procs"
        deadline = time.monotonic() + 10
        while not procs.read_text().strip() and time.monotonic() < deadline:
            time.sleep(0.05)  # until the sleeper is in its group
        assert procs.read_text().strip(), "the process never entered its group"
        removed = run(cgroup.sweep_groups())
        kept = {g.name for g in _groups(root)}
        assert left not in kept and legacy not in kept, kept
        assert starting in kept and busy in kept, kept
        assert removed >= 2
    finally:
        sleeper.kill()
        sleeper.wait()
        for name in names:
            run(cgroup.RunGroup(name, v2=root.name == "cgroup").remove())
    assert not {left, legacy, starting, busy} & {g.name for g in _groups(root)}
