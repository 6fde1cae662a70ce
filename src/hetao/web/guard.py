"""A pure ASGI middleware that refuses hostile requests before any page or API sees them.

- The path and query string must be UTF-8 without NUL characters (a NUL reaches no database:
  PostgreSQL refuses it even as a query parameter) → 400 with the site's error page or problem+json.
- Request bodies are bounded: multipart uploads by ``HETAO_MAX_BODY_BYTES`` (12 MB by default; an
  endpoint may allow more with :func:`allow_body`), every other body (forms, JSON) by
  :data:`MAX_FORM_BYTES`. The bound is checked on ``Content-Length`` and again on the bytes received
  (chunked bodies have no length), when the endpoint reads the body → 413."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from urllib.parse import unquote_to_bytes

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hetao.core.errors import MalformedRequest
from hetao.web.errors import hetao_error_handler

#: The largest body of anything but a multipart upload (forms, JSON): no form of the site comes close.
MAX_FORM_BYTES = 1024 * 1024
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

F = TypeVar("F", bound=Callable)


def allow_body(max_bytes: int) -> Callable[[F], F]:
    """Let an endpoint receive multipart bodies of up to ``max_bytes`` (more than the setting)."""

    def mark(endpoint: F) -> F:
        endpoint.max_body_bytes = max_bytes  # type: ignore[attr-defined]
        return endpoint

    return mark


def _readable(raw: bytes) -> bool:
    try:
        text = unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return "\x00" not in text


class RequestGuard:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int):
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_path = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
        if not (_readable(raw_path) and _readable(scope.get("query_string", b"").replace(b"+", b" "))):
            request = Request(scope, receive)
            response = await hetao_error_handler(request, MalformedRequest())
            await response(scope, receive, send)
            return
        if scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        await self.app(scope, self._bounded(scope, receive), send)

    def _limit(self, scope: Scope, content_type: str) -> int:
        if content_type.startswith("multipart/"):
            allowed = getattr(scope.get("endpoint"), "max_body_bytes", None)
            return max(self.max_body_bytes, allowed or 0)
        return min(MAX_FORM_BYTES, self.max_body_bytes)

    def _bounded(self, scope: Scope, receive: Receive) -> Receive:
        headers = dict(scope.get("headers") or [])
        content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
        declared = headers.get(b"content-length", b"").decode("latin-1")
        received = 0
        limit: int | None = None

        async def bounded_receive() -> Message:
            nonlocal received, limit
            if limit is None:
                # Decided on the first read, once routing has named the endpoint (and its allowance).
                limit = self._limit(scope, content_type)
                if declared.isdigit() and int(declared) > limit:
                    raise HTTPException(413)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413)
            return message

        return bounded_receive
