"""HTTP middleware: security headers, the sticky locale cookie and the CSRF cookie."""

from __future__ import annotations

import secrets

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request

from hetao.core.locales import PREFIX_LOCALE
from hetao.web.auth import CSRF_COOKIE, csrf_token_for
from hetao.web.locale import COOKIE

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class SiteHeaders(BaseHTTPMiddleware):
    def __init__(self, app, *, secret_key: str, secure_cookies: bool = False):
        super().__init__(app)
        self.secret_key = secret_key
        self.secure_cookies = secure_cookies

    async def dispatch(self, request: Request, call_next):
        csrf_cookie = request.cookies.get(CSRF_COOKIE) or ""
        new_csrf = not (20 <= len(csrf_cookie) <= 100)
        if new_csrf:
            csrf_cookie = secrets.token_urlsafe(32)
        request.state.csrf_token = csrf_token_for(self.secret_key, csrf_cookie)
        response = await call_next(request)
        if new_csrf and response.headers.get("content-type", "").startswith("text/html"):
            response.set_cookie(
                CSRF_COOKIE, csrf_cookie, httponly=True, samesite="lax", secure=self.secure_cookies
            )
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        first = request.url.path.split("/")[1] if request.url.path.count("/") else ""
        locale = PREFIX_LOCALE.get(first)
        if locale and request.cookies.get(COOKIE) != locale and response.status_code < 400:
            response.set_cookie(
                COOKIE,
                locale,
                max_age=365 * 24 * 3600,
                httponly=True,
                samesite="lax",
                secure=self.secure_cookies,
            )
        return response
