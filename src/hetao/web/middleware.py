"""HTTP middleware: security headers, the sticky locale cookie and the CSRF cookie."""

from __future__ import annotations

import secrets

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request

from hetao.core.locales import PREFIX_LOCALE
from hetao.web.auth import CSRF_COOKIE, csrf_token_for
from hetao.web.locale import COOKIE

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
#: Browser features no page of the site uses.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=()"
)
#: One year, subdomains included; sent only when cookies are Secure (the site is behind TLS).
HSTS = "max-age=31536000; includeSubDomains"


def security_headers(*, secure: bool) -> dict[str, str]:
    """The headers every response carries (error pages made outside the middleware included)."""
    headers = {
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": PERMISSIONS_POLICY,
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if secure:
        headers["Strict-Transport-Security"] = HSTS
    return headers


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
        for name, value in security_headers(secure=self.secure_cookies).items():
            response.headers.setdefault(name, value)
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
