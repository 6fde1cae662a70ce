"""HTTP middleware: security headers, the sticky locale cookie and the CSRF cookie."""

from __future__ import annotations

import secrets
from http.cookies import SimpleCookie

from starlette.datastructures import MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
#: The locale cookie is kept for a year.
LOCALE_MAX_AGE = 365 * 24 * 3600


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


class SiteHeaders:
    """A pure ASGI middleware (no task or memory stream per request, unlike ``BaseHTTPMiddleware``):
    the security headers, the CSRF cookie of a browser that has none (on HTML responses), and the
    sticky locale cookie when a locale-prefixed page is shown in another locale than the cookie's."""

    def __init__(self, app: ASGIApp, *, secret_key: str, secure_cookies: bool = False):
        self.app = app
        self.secret_key = secret_key
        self.secure_cookies = secure_cookies
        self.headers = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in security_headers(secure=secure_cookies).items()
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = request_cookies(scope)
        csrf_cookie = cookies.get(CSRF_COOKIE) or ""
        new_csrf = not (20 <= len(csrf_cookie) <= 100)
        if new_csrf:
            csrf_cookie = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf_token"] = csrf_token_for(self.secret_key, csrf_cookie)
        path = scope["path"]
        locale = PREFIX_LOCALE.get(path.split("/")[1]) if path.count("/") else None
        if cookies.get(COOKIE) == locale:
            locale = None

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if new_csrf and headers.get("content-type", "").startswith("text/html"):
                    headers.append(
                        "set-cookie",
                        cookie_header(CSRF_COOKIE, csrf_cookie, secure=self.secure_cookies),
                    )
                for name, value in self.headers:
                    if name.decode("latin-1") not in headers:
                        headers.raw.append((name, value))
                if locale and message["status"] < 400:
                    headers.append(
                        "set-cookie",
                        cookie_header(COOKIE, locale, max_age=LOCALE_MAX_AGE, secure=self.secure_cookies),
                    )
            await send(message)

        await self.app(scope, receive, send_with_headers)


def request_cookies(scope: Scope) -> dict[str, str]:
    """The request's cookies, parsed as Starlette's ``Request.cookies`` does."""
    for name, value in scope.get("headers") or ():
        if name == b"cookie":
            return cookie_parser(value.decode("latin-1"))
    return {}


def cookie_header(name: str, value: str, *, max_age: int | None = None, secure: bool) -> str:
    """A ``Set-Cookie`` value: path ``/``, HttpOnly, SameSite=Lax, Secure behind TLS."""
    cookie: SimpleCookie = SimpleCookie()
    cookie[name] = value
    if max_age is not None:
        cookie[name]["max-age"] = max_age
    cookie[name]["path"] = "/"
    if secure:
        cookie[name]["secure"] = True
    cookie[name]["httponly"] = True
    cookie[name]["samesite"] = "lax"
    return cookie.output(header="").strip()
