"""PostgreSQL restarting for 5 s in the middle of an interview loses no turn (issue 17).

The journal keeps a write the database refuses and retries it in order; the interview goes on
meanwhile, and after the restart every turn and every answer's measurements are stored.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from agent.bootstrap import load_voice_models
from agent.headless_io import CandidateMic
from recruiter_config.settings import Settings
from recruiter_llm.client import LLMEndpoint, OpenAIChatClient
from recruiter_rehearsal.run import RehearsalOptions, RehearsalResult, run_rehearsal
from storage import InterviewSession, SessionRepository, create_database, session_factory
from tests.conftest import run
from tests.integration.test_crash_resume import ROLE
from tests.postgres import postgres_server

pytestmark = [pytest.mark.models, pytest.mark.llm]

# The database stops once the candidate has said the first answer, before its end of turn
# (0.8-3.5 s of endpointing, then the final transcript), and stays down 5 s, or on a loaded
# machine until a write has met it: the answer's write is refused, kept and retried.
ANSWERS = {
    "why-support": "I enjoy solving problems for people.",
    "hard-customer": "A customer was charged twice, so I refunded the fee the same day.",
    "busy-day": "I write a short list of what matters most and take the calls one at a time.",
}


def test_a_database_restart_mid_interview_loses_no_turn(
    home: Path,
    llm_endpoint: LLMEndpoint,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.INFO)
    with postgres_server() as pg:
        settings = Settings(home=home, database_url=pg.url)
        engine = create_database(pg.url)
        db = session_factory(engine)
        down: list[float] = []

        said = threading.Event()
        refused = threading.Event()
        speak = CandidateMic.speak

        async def said_and_heard(self: CandidateMic, *args: Any, **kwargs: Any) -> Any:
            heard = await speak(self, *args, **kwargs)
            said.set()
            return heard

        monkeypatch.setattr(CandidateMic, "speak", said_and_heard)

        class Refusals(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                if "kept and retried" in record.getMessage():
                    refused.set()

        journal_log = logging.getLogger("recruiter.agent")
        journal_log.addHandler(watch := Refusals())

        def outage() -> None:
            assert said.wait(300), "the candidate never spoke"
            engine.dispose()  # this thread's connections: the server is about to go
            pg.stop()
            down.append(time.monotonic())
            time.sleep(5.0)
            refused.wait(60)
            pg.start()
            down.append(time.monotonic())

        restart = threading.Thread(target=outage)
        restart.start()

        async def go() -> RehearsalResult:
            chat = OpenAIChatClient(llm_endpoint)
            try:
                options = RehearsalOptions(role=ROLE, answers=dict(ANSWERS))
                return await run_rehearsal(settings, options, chat=chat,
                                           models=load_voice_models(settings))  # fmt: skip
            finally:
                await chat.aclose()

        try:
            result = run(go())
        finally:
            journal_log.removeHandler(watch)
        restart.join(90)
        assert len(down) == 2, "the database was not restarted during the interview"
        with db() as s:
            record = s.get_one(InterviewSession, result.session_id)
            turns = SessionRepository(s).turns(result.session_id)
            measured = SessionRepository(s).measurements(result.session_id)
            assert record.status == "completed"
        engine.dispose()
    retried = [r for r in caplog.records if "kept and retried" in r.getMessage()]
    assert retried, "no write met the outage: the test proved nothing"
    assert [t.speaker for t in turns] == ["recruiter", "candidate"] * 3 + ["recruiter"]
    answered = [t.question_id for t in turns if t.speaker == "candidate"]
    assert answered == list(ANSWERS)
    assert [t.index for t in turns] == list(range(len(turns)))
    assert [(t.index, t.text) for t in turns] == [(t.index, t.text) for t in result.turns]
    assert {t.index for t in turns if t.speaker == "candidate"} <= measured.keys()
