"""The recording of a browser interview: both sides of the conversation, as the session heard
the candidate and played the recruiter, on one clock. (A phone call is not recorded:
livekit-agents records only a job's first voice session, and a call's first is the desk.)

livekit-agents records it (``AgentSession.start(record=...)`` with audio on: its ``RecorderIO``
writes Ogg Opus, 48 kHz stereo, left the candidate as heard, right the recruiter as played) into
the job's temporary folder; when the session has closed, :func:`keep_recording` moves the file
into the session's folder, where retention and deletion find it (``reports.data_rights``).

With the server on LiveKit Cloud (or ``LIVEKIT_OBSERVABILITY_URL`` set) livekit-agents would
also upload the audio to that observability service, so there audio is not recorded: candidate
audio is kept on our disk only.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from livekit.agents.utils.misc import is_cloud
from livekit.agents.voice.agent_session import RecordingOptions

__all__ = ["RECORDING_NAME", "keep_recording", "recording_options"]

logger = logging.getLogger("recruiter.recording")

RECORDING_NAME = "conversation.ogg"
_RECORDED = "audio.ogg"  # the name livekit-agents gives it in the job's folder


def recording_options(livekit_url: str) -> RecordingOptions:
    """What the session records: audio only, and none where it would leave our disk."""
    uploads = is_cloud(livekit_url) or bool(os.environ.get("LIVEKIT_OBSERVABILITY_URL"))
    if uploads:
        logger.warning("interviews are not recorded: the audio would be uploaded to LiveKit's "
                       "observability service")  # fmt: skip
    return RecordingOptions(audio=not uploads, traces=False, logs=False, transcript=False,
                            redaction=False, input_delta=False)  # fmt: skip


def keep_recording(job_folder: Path, session_folder: Path) -> Path | None:
    """Move the closed session's recording from the job's folder into the session's folder
    (as ``conversation.ogg``); its new path, or None when none was written."""
    source = job_folder / _RECORDED
    if not source.is_file() or source.stat().st_size == 0:
        return None
    session_folder.mkdir(parents=True, exist_ok=True)
    target = session_folder / RECORDING_NAME
    try:
        shutil.move(source, target)
    except OSError as e:
        logger.error("the recording was not kept: %s", type(e).__name__)
        return None
    return target
