"""Error responses: a localised HTML page for people, problem+json for the APIs."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from hetao.core.errors import (
    HetaoError,
    MalformedRequest,
    NotFound,
    Problem,
    RequestTooLarge,
    ServiceUnavailable,
    ValidationFailed,
)
from hetao.core.i18n import N_
from hetao.core.locales import PREFIX_LOCALE
from hetao.http.problems import problem_response
from hetao.web.auth import SignInRequired
from hetao.web.context import PageContext, with_query
from hetao.web.locale import preferred_locale
from hetao.web.middleware import security_headers
from hetao.web.templating import render


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _page_context(request: Request) -> PageContext:
    path = request.url.path
    first = path.split("/")[1] if path.count("/") >= 1 else ""
    locale = PREFIX_LOCALE.get(first)
    if locale is not None:
        return PageContext(locale=locale, path=path[len(first) + 1 :] or "/")
    return PageContext(locale=getattr(request.state, "locale", None) or preferred_locale(request), path="/")


def _html_error(request: Request, error: HetaoError):
    ctx = _page_context(request)
    t = ctx.t
    headings = {
        404: t.gettext("Page not found"),
        422: t.gettext("There is a problem with what you asked for"),
        400: t.gettext("There is a problem with what you asked for"),
        403: t.gettext("You cannot see this page"),
        409: t.gettext("That could not be done"),
        413: t.gettext("That is too much to send"),
        503: t.gettext("Service temporarily unavailable"),
    }
    problems = []
    if isinstance(error, ValidationFailed):
        problems = [t.gettext(p.message, **p.params) for p in error.problems]
    return render(
        request,
        "error.html",
        ctx,
        status_code=error.status,
        heading=headings.get(error.status, t.gettext("Sorry, something went wrong")),
        message=t.gettext(error.message, **error.params),
        problems=problems,
    )


def _locale_for(request: Request) -> str:
    return getattr(request.state, "locale", None) or preferred_locale(request)


async def hetao_error_handler(request: Request, exc: HetaoError):
    if _is_api(request):
        response = problem_response(exc, locale=_locale_for(request), instance=request.url.path)
    else:
        response = _html_error(request, exc)
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
        response.headers["Cache-Control"] = "no-store"
    return response


async def http_error_handler(request: Request, exc: StarletteHTTPException):
    if exc.status_code == 404:
        error: HetaoError = NotFound()
    elif exc.status_code == 400:
        # Raised by Starlette only, when a form cannot be parsed (its detail is not for people).
        error = MalformedRequest(N_("The form could not be read."))
    elif exc.status_code == 413:
        error = RequestTooLarge()
    elif exc.status_code == 405:
        error = HetaoError(N_("This address does not accept that method."), code="core.method_not_allowed")
        error.status = 405
    else:
        error = HetaoError(str(exc.detail), code="core.http_error")
        error.status = exc.status_code
    return await hetao_error_handler(request, error)


async def validation_error_handler(request: Request, exc: RequestValidationError):
    problems = [
        Problem(
            ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body")) or "request",
            N_("This value is not valid: %(reason)s"),
            {"reason": err.get("msg", "")},
        )
        for err in exc.errors()
    ]
    return await hetao_error_handler(request, ValidationFailed(problems, N_("The request is not valid.")))


async def database_unavailable_handler(request: Request, exc: Exception):
    """A database that is down or restarting (see ``hetao.http.outage``): 503, try again shortly."""
    return await hetao_error_handler(request, ServiceUnavailable())


async def unexpected_error_handler(request: Request, exc: Exception):
    error = HetaoError(
        N_("Sorry, something went wrong on our side. Please try again later."), code="core.internal"
    )
    error.status = 500
    response = await hetao_error_handler(request, error)
    # This handler runs outside the site's middleware (Starlette's outermost error layer): give the
    # page the same headers as every other response.
    for name, value in security_headers(secure=request.app.state.settings.secure_cookies).items():
        response.headers.setdefault(name, value)
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        response.headers["X-Request-ID"] = request_id
    # Starlette re-raises the error after this response, and uvicorn then closes the connection: say
    # so, or a client could send its next request on the closing connection and see it dropped.
    response.headers["Connection"] = "close"
    return response


async def sign_in_required_handler(request: Request, exc: SignInRequired):
    """Pages that need a signed-in person send others to the sign-in page, and back afterwards."""
    ctx = _page_context(request)
    return RedirectResponse(
        with_query(ctx.urls.prefix + "/account/sign-in", {"next": exc.next_path}), status_code=303
    )
