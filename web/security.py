"""Browser security for every response: headers, and cross-site changes refused.

Headers (OWASP Secure Headers Project's recommendations that fit this app): no MIME sniffing,
no framing (clickjacking), no ``Referer`` to other sites (a candidate's link carries its token
in the path; "same-origin", not "no-referrer", which makes browsers send ``Origin: null`` on the
site's own form posts),
camera and microphone for this site only, and a Content-Security-Policy: no framing, ``<base>``,
plugins or other form targets, and scripts only from the site's own files (no inline script or
event handler, no ``eval``), so a script injected into a page (cross-site scripting) does not
run. Connections, media and images are left open: the LiveKit server's WebSocket is another
origin, and reports play ``data:`` audio.

Cross-site request forgery: beside the ``SameSite=Lax`` sign-in cookie (``web.auth``), a
change (POST, PUT, PATCH, DELETE) whose ``Origin`` (or, lacking it, ``Referer``) names another
site is refused with 403 before any route runs: OWASP's "verifying origin with standard
headers". Browsers send ``Origin`` on every cross-origin change; clients outside a browser
send neither header and are judged by their sign-in alone.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["SECURITY_HEADERS", "SecurityMiddleware"]

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(self), microphone=(self), geolocation=(), payment=()",
    "cross-origin-opener-policy": "same-origin",
    "content-security-policy": (
        "frame-ancestors 'none'; base-uri 'self'; object-src 'none'; form-action 'self'; "
        "script-src 'self'"
    ),
}
_CHANGES = {"POST", "PUT", "PATCH", "DELETE"}


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _cross_site(scope: Scope, trusted: frozenset[str]) -> bool:
    """Whether a change names another site as its origin than the one it was sent to (or one
    of ``trusted``: the app's public address, which a proxy in front may not pass as Host)."""
    source = _header(scope, b"origin") or _header(scope, b"referer")
    if source is None or source == "null":
        return source == "null"  # an opaque origin (a sandboxed frame, a file) is not this site
    origin = urlsplit(source).netloc.lower()
    host = (_header(scope, b"host") or "").lower()
    return origin != host and origin not in trusted


class SecurityMiddleware:
    """Adds ``SECURITY_HEADERS`` to every HTTP response and refuses cross-site changes (403).

    Args:
        public_url: the app's public address (``WebSettings.base_url``), trusted as an origin.
    """

    def __init__(self, app: ASGIApp, public_url: str | None = None) -> None:
        self._app = app
        self._trusted = frozenset({urlsplit(public_url).netloc.lower()} if public_url else ())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *((k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()
                      if k.encode() not in present),
                ]  # fmt: skip
            await send(message)

        if scope["method"] in _CHANGES and _cross_site(scope, self._trusted):
            body = b"cross-site request refused: send it from this site's own pages"
            await with_headers({"type": "http.response.start", "status": 403, "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ]})  # fmt: skip
            await with_headers({"type": "http.response.body", "body": body})
            return
        await self._app(scope, receive, with_headers)
