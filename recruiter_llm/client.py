"""The one seam to a language model: an OpenAI-compatible chat endpoint (vLLM or llama.cpp).

``ChatClient`` is the port the rest of the project codes against; ``OpenAIChatClient`` is the
real implementation; tests pass a fake that implements the same protocol.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, cast

import openai
from openai.types.chat import ChatCompletionMessageParam
from openai.types.shared_params import ResponseFormatJSONObject

__all__ = ["ChatClient", "JsonMode", "LLMEndpoint", "LLMUnavailableError", "OpenAIChatClient"]

logger = logging.getLogger("recruiter.llm")


class LLMUnavailableError(Exception):
    """The LLM endpoint did not answer, or answered with an error."""


JsonMode = Literal["json_schema", "json_object"]


@dataclass(frozen=True)
class LLMEndpoint:
    """Where the model is served, under which name, and how it takes a JSON schema."""

    base_url: str
    model: str
    api_key: str = "not-needed"
    json_mode: JsonMode = "json_schema"


class ChatClient(Protocol):
    """A chat model reached over an OpenAI-compatible API."""

    @property
    def model(self) -> str:
        """The served model's name."""
        ...

    def stream(
        self,
        messages: Sequence[dict[str, str]],
        *,
        max_tokens: int,
        temperature: float,
        stop: Sequence[str] = (),
    ) -> AsyncIterator[str]:
        """Stream the reply's text pieces.

        Args:
            messages: OpenAI-style ``{"role", "content"}`` messages.
            max_tokens: upper bound on generated tokens.
            temperature: sampling temperature.
            stop: strings that end the generation.

        Raises:
            LLMUnavailableError: the endpoint failed or could not be reached.
        """
        ...

    async def complete_json(
        self, messages: Sequence[dict[str, str]], schema: dict[str, Any], *, max_tokens: int
    ) -> str:
        """The reply's text, constrained to JSON matching ``schema`` where the server can.

        Raises:
            LLMUnavailableError: the endpoint failed or could not be reached.
        """
        ...

    async def ping(self, timeout_s: float) -> None:
        """Raise ``LLMUnavailableError`` unless the endpoint answers within ``timeout_s``."""
        ...

    async def aclose(self) -> None:
        """Release the client's connections."""
        ...


def _openai_messages(messages: Sequence[dict[str, str]]) -> list[ChatCompletionMessageParam]:
    """Plain ``{"role", "content"}`` dicts as the OpenAI client's message type (the same data)."""
    return cast("list[ChatCompletionMessageParam]", list(messages))


class OpenAIChatClient:
    """``ChatClient`` over the ``openai`` package, for vLLM, llama.cpp or any compatible server.

    The endpoint's ``json_mode`` hides how servers take a JSON schema: vLLM (and OpenAI) accept
    ``{"type": "json_schema", ...}``; llama.cpp's server rejects it and wants
    ``{"type": "json_object", "schema": ...}``.
    """

    def __init__(self, endpoint: LLMEndpoint, *, timeout_s: float = 30.0) -> None:
        self._endpoint = endpoint
        self._timeout_s = timeout_s
        self._client = openai.AsyncOpenAI(
            base_url=endpoint.base_url,
            api_key=endpoint.api_key,
            timeout=timeout_s,
            max_retries=0,
        )

    @property
    def model(self) -> str:
        """The served model's name."""
        return self._endpoint.model

    async def stream(
        self,
        messages: Sequence[dict[str, str]],
        *,
        max_tokens: int,
        temperature: float,
        stop: Sequence[str] = (),
    ) -> AsyncIterator[str]:
        """Stream the reply's text pieces (see ``ChatClient.stream``)."""
        try:
            response = await self._client.chat.completions.create(
                model=self._endpoint.model,
                messages=_openai_messages(messages),
                max_tokens=max_tokens,
                temperature=temperature,
                stop=list(stop) or None,
                stream=True,
            )
            try:
                async for chunk in response:
                    if chunk.choices and (piece := chunk.choices[0].delta.content):
                        yield piece
            finally:
                # Stop the server generating when the caller stops reading early.
                await response.close()
        except openai.APIError as e:
            raise LLMUnavailableError(
                f"LLM request to {self._endpoint.base_url} failed: {type(e).__name__}"
            ) from e

    async def complete_json(
        self, messages: Sequence[dict[str, str]], schema: dict[str, Any], *, max_tokens: int
    ) -> str:
        """The reply's text, constrained to JSON matching ``schema`` (see ``ChatClient``)."""
        if self._endpoint.json_mode == "json_schema":
            response_format: dict[str, Any] = {
                "type": "json_schema",
                "json_schema": {"name": "reply", "schema": schema, "strict": True},
            }
        else:
            response_format = {"type": "json_object", "schema": schema}
        try:
            response = await self._client.chat.completions.create(
                model=self._endpoint.model,
                messages=_openai_messages(messages),
                max_tokens=max_tokens,
                temperature=0.2,
                # llama.cpp's server reads a "schema" inside json_object, which OpenAI's own
                # types do not list: the dict goes over the wire as it is.
                response_format=cast("ResponseFormatJSONObject", response_format),
                # Long JSON takes a while on CPU; never less than the client's own timeout.
                timeout=max(60.0, max_tokens / 10, self._timeout_s),
            )
        except openai.APIError as e:
            raise LLMUnavailableError(
                f"LLM request to {self._endpoint.base_url} failed: {type(e).__name__}"
            ) from e
        if not response.choices:
            raise LLMUnavailableError(f"LLM at {self._endpoint.base_url} returned no choice")
        return response.choices[0].message.content or ""

    async def ping(self, timeout_s: float) -> None:
        """Raise ``LLMUnavailableError`` unless the endpoint lists models within ``timeout_s``."""
        try:
            await asyncio.wait_for(self._client.models.list(), timeout=timeout_s)
        except (openai.APIError, TimeoutError) as e:
            raise LLMUnavailableError(
                f"no LLM server answers at {self._endpoint.base_url} "
                f"({type(e).__name__}); start one with `recruiter llm serve` or unset "
                "RECRUITER_LLM__BASE_URL to use the embedded server"
            ) from e

    async def aclose(self) -> None:
        """Release the client's connections."""
        await self._client.close()
