"""The one exception base of ``web``: a request the web app refuses."""

from __future__ import annotations

__all__ = ["WebError"]


class WebError(Exception):
    """A link, token or recruiter request is refused."""
