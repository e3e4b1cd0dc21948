"""Signed, expiring tokens for invitations and sign-in cookies (HMAC-SHA256, no server state)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

from web.errors import WebError

__all__ = ["BadSignatureError", "Signer"]


class BadSignatureError(WebError):
    """A token was altered, was made for another purpose, or has expired."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    """Signs small JSON payloads for one purpose (``invite``, ``recruiter``) with an expiry.

    The purpose is part of what is signed, so a sign-in cookie can never pass as an invitation.
    """

    def __init__(self, secret: str, purpose: str, *, clock: Any = time.time) -> None:
        if len(secret) < 16:
            raise ValueError("the signing secret must be at least 16 characters")
        self._key = hashlib.sha256(f"{purpose}\0{secret}".encode()).digest()
        self._clock = clock

    def sign(self, payload: dict[str, Any], ttl_s: float) -> str:
        """A token carrying ``payload`` that verifies for ``ttl_s`` seconds."""
        body = dict(payload, exp=int(self._clock() + ttl_s))
        data = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
        return f"{data}.{_b64(self._mac(data))}"

    def verify(self, token: str) -> dict[str, Any]:
        """The payload of a valid, unexpired token.

        Raises:
            BadSignatureError: the token is malformed, forged, for another purpose, or expired.
        """
        if not token.isascii():
            raise BadSignatureError("malformed token")
        data, _, mac = token.partition(".")
        try:
            given = _unb64(mac)
        except ValueError as e:
            raise BadSignatureError("malformed token") from e
        if not data or not hmac.compare_digest(given, self._mac(data)):
            raise BadSignatureError("bad signature")
        payload: dict[str, Any] = json.loads(_unb64(data))
        if payload.get("exp", 0) < self._clock():
            raise BadSignatureError("expired")
        return payload

    def _mac(self, data: str) -> bytes:
        return hmac.new(self._key, data.encode("ascii"), hashlib.sha256).digest()
