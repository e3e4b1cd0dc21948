"""What a live interview records, and where the recording is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.recording import RECORDING_NAME, keep_recording, recording_options


def test_audio_is_recorded_only_where_it_stays_on_our_disk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LIVEKIT_OBSERVABILITY_URL", raising=False)
    local = recording_options("ws://127.0.0.1:7880")
    assert local["audio"] is True
    assert not any(local[k] for k in ("traces", "logs", "transcript", "redaction"))
    assert recording_options("wss://acme-x1y2.livekit.cloud")["audio"] is False
    monkeypatch.setenv("LIVEKIT_OBSERVABILITY_URL", "https://observe.example.com")
    assert recording_options("ws://127.0.0.1:7880")["audio"] is False


def test_the_closed_sessions_recording_moves_into_the_session_folder(tmp_path: Path) -> None:
    job, session = tmp_path / "job", tmp_path / "sessions" / "s1"
    job.mkdir()
    assert keep_recording(job, session) is None  # nothing recorded: nothing kept
    (job / "audio.ogg").write_bytes(b"OggS" + bytes(100))
    kept = keep_recording(job, session)
    assert kept == session / RECORDING_NAME and kept.read_bytes().startswith(b"OggS")
    assert not (job / "audio.ogg").exists()
