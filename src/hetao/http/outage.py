"""A database that is down or restarting: a clean answer for every request, a second chance for reads.

- A request that meets such a database gets the site's ``503 Service Unavailable`` (the page or
  problem+json made by the ``respond`` callable that ``app.py`` passes in), never an unhandled error.
  Starlette sends unhandled errors to its outermost layer, which answers 500 and then re-raises for
  the server to log; uvicorn then closes the connection, and a client that had already sent its
  next request on that keep-alive connection sees it dropped.
- A ``GET`` or ``HEAD`` whose pooled connection turns out to be dead (SQLAlchemy invalidated it:
  ``DBAPIError.connection_invalidated``) is run once more, from routing on, before anything of its
  response was sent. SQLAlchemy has then already invalidated that connection and marked every
  connection of the pool opened before it as stale, so the second run gets a new one (or, if the
  server is still down, fails at once and gets the 503). Other methods are never run twice: a write
  whose connection died during ``COMMIT`` may or may not have been committed.
- A request that read the read replica and found it unavailable in any of those ways is run once
  more on the primary (:func:`hetao.http.replica.fall_back_to_primary`), which then also serves the
  replica's reads for a while: a replica that is down never fails a request by itself.

This is a middleware rather than an exception handler because route-level handlers run inside the
route: a retry must resolve the dependencies again, and so open a new unit of work."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import exc as sa_exc
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hetao.http.replica import fall_back_to_primary

log = logging.getLogger(__name__)

#: Methods that are safe to run twice (RFC 9110 §9.2.2: their handlers write nothing).
RETRIED_METHODS = frozenset({"GET", "HEAD"})


def is_disconnect(exc: BaseException) -> bool:
    """The database connection in use died under the request (a server restart, a dropped link)."""
    return isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated


def database_unavailable(exc: BaseException) -> bool:
    """The database cannot serve just now: no connection (refused, server starting or shutting
    down), a connection that died, or no free pooled connection in time."""
    return is_disconnect(exc) or isinstance(
        exc, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.TimeoutError
    )


class DatabaseOutage:
    """ASGI middleware: see the module's text. ``respond(request, exc)`` makes the 503 response."""

    def __init__(self, app: ASGIApp, *, respond: Callable[[Request, Exception], Awaitable[Response]]):
        self.app = app
        self.respond = respond

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        retries = 1 if scope["method"] in RETRIED_METHODS else 0
        received: list[Message] = []

        async def recording_receive() -> Message:
            message = await receive()
            received.append(message)
            return message

        this_receive: Receive = recording_receive
        while True:
            started = False

            async def tracking_send(message: Message) -> None:
                nonlocal started
                if message["type"] == "http.response.start":
                    started = True
                await send(message)

            try:
                await self.app(scope, this_receive, tracking_send)
                return
            except Exception as exc:
                if started or not database_unavailable(exc):
                    raise
                if fall_back_to_primary(scope):
                    log.warning(
                        "read replica unavailable during %s %s; running it again on the primary: %s",
                        scope["method"],
                        scope["path"],
                        _summary(exc),
                    )
                    this_receive = _replaying(list(received), receive)
                    continue
                if retries and is_disconnect(exc):
                    retries -= 1
                    log.warning(
                        "database connection lost during %s %s; running it again on a new connection: %s",
                        scope["method"],
                        scope["path"],
                        _summary(exc),
                    )
                    this_receive = _replaying(list(received), receive)
                    continue
                log.error(
                    "database unavailable: %s %s answered 503: %s",
                    scope["method"],
                    scope["path"],
                    _summary(exc),
                )
                response = await self.respond(Request(scope, receive), exc)
                await response(scope, receive, send)
                return


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    """The messages the first run received (a body it read), then the connection's own."""

    async def replay() -> Message:
        if messages:
            return messages.pop(0)
        return await receive()

    return replay


def _summary(exc: BaseException) -> str:
    """The error's class and first line, without the SQL and parameters SQLAlchemy appends."""
    orig = getattr(exc, "orig", None) or exc
    first = str(orig).strip().splitlines()[0] if str(orig).strip() else ""
    return f"{type(orig).__module__}.{type(orig).__name__}: {first}"
