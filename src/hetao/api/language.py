"""Language negotiation for the APIs: ``?lang=`` first, then ``Accept-Language``."""

from __future__ import annotations

from fastapi import Query, Request, Response

from hetao.core.locales import negotiate, normalise_locale


def api_locale(
    request: Request,
    response: Response,
    lang: str | None = Query(None, description="zh-Hant, zh-Hans or en; overrides Accept-Language"),
) -> str:
    locale = normalise_locale(lang) or negotiate(request.headers.get("accept-language"))
    request.state.locale = locale
    response.headers["Content-Language"] = locale
    return locale
