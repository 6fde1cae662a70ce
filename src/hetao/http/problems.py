"""One error shape for the APIs: RFC 9457 ``application/problem+json``, in the negotiated language."""

from __future__ import annotations

from fastapi.responses import JSONResponse

from hetao.core.errors import HetaoError, ValidationFailed
from hetao.core.i18n import translator

PROBLEM_MEDIA_TYPE = "application/problem+json"


def problem_response(error: HetaoError, *, locale: str, instance: str) -> JSONResponse:
    t = translator(locale)
    body: dict[str, object] = {
        "type": f"urn:hetao-one-stop:problem:{error.code}",
        "title": t.gettext(type(error).message),
        "status": error.status,
        "detail": t.gettext(error.message, **error.params),
        "code": error.code,
        "instance": instance,
    }
    if isinstance(error, ValidationFailed):
        body["errors"] = [
            {"field": p.path, "message": t.gettext(p.message, **p.params), "severity": p.severity}
            for p in error.problems
        ]
    return JSONResponse(
        body,
        status_code=error.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers={"Content-Language": locale},
    )


#: The JSON Schema of :func:`problem_response`'s body, for the OpenAPI document.
PROBLEM_SCHEMA: dict[str, object] = {
    "title": "Problem",
    "type": "object",
    "description": "RFC 9457 problem details, in the negotiated language.",
    "required": ["type", "title", "status", "detail", "code", "instance"],
    "properties": {
        "type": {"type": "string", "description": "urn:hetao-one-stop:problem:<code>"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "Stable machine-readable code, e.g. catalog.not_found"},
        "instance": {"type": "string", "description": "The path that was asked for"},
        "errors": {
            "type": "array",
            "description": "One entry per invalid field (validation problems only).",
            "items": {
                "type": "object",
                "required": ["field", "message", "severity"],
                "properties": {
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                    "severity": {"type": "string"},
                },
            },
        },
    },
}

_DESCRIPTIONS = {
    400: "The address or form could not be read (NUL characters, not UTF-8)",
    401: "Not signed in",
    403: "Not allowed",
    404: "Nothing has this id or slug",
    413: "The request body is too large",
    422: "A parameter is not valid",
    503: "The database is down or restarting: try again after Retry-After seconds",
}

#: What a 503 carries besides its problem+json body (``hetao.http.outage``).
_HEADERS = {
    503: {
        "Retry-After": {"description": "Seconds to wait before trying again", "schema": {"type": "integer"}}
    }
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, object]]:
    """OpenAPI ``responses=`` entries declaring that ``statuses`` answer with a problem+json body
    (422 replaces FastAPI's default validation-error schema, which this API never sends)."""
    return {
        status: {
            "description": _DESCRIPTIONS.get(status, "Problem"),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_SCHEMA}},
            **({"headers": _HEADERS[status]} if status in _HEADERS else {}),
        }
        for status in statuses
    }
