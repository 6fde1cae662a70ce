"""Request dependencies shared by the HTML pages and the APIs."""

from __future__ import annotations

from fastapi import Request

from hetao.core.errors import NotFound
from hetao.core.locales import PREFIX_LOCALE
from hetao.http.deps import db_session
from hetao.web.context import PageContext

__all__ = ["db_session", "page_context", "parse_bool", "parse_page"]


def page_context(request: Request, lp: str) -> PageContext:
    locale = PREFIX_LOCALE.get(lp)
    if locale is None:
        raise NotFound()
    request.state.locale = locale
    path = request.url.path[len(lp) + 1 :] or "/"
    return PageContext(locale=locale, path=path, query=request.url.query)


def parse_bool(value: str | None) -> bool | None:
    """Query-string booleans of the filter forms: "yes"/"true"/"1" and "no"/"false"/"0"; else None."""
    if value is None or value == "":
        return None
    v = value.strip().lower()
    if v in {"1", "true", "yes"}:
        return True
    if v in {"0", "false", "no"}:
        return False
    return None


def parse_page(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1
