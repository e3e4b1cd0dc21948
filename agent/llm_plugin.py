"""livekit-agents LLM plugin over the project's ``ChatClient`` seam."""

from __future__ import annotations

import logging
from typing import Any, Never

from livekit.agents import APIConnectionError, APIConnectOptions, llm
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, NOT_GIVEN, NotGivenOr
from livekit.agents.utils import shortuuid

from recruiter_llm.client import ChatClient, LLMUnavailableError

__all__ = ["SeamLLM"]

logger = logging.getLogger("recruiter.llm")


class SeamLLM(llm.LLM[Never]):  # Never: no events beyond the base class's
    """Expose a ``ChatClient`` to the voice pipeline as a livekit ``llm.LLM``."""

    def __init__(self, client: ChatClient, *, max_tokens: int, temperature: float) -> None:
        super().__init__()
        self._client = client
        self._max_tokens = max_tokens
        self._temperature = temperature

    @property
    def model(self) -> str:
        """The served model's name."""
        return self._client.model

    @property
    def provider(self) -> str:
        """Always the OpenAI-compatible seam."""
        return "openai-compatible"

    @property
    def client(self) -> ChatClient:
        """The seam this plugin speaks through."""
        return self._client

    def chat(
        self,
        *,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool] | None = None,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
        parallel_tool_calls: NotGivenOr[bool] = NOT_GIVEN,
        tool_choice: NotGivenOr[llm.ToolChoice] = NOT_GIVEN,
        extra_kwargs: NotGivenOr[dict[str, Any]] = NOT_GIVEN,
    ) -> SeamLLMStream:
        """Start a streamed completion of ``chat_ctx`` (tools are not used by the interviewer)."""
        return SeamLLMStream(self, chat_ctx=chat_ctx, tools=tools or [], conn_options=conn_options)


class SeamLLMStream(llm.LLMStream):
    """One streamed completion through the seam."""

    def __init__(
        self,
        seam: SeamLLM,
        *,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool],
        conn_options: APIConnectOptions,
    ) -> None:
        super().__init__(seam, chat_ctx=chat_ctx, tools=tools, conn_options=conn_options)
        self._seam = seam

    async def _run(self) -> None:
        messages = [
            {
                "role": str(m.role) if m.role != "developer" else "system",
                "content": m.text_content or "",
            }
            for m in self._chat_ctx.messages()
        ]
        request_id = shortuuid("req_")
        try:
            async for piece in self._seam.client.stream(
                messages, max_tokens=self._seam._max_tokens, temperature=self._seam._temperature
            ):
                self._event_ch.send_nowait(
                    llm.ChatChunk(
                        id=request_id, delta=llm.ChoiceDelta(role="assistant", content=piece)
                    )
                )
        except LLMUnavailableError as e:
            raise APIConnectionError(str(e), retryable=False) from e
