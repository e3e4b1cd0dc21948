"""Events the interview job sends to the candidate's page over the room's data channel."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from livekit import rtc

__all__ = ["EVENTS_TOPIC", "send_event", "send_last_event"]

logger = logging.getLogger("recruiter.worker")

EVENTS_TOPIC = "recruiter.events"


async def send_event(room: rtc.Room, message: dict[str, Any]) -> None:
    """Publish one event to the candidate's page; a closed room is not an error (logged by
    the event's type and the error's class, nothing of its content)."""
    try:
        await room.local_participant.publish_data(
            json.dumps(message), reliable=True, topic=EVENTS_TOPIC
        )
    except Exception as e:  # whatever the room's state, the job goes on
        logger.warning("event %r not sent to the page: %s", message.get("type"), type(e).__name__)


async def send_last_event(
    room: rtc.Room, message: dict[str, Any], identity: str | None, wait_s: float = 5.0
) -> None:
    """Send the job's last event and give the page up to ``wait_s`` seconds to take it and
    leave (the page leaves on "ended"): the job's end disconnects the room, and a message
    still on its way can be lost with it. In a test under load one candidate of two never
    heard "ended" although both interviews completed."""
    left = asyncio.Event()

    def on_left(participant: rtc.RemoteParticipant) -> None:
        if participant.identity == identity:
            left.set()

    room.on("participant_disconnected", on_left)
    try:
        if identity not in {p.identity for p in room.remote_participants.values()}:
            left.set()
        await send_event(room, message)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(left.wait(), wait_s)
    finally:
        room.off("participant_disconnected", on_left)
