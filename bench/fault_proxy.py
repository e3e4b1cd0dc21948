"""A fault-injecting proxy in front of an OpenAI-compatible LLM server (for ``bench.faults``)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import threading

from aiohttp import ClientSession, web

from recruiter_llm.client import LLMEndpoint

__all__ = ["LLM_FAULTS", "FaultyLLM"]

# killed: the port refuses and open connections are reset; hung: a request is never answered;
# http-500: every request fails; broken-stream: an event stream that is not JSON; nonsense:
# well-formed chunks of nonsense text.
LLM_FAULTS = ("killed", "hung", "http-500", "broken-stream", "nonsense")


class FaultyLLM:
    """An OpenAI-compatible proxy in front of ``upstream`` that fails on demand (its own thread).

    ``mode`` is ``"pass"`` or one of ``LLM_FAULTS``; ``requests`` counts what reached it, and
    ``answered`` the requests passed on that the server answered (its status and headers came
    back, whether or not the product read the whole reply).
    """

    def __init__(self, upstream: LLMEndpoint, port: int) -> None:
        self.upstream = upstream
        self.port = port
        self.mode = "pass"
        self.requests = 0
        self.answered = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._open: set[asyncio.BaseTransport] = set()

    @property
    def endpoint(self) -> LLMEndpoint:
        """The proxy as an endpoint the product can use."""
        return dataclasses.replace(self.upstream, base_url=f"http://127.0.0.1:{self.port}/v1")

    def start(self) -> None:
        """Serve in the background until ``stop``."""
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)

    def set_mode(self, mode: str) -> None:
        """Switch the fault (``"killed"`` closes the port and resets open connections)."""
        asyncio.run_coroutine_threadsafe(self._set_mode(mode), self._loop).result(timeout=10)

    def stop(self) -> None:
        """Stop serving and end the proxy's thread."""
        self.mode = "pass"
        with contextlib.suppress(TimeoutError):
            asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        await self._listen()

    async def _listen(self) -> None:
        assert self._runner is not None
        self._site = web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True)
        await self._site.start()

    async def _set_mode(self, mode: str) -> None:
        if mode == "killed" and self.mode != "killed":
            if self._site is not None:
                await self._site.stop()
                self._site = None
            for transport in list(self._open):
                transport.abort()  # type: ignore[attr-defined]
        elif mode != "killed" and self._site is None:
            await self._listen()
        self.mode = mode

    async def _close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        transport = request.transport
        if self.mode == "killed":  # a keep-alive connection opened before the kill
            if transport is not None:
                transport.abort()
            raise ConnectionResetError("the server is gone")
        if transport is not None:
            self._open.add(transport)
        try:
            return await self._answer(request)
        finally:
            self._open.discard(transport)  # type: ignore[arg-type]

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        if self.mode == "hung":
            while self.mode == "hung":  # until the fault is lifted, then the connection drops
                await asyncio.sleep(0.2)
            if request.transport is not None:
                request.transport.abort()
            raise ConnectionResetError("the hung request is dropped")
        if self.mode == "http-500":
            return web.json_response({"error": {"message": "internal error"}}, status=500)
        if self.mode in ("broken-stream", "nonsense"):
            return await self._garbage(request)
        url = self.upstream.base_url.rstrip("/") + request.path.removeprefix("/v1")
        async with (
            ClientSession() as client,
            client.request(
                request.method, url, data=body, headers={"Content-Type": "application/json"}
            ) as upstream,
        ):
            self.answered += upstream.status == 200
            response = web.StreamResponse(
                status=upstream.status,
                headers={"Content-Type": upstream.headers.get("Content-Type", "application/json")},
            )
            await response.prepare(request)
            # The product stops reading once it has the line it needs: not a fault of ours.
            with contextlib.suppress(ConnectionResetError):
                async for chunk in upstream.content.iter_any():
                    await response.write(chunk)
                await response.write_eof()
            return response

    async def _garbage(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(status=200, headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        if self.mode == "broken-stream":
            await response.write(b'data: {"choices": [{"delta": {"content\n\n')
            await response.write(b"data: \x00\xff\xfe<html>oops\n\n")
        else:
            for word in ("zx", " qq", " ###", " lorem", "\u202e", " ipsum", " }{"):
                chunk = {"id": "x", "object": "chat.completion.chunk", "created": 0,
                         "model": self.upstream.model,
                         "choices": [{"index": 0, "delta": {"content": word},
                                      "finish_reason": None}]}  # fmt: skip
                await response.write(f"data: {json.dumps(chunk)}\n\n".encode())
            await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        return response
