"""The phone desk's queue of codes and losses: a loss counts only after the prompt it followed."""

from __future__ import annotations

import asyncio

from agent.phone_desk import next_code
from tests.conftest import run


def _queue(*items: tuple[str, list[str]] | int) -> asyncio.Queue[tuple[str, list[str]] | int]:
    queue: asyncio.Queue[tuple[str, list[str]] | int] = asyncio.Queue()
    for item in items:
        queue.put_nowait(item)
    return queue


def test_losses_from_before_the_prompt_are_passed_over() -> None:
    async def go() -> list[object]:
        stale_then_code = _queue(1, 1, ("4072", ["4072"]))
        stale_then_lost = _queue(1, 2, ("4072", ["4072"]))
        return [
            await next_code(stale_then_code, 2, wait_s=1.0),
            await next_code(stale_then_lost, 2, wait_s=1.0),
            await next_code(stale_then_lost, 2, wait_s=1.0),  # the code after the loss waits
        ]

    assert run(go()) == [("4072", ["4072"]), None, ("4072", ["4072"])]


def test_nothing_but_old_losses_within_the_wait_is_nothing_heard() -> None:
    async def go() -> tuple[str, list[str]] | None:
        return await next_code(_queue(0, 1), 2, wait_s=0.2)

    assert run(go()) == ("", [])
