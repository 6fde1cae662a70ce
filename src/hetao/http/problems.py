"""One error shape for the APIs: RFC 9457 ``application/problem+json``, in the negotiated language."""

from __future__ import annotations

from fastapi.responses import JSONResponse

from hetao.core.errors import HetaoError, ValidationFailed
from hetao.core.i18n import translator


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
        media_type="application/problem+json",
        headers={"Content-Language": locale},
    )
