"""The demo role run through the real ``AgentSession`` in text mode, for the dialogue tests."""

from __future__ import annotations

import asyncio
from typing import Any

from livekit.agents import AgentSession, llm

from agent.interviewer import Interviewer, ReplyPolicy
from agent.llm_plugin import SeamLLM
from recruiter_llm.client import ChatClient
from rubrics import load_role, plan_for


async def text_interview(
    chat: ChatClient, answers: list[str], policy: ReplyPolicy | None = None
) -> tuple[list[str], Interviewer]:
    """Run the demo role in text mode with ``answers``; return all the recruiter said, in order.

    The session is closed before returning; ``chat`` is left open for its owner to close.
    """
    agent = Interviewer(plan=plan_for(load_role("demo")), chat=chat, policy=policy or ReplyPolicy())
    session: AgentSession[None] = AgentSession(llm=SeamLLM(chat, max_tokens=40, temperature=0))
    said: list[str] = []
    opened = asyncio.Event()

    def on_item(event: Any) -> None:
        if isinstance(event.item, llm.ChatMessage) and event.item.role == "assistant":
            said.append(event.item.text_content or "")
            opened.set()

    session.on("conversation_item_added", on_item)
    try:
        await session.start(agent)
        await asyncio.wait_for(opened.wait(), 10)
        for answer in answers:
            await session.run(user_input=answer)
    finally:
        await session.aclose()
    return said, agent
