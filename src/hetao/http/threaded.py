"""Page handlers that read a form are ``async`` (Starlette parses forms with ``await``), but the
domain below them is synchronous and may wait on the database: a PostgreSQL row lock held by
another request's transaction, whose commit itself needs the event loop. Run on the loop, such a
wait stalls the whole process. ``ThreadedRoute`` parses the form on the loop, then runs the
handler in a worker thread (with an event loop of its own), so a wait blocks one request only."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any

from anyio import to_thread
from fastapi.routing import APIRoute
from starlette.requests import Request

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def in_thread(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap an ``async def`` handler: its form is read here, the handler runs in a worker thread."""

    @functools.wraps(endpoint)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        for value in (*args, *kwargs.values()):
            if isinstance(value, Request):
                if value.headers.get("content-type", "").startswith(_FORM_TYPES):
                    await value.form()  # cached on the request: the handler's own await finds it
                break
        return await to_thread.run_sync(lambda: asyncio.run(endpoint(*args, **kwargs)))

    return wrapper


class ThreadedRoute(APIRoute):
    """An API route whose ``async`` handler runs in a worker thread (see the module's text)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if asyncio.iscoroutinefunction(endpoint):
            endpoint = in_thread(endpoint)
        super().__init__(path, endpoint, **kwargs)
