"""Jinja2 environment and the page renderer (every page gets the same base context)."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from hetao.core.locales import HTML_LANG
from hetao.core.texts import LocalText
from hetao.web.auth import SESSION_COOKIE
from hetao.web.context import PageContext
from hetao.web.labels import time_limit_text, visits_text


def localised(value: LocalText | None, ctx_locale: str, placeholder: str = "") -> Markup:
    """Render a translated text; mark its language when it differs from the page's, and say when it
    was converted by machine."""
    if value is None:
        return Markup(escape(placeholder))
    if value.locale != ctx_locale:
        return Markup('<span lang="{}">{}</span>').format(
            HTML_LANG.get(value.locale, value.locale), value.value
        )
    return Markup(escape(value.value))


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(files("hetao").joinpath("web", "templates"))),
        autoescape=select_autoescape(["html", "svg"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["ext.i18n.trimmed"] = True
    return env


def render(
    request: Request, template: str, ctx: PageContext, status_code: int = 200, **values: Any
) -> HTMLResponse:
    t = ctx.t

    def loc(value: LocalText | None, placeholder: str = "") -> Markup:
        return localised(value, ctx.locale, placeholder)

    def text_of(row: Any, field: str) -> LocalText | None:
        return row.text(field, ctx.locale) if row is not None else None

    body = (
        environment()
        .get_template(template)
        .render(
            request=request,
            ctx=ctx,
            urls=ctx.urls,
            locale=ctx.locale,
            _=t.gettext,
            gettext=t.gettext,
            ngettext=t.ngettext,
            loc=loc,
            text_of=text_of,
            csrf_token=getattr(request.state, "csrf_token", ""),
            signed_in=bool(getattr(request.state, "principal", None) or request.cookies.get(SESSION_COOKIE)),
            time_limit=lambda limit: time_limit_text(t, limit),
            visits=lambda n: visits_text(t, n),
            **values,
        )
    )
    response = HTMLResponse(body, status_code=status_code)
    response.headers["Content-Language"] = ctx.locale
    return response
