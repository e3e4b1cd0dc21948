"""A ``ChatClient`` that answers from a script, optionally slowly or not at all."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from typing import Any

from recruiter_llm.client import LLMUnavailableError

__all__ = ["FakeChat"]


class FakeChat:
    """Answers follow-up prompts with ``follow_up`` and any other prompt with ``ack``.

    Args:
        follow_up: the reply to a follow-up prompt.
        ack: the reply to any other prompt.
        down: every request fails as an unreachable server does.
        delay_s: how long each reply takes to start (the model's time to first token).

    ``requests`` lists the kind of each request ("follow-up" or "other"); ``log`` records
    "asked" and "returned" in order, for tests that check what happened first.
    """

    model = "scripted"

    def __init__(
        self, *, follow_up: str = "", ack: str = "", down: bool = False, delay_s: float = 0.0,
        log: list[str] | None = None,
    ) -> None:  # fmt: skip
        self.follow_up, self.ack, self.down, self.delay_s = follow_up, ack, down, delay_s
        self.requests: list[str] = []
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

    async def complete_json(self, messages: Any, schema: Any, *, max_tokens: int) -> str:
        return "{}"

    async def ping(self, timeout_s: float) -> None:
        return None

    async def aclose(self) -> None:
        return None
