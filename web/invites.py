"""Invitations: a signed, expiring link that lets one candidate into one interview room."""

from __future__ import annotations

import secrets
from typing import Literal

from pydantic import BaseModel, Field

from web.errors import WebError
from web.signing import BadSignatureError, Signer

__all__ = ["Invitation", "InvitationError", "Invitations"]


class InvitationError(WebError):
    """An invitation link is not valid (altered, expired or for something else)."""


class Invitation(BaseModel):
    """Who is invited to which interview, and the room it runs in."""

    candidate_id: str = Field(min_length=1)
    role_id: str = Field(min_length=1)
    role_version: str | None = None
    mode: Literal["practice", "exam"] | None = None
    # Stored as the session's channel (at most 20 characters).
    room: str = Field(default_factory=lambda: f"iv-{secrets.token_hex(8)}", max_length=20)
    # When the link read stops working (seconds since the epoch); not part of what is signed.
    link_expires: float | None = Field(default=None, exclude=True)

    @property
    def identity(self) -> str:
        """The candidate's participant identity in the room (an id, never a name)."""
        return f"candidate-{self.candidate_id}"


class Invitations:
    """Issues and reads invitation tokens."""

    def __init__(self, secret: str, ttl_hours: float) -> None:
        self._signer = Signer(secret, "invite")
        self._ttl_s = ttl_hours * 3600

    def issue(self, invitation: Invitation, ttl_s: float | None = None) -> str:
        """The token for an invitation link (``/join/<token>``), valid for ``ttl_s`` seconds
        (by default the configured time to live)."""
        return self._signer.sign(invitation.model_dump(), self._ttl_s if ttl_s is None else ttl_s)

    def read(self, token: str) -> Invitation:
        """The invitation a token carries.

        Raises:
            InvitationError: the token is altered, expired, or not an invitation.
        """
        try:
            payload = self._signer.verify(token)
        except BadSignatureError as e:
            raise InvitationError(f"this invitation link is not valid ({e})") from e
        expires = payload.pop("exp", None)
        return Invitation.model_validate({**payload, "link_expires": expires})
