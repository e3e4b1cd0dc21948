"""How the interviewer replies (``ReplyPolicy``) and what it records of each reply."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from dialogue import (
    Event,
    FollowUpFailed,
    FollowUpReady,
    InterviewPlan,
    RequestFollowUp,
    follow_up_messages,
)
from recruiter_llm.client import ChatClient, LLMUnavailableError

__all__ = [
    "EarlyFollowUps",
    "LLMReply",
    "RecruiterUtterance",
    "ReplyPolicy",
    "follow_up_result",
    "llm_text",
    "warm_llm",
]

LLMReply = tuple[str, float | None, str | None]
"""An LLM reply: its text, the time to first token (seconds, None: no token), the problem
(``"timeout"``, ``"llm-unavailable"``) or None."""


logger = logging.getLogger("recruiter.agent")


@dataclass(frozen=True)
class ReplyPolicy:
    """How replies use the LLM, and how long silences may last.

    ``follow_up_wait_s`` counts from the end of the candidate's turn: an LLM follow-up not
    ready by then is replaced by the script's (the lead-in is already playing meanwhile).
    ``llm_limit_s`` bounds any one request, early ones included.
    """

    follow_up_wait_s: float = 1.5
    llm_limit_s: float = 8.0
    max_tokens: int = 48
    temperature: float = 0.3
    silence_prompt_s: float = 8.0
    ask_early: bool = False  # ask the LLM while the candidate is still answering
    transcript_wait_s: float = 2.0  # at most this long for the answer's last segment
    # A candidate who goes on within this long of a reply starting to play was not finished:
    # the reply is dropped and the answer continues (our choice: an acknowledgement and the
    # start of the next sentence take about this long in the recruiter's voice).
    barge_in_window_s: float = 2.0
    closing_wait_s: float = 5.0  # ended early: at most this long for the last words to be heard


@dataclass
class RecruiterUtterance:
    """What the recruiter is about to say and why (stored with the recruiter's turn)."""

    question_id: str | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    llm_ttft_s: float | None = None


async def llm_text(
    chat: ChatClient, policy: ReplyPolicy, messages: list[dict[str, str]]
) -> LLMReply:
    """The LLM's one-line reply to ``messages`` within ``policy.llm_limit_s`` seconds.

    Never raises for the server's faults: a timeout keeps the text streamed so far, and an
    unreachable server gives no text; the problem says which.
    """
    started = time.perf_counter()
    ttft: float | None = None
    pieces: list[str] = []
    try:
        async with asyncio.timeout(policy.llm_limit_s):
            stream = chat.stream(
                messages, max_tokens=policy.max_tokens, temperature=policy.temperature,
                stop=("\n",),
            )  # fmt: skip
            # The client's stream is an async generator (it has aclose); the ChatClient port
            # promises only an AsyncIterator, which aclosing's type cannot see.
            async with contextlib.aclosing(stream):  # type: ignore[type-var]
                async for piece in stream:
                    if ttft is None:
                        ttft = time.perf_counter() - started
                    pieces.append(piece)
    except TimeoutError:
        return "".join(pieces), ttft, "timeout"
    except LLMUnavailableError:
        return "", ttft, "llm-unavailable"
    return "".join(pieces), ttft, None


def warm_llm(chat: ChatClient, policy: ReplyPolicy, plan: InterviewPlan) -> asyncio.Task[None]:
    """Send the follow-up prompt's fixed prefix once (one token), so the server caches it.

    A failure only means the first follow-up finds no cache: it is not raised.
    """
    first = plan.questions[0].text if plan.questions else ""
    messages = follow_up_messages(plan.persona, "result", first, "")[:1]
    messages.append({"role": "user", "content": "Hello."})

    async def warm() -> None:
        with contextlib.suppress(LLMUnavailableError, TimeoutError):
            async with asyncio.timeout(policy.llm_limit_s * 2):
                async for _ in chat.stream(messages, max_tokens=1, temperature=0.0):
                    pass

    return asyncio.create_task(warm(), name="warm-llm")


class EarlyFollowUps:
    """Follow-ups asked of the LLM while the candidate is still answering, one per (question
    id, gap): the newest gap's request replaces any other (``ReplyPolicy.ask_early``)."""

    def __init__(self, chat: ChatClient, policy: ReplyPolicy, persona: str) -> None:
        self._chat, self._policy, self._persona = chat, policy, persona
        self._tasks: dict[tuple[str, str], asyncio.Task[LLMReply]] = {}

    def ask(self, request: RequestFollowUp, answer: str) -> None:
        """Ask now for the follow-up ``request`` would make of ``answer`` (the words so far),
        unless it has been asked already."""
        key = (request.question_id, request.gap)
        if key in self._tasks:
            return
        self.drop()
        messages = follow_up_messages(self._persona, request.gap, request.question, answer)
        self._tasks[key] = asyncio.create_task(
            llm_text(self._chat, self._policy, messages), name="early-follow-up"
        )

    def take(self, request: RequestFollowUp) -> asyncio.Task[LLMReply] | None:
        """The request made early for ``request``'s question and gap, if any; the rest dropped."""
        task = self._tasks.pop((request.question_id, request.gap), None)
        self.drop()
        return task

    def drop(self) -> None:
        """Cancel every request still open."""
        for task in self._tasks.values():
            task.cancel()
        self._tasks.clear()


async def follow_up_result(
    chat: ChatClient, policy: ReplyPolicy, persona: str, action: RequestFollowUp,
    early: asyncio.Task[LLMReply] | None, turn_ended: float,
) -> tuple[Event, float | None]:  # fmt: skip
    """The LLM's follow-up for ``action`` if it is ready in time (the flow validates it), as
    the event for the flow, with the LLM's time to first token (seconds) when it answered.

    ``early``: the request made while the answer was still being heard, if one was; else it is
    asked now. It is awaited until ``policy.follow_up_wait_s`` after ``turn_ended``
    (``time.monotonic()``); any failure gives ``FollowUpFailed`` (the script's follow-up).
    """
    task = early
    if task is None:
        messages = follow_up_messages(persona, action.gap, action.question, action.answer)
        task = asyncio.create_task(llm_text(chat, policy, messages), name="follow-up")
    remaining = policy.follow_up_wait_s - (time.monotonic() - turn_ended)
    try:
        reply, ttft, problem = await asyncio.wait_for(task, max(0.0, remaining))
    except TimeoutError:
        reply, ttft, problem = "", None, "not ready in time"
    except Exception as e:  # any failure of the seam: the script's follow-up is asked
        reply, ttft, problem = "", None, f"failed ({type(e).__name__})"
    if problem:
        logger.info("follow-up fell back to the script (%s)", problem)
        return FollowUpFailed(action.request_id, problem), ttft
    return FollowUpReady(action.request_id, reply), ttft
