"""The outermost middleware: a request id for every request (a well-formed incoming ``X-Request-ID``
is kept, otherwise a new one), echoed in the response; one access-log record and one latency sample
per request, labelled with the route template."""

from __future__ import annotations

import logging
import re
import time
import uuid

from hetao.core.logging import REQUEST_ID
from hetao.http.metrics import observe_request, route_label

access_log = logging.getLogger("hetao.access")
HEADER = b"x-request-id"
WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")
STATIC = "/static"


def incoming_request_id(headers: list[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name.lower() == HEADER:
            text = value.decode("latin-1")
            return text if WELL_FORMED.fullmatch(text) else None
    return None


class RequestObserver:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = incoming_request_id(scope.get("headers") or []) or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        token = REQUEST_ID.set(request_id)
        status = 500
        start = time.perf_counter()

        async def send_with_id(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != HEADER]
                message = {**message, "headers": [*headers, (HEADER, request_id.encode())]}
            await send(message)

        failed = False
        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            failed = True  # the traceback goes on the access line, with the request id
            raise
        finally:
            seconds = time.perf_counter() - start
            route = route_label(scope)
            if route == "<unmatched>" and scope.get("path", "").startswith(STATIC + "/"):
                route = STATIC
            method = scope.get("method", "GET")
            observe_request(route=route, method=method, status=status, seconds=seconds)
            access_log.log(
                logging.ERROR if failed else logging.INFO,
                "%s %s %d %.1f ms",
                method,
                route,
                status,
                seconds * 1000,
                extra={
                    "request_id": request_id,
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 1),
                },
                exc_info=failed,
            )
            REQUEST_ID.reset(token)
