"""The livekit-agents server whose job runs one interview in a room (console mode uses it too)."""

from __future__ import annotations

import asyncio
import logging

from livekit.agents import AgentServer, JobContext, JobProcess

from agent.bootstrap import VoiceModels, load_voice_models
from agent.interview import finish_interview, open_interview
from agent.llm_client import LLMEndpoint, OpenAIChatClient
from agent.settings import Settings
from rubrics import load_role_source
from storage import create_database, session_factory

__all__ = ["build_server"]

logger = logging.getLogger("recruiter.worker")


def build_server(settings: Settings, role_id: str, endpoint: LLMEndpoint) -> AgentServer:
    """An ``AgentServer`` whose every job interviews the room's participant with ``role_id``."""
    server = AgentServer()

    def prewarm(proc: JobProcess) -> None:
        proc.userdata["models"] = load_voice_models(settings)

    server.setup_fnc = prewarm

    @server.rtc_session()
    async def interview(ctx: JobContext) -> None:
        models: VoiceModels = ctx.proc.userdata.get("models") or load_voice_models(settings)
        source = load_role_source(role_id)
        db = session_factory(create_database(settings.resolved_database_url))
        chat = OpenAIChatClient(endpoint)
        live = open_interview(
            settings, source, db=db, chat=chat, models=models, channel=ctx.room.name or "room"
        )
        status, reason = "failed", "the session closed before the closing line"

        def on_close(_event: object) -> None:
            finish_interview(db, live.session_id, status=status, reason=reason)

        live.session.on("close", on_close)
        await live.session.start(live.interviewer, room=ctx.room, record=False)
        await live.interviewer.ended.wait()
        status, reason = "completed", live.interviewer.end_reason
        logger.info("interview complete")
        await asyncio.sleep(0.5)
        live.session.shutdown()
        await live.aclose()  # the last answer's measurements are stored before the job ends
        await chat.aclose()

    return server
