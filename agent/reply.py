"""How the interviewer replies (``ReplyPolicy``) and what it records of each reply."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

from dialogue import InterviewPlan, follow_up_messages
from recruiter_llm.client import ChatClient, LLMUnavailableError

__all__ = ["LLMReply", "RecruiterUtterance", "ReplyPolicy", "llm_text", "warm_llm"]

LLMReply = tuple[str, float | None, str | None]
"""An LLM reply: its text, the time to first token (seconds, None: no token), the problem
(``"timeout"``, ``"llm-unavailable"``) or None."""


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
