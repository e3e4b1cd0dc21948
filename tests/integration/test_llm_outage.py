"""The LLM server dies mid-interview: the interview goes on from the script, without long gaps."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from agent.bootstrap import load_voice_models
from recruiter_config.settings import LLMSettings, Settings
from recruiter_devstack.llm_server import EmbeddedLLMServer
from recruiter_llm.client import OpenAIChatClient
from recruiter_rehearsal.run import RehearsalOptions, run_rehearsal
from storage import SessionRepository, create_database, session_factory
from tests.conftest import FIXTURES, run

pytestmark = [pytest.mark.models, pytest.mark.llm]

ANSWERS = {
    "why-support": "I enjoy solving problems for people, and I worked on a help desk for years.",
    "hard-customer": "A customer was upset about a wrong bill, so I refunded the fee that day.",
    "busy-day": "I write a short list, take one ticket at a time and breathe between calls.",
}


def test_interview_continues_when_the_llm_server_stops(home: Path) -> None:
    settings = Settings(home=home, llm=LLMSettings(port=8767))
    server = EmbeddedLLMServer(settings)
    endpoint = server.start()
    replies = 0

    def on_event(message: str) -> None:
        nonlocal replies
        if message.startswith("assistant"):
            replies += 1
            if replies == 2:  # after the first reply to an answer, the server goes away
                threading.Thread(target=server.stop).start()

    async def go():  # type: ignore[no-untyped-def]
        chat = OpenAIChatClient(endpoint)
        try:
            options = RehearsalOptions(role=str(FIXTURES / "three_questions.yaml"), answers=ANSWERS)
            return await run_rehearsal(
                settings, options, chat=chat, models=load_voice_models(settings), on_event=on_event
            )
        finally:
            await chat.aclose()
            server.stop()

    result = run(go())
    db = session_factory(create_database(settings.resolved_database_url))
    with db() as s:
        record = SessionRepository(s).get(result.session_id)
        turns = SessionRepository(s).turns(result.session_id)
    assert record is not None and record.status == "completed"
    recruiter = [t for t in turns if t.speaker == "recruiter"]
    assert recruiter[-1].text.endswith("That's all, thank you. Goodbye!")
    answered = [t.question_id for t in turns if t.speaker == "candidate"]
    assert answered == list(ANSWERS)  # each answer one stored turn, on its own question
    after = [t for t in recruiter[2:] if t.latency_s is not None]
    assert len(after) >= 2
    for turn in after:
        events = turn.events or []
        assert all(e["source"] == "fallback" for e in events if e["type"] == "follow-up"), (
            events
        )  # the LLM is gone: any follow-up is the script's
        assert any(e["type"] in ("acknowledgement", "follow-up") for e in events)
        # Once the turn is over, the recruiter speaks within 2 s although the LLM is gone.
        assert turn.latency_s - (turn.endpointing_s or 0) < 2.0, turn.latency_s  # type: ignore[operator]
