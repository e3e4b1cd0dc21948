"""The one fake of the ``ChatClient`` port: scripted replies, optionally slow or down."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from recruiter_llm.client import LLMUnavailableError

__all__ = ["FakeChat"]


class FakeChat:
    """Streams ``follow_up`` to follow-up prompts and ``ack`` to any other prompt; answers JSON
    requests from ``json_replies``.

    Args:
        follow_up: the streamed reply to a follow-up prompt.
        ack: the streamed reply to any other prompt.
        json_replies: ``complete_json``'s replies in order (the last one repeats), or a
            function of the messages that makes each reply.
        down: every request fails as an unreachable server does.
        delay_s: how long each streamed reply takes to start (time to first token).

    ``requests`` lists the kind of each streamed request ("follow-up" or "other"); ``log``
    records "asked" and "returned" in order, for tests that check what happened first;
    ``json_calls`` keeps the messages and schema of every ``complete_json`` call.
    """

    model = "scripted"

    def __init__(
        self, *, follow_up: str = "", ack: str = "",
        json_replies: Sequence[str] | Callable[[Sequence[dict[str, str]]], str] = ("{}",),
        down: bool = False, delay_s: float = 0.0, log: list[str] | None = None,
    ) -> None:  # fmt: skip
        self.follow_up, self.ack, self.down, self.delay_s = follow_up, ack, down, delay_s
        self.json_replies = json_replies
        self.requests: list[str] = []
        self.json_calls: list[tuple[list[dict[str, str]], dict[str, Any]]] = []
        self.log = log if log is not None else []

    async def stream(
        self, messages: Sequence[dict[str, str]], *, max_tokens: int, temperature: float,
        stop: Sequence[str] = (),
    ) -> AsyncIterator[str]:  # fmt: skip
        if self.down:
            raise LLMUnavailableError("connection refused")
        kind = "follow-up" if "follow-up" in messages[0]["content"] else "other"
        if max_tokens > 1:
            self.requests.append(kind)
        self.log.append(f"asked {kind}")
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        self.log.append(f"returned {kind}")
        yield self.follow_up if kind == "follow-up" else self.ack

    async def complete_json(
        self, messages: Sequence[dict[str, str]], schema: dict[str, Any], *, max_tokens: int
    ) -> str:
        if self.down:
            raise LLMUnavailableError("connection refused")
        self.json_calls.append((list(messages), schema))
        if callable(self.json_replies):
            return self.json_replies(messages)
        return self.json_replies[min(len(self.json_calls), len(self.json_replies)) - 1]

    async def ping(self, timeout_s: float) -> None:
        if self.down:
            raise LLMUnavailableError("connection refused")

    async def aclose(self) -> None:
        return None
