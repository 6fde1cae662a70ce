"""Site-level routes: the root redirect, the API documentation page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from hetao.core.locales import URL_PREFIX
from hetao.web.context import PageContext
from hetao.web.locale import preferred_locale
from hetao.web.templating import render

router = APIRouter()


@router.get("/", include_in_schema=False)
def root(request: Request):
    return RedirectResponse(
        f"/{URL_PREFIX[preferred_locale(request)]}/",
        status_code=307,
        headers={"Vary": "Cookie, Accept-Language"},
    )


@router.get("/api/docs", include_in_schema=False)
def api_docs(request: Request):
    ctx = PageContext(locale=preferred_locale(request), path="/")
    routes = sorted(
        (
            (route.path, sorted(route.methods - {"HEAD"}), route.summary or "")
            for route in request.app.routes
            if getattr(route, "include_in_schema", False) and route.path.startswith("/api/")
        ),
        key=lambda r: r[0],
    )
    return render(request, "api_docs.html", ctx, routes=routes, json_url="/openapi.json")
