"""Which locale a request without a locale prefix gets: cookie from the switcher, then
Accept-Language, then the default."""

from __future__ import annotations

from starlette.requests import Request

from hetao.core.locales import LOCALES, negotiate

COOKIE = "hetao_locale"


def preferred_locale(request: Request) -> str:
    cookie = request.cookies.get(COOKIE)
    if cookie in LOCALES:
        return cookie
    return negotiate(request.headers.get("accept-language"))
