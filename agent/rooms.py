"""Room access on the LiveKit server: candidate tokens that dispatch the interviewer.

The web app asks here for tokens (and, when the interviewer's job died, for a new one to be
sent into the room); it never talks LiveKit itself. A token joins exactly one room
as exactly one identity, for a short time, and its room configuration dispatches the agent
(by name) with the job metadata that says which interview to hold.
"""

from __future__ import annotations

import datetime
import json
from typing import Literal

from livekit import api
from pydantic import BaseModel, Field

from recruiter_config.settings import LiveKitSettings

__all__ = ["InterviewJob", "candidate_token", "read_job", "recall_interviewer"]


class InterviewJob(BaseModel):
    """What the worker needs to hold one interview; travels as the dispatch's job metadata."""

    role_id: str = Field(min_length=1)
    role_version: str | None = None  # None: the latest stored version, else the shipped file
    candidate_id: str | None = None
    mode: Literal["practice", "exam"] | None = None  # None: the role script's own mode
    # The invitation's room when the interview runs elsewhere (a phone call's own room): the
    # session is stored under it, so the invitation's page finds it.
    invitation_room: str | None = Field(default=None, max_length=100)
    # Sent back by the candidate's page after the room's job died (``recall_interviewer``):
    # the job goes on with the stored interview, or writes the report its end left unwritten.
    recalled: bool = False


def read_job(metadata: str | None) -> InterviewJob | None:
    """The interview a job's metadata names, or None when it names none (console, tests)."""
    if not metadata:
        return None
    return InterviewJob.model_validate(json.loads(metadata))


def candidate_token(
    livekit: LiveKitSettings,
    *,
    room: str,
    identity: str,
    job: InterviewJob,
    agent_name: str,
    ttl_s: int,
    name: str = "Candidate",
    departure_s: int = 90,
) -> str:
    """A JWT that joins ``room`` as ``identity`` (publish camera and mic, receive data).

    The first join creates the room and dispatches ``agent_name`` with ``job`` as metadata.
    ``departure_s``: how long (s) the room stays open once the candidate has left.
    """
    grants = api.VideoGrants(
        room_join=True, room=room, can_publish=True, can_subscribe=True, can_publish_data=True,
        can_publish_sources=["camera", "microphone"],
    )  # fmt: skip
    config = api.RoomConfiguration(
        name=room,
        empty_timeout=60,
        # The room outlives a candidate who left for longer than the wait for them to come
        # back (web.rejoin_s; LiveKit's default of 20 s would close it, and the job with it).
        departure_timeout=departure_s,
        agents=[api.RoomAgentDispatch(agent_name=agent_name, metadata=job.model_dump_json())],
    )
    return (
        api.AccessToken(livekit.api_key, livekit.api_secret)
        .with_identity(identity)
        .with_name(name)
        .with_ttl(datetime.timedelta(seconds=ttl_s))
        .with_grants(grants)
        .with_room_config(config)
        .to_jwt()
    )


async def recall_interviewer(
    livekit: LiveKitSettings, *, room: str, agent_name: str, job: InterviewJob
) -> bool:
    """Dispatch ``agent_name`` into ``room`` again (its job died mid-interview; the new job
    resumes the stored session, ``agent.resume``), unless an agent is in the room already.

    Returns:
        True when a dispatch was made; False when an agent is there (nothing to do).

    Raises:
        livekit.api.TwirpError, aiohttp.ClientError: the LiveKit server refused or is down.
    """
    lk = api.LiveKitAPI(livekit.url, livekit.api_key, livekit.api_secret)
    try:
        people = await lk.room.list_participants(api.ListParticipantsRequest(room=room))
        agent = api.ParticipantInfo.Kind.AGENT
        if any(p.kind == agent for p in people.participants):
            return False
        await lk.agent_dispatch.create_dispatch(api.CreateAgentDispatchRequest(
            agent_name=agent_name, room=room, metadata=job.model_dump_json(),
        ))  # fmt: skip
        return True
    finally:
        await lk.aclose()
