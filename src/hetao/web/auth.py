"""Sign-in state and form protection for the HTML pages.

* Sessions: the ``hetao_session`` cookie (HttpOnly, SameSite=Lax, Secure behind TLS) holds a random
  token; the database keeps its digest. Roles are read per request, so a revoked role takes effect at
  once in every process.
* CSRF: every browser gets a random ``hetao_csrf`` cookie (HttpOnly); each form that posts carries
  ``csrf_token`` = HMAC(secret, cookie). A post is accepted only when the two agree (and, when the
  browser sends ``Origin``, it is this site)."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from hetao.accounts import Principal
from hetao.core.errors import HetaoError, MalformedRequest
from hetao.core.i18n import N_
from hetao.http.deps import db_session
from hetao.http.sessions import SESSION_COOKIE as SESSION_COOKIE
from hetao.http.sessions import cookie_principal

CSRF_COOKIE = "hetao_csrf"
CSRF_FIELD = "csrf_token"


class CsrfFailed(HetaoError):
    status = 403
    code = "web.csrf_failed"
    message = N_(
        "This form has expired or did not come from this site. Go back, reload the page and try again."
    )


class SignInRequired(Exception):
    """Raised by pages that need a signed-in person; answered with a redirect to the sign-in page."""

    def __init__(self, next_path: str):
        super().__init__(next_path)
        self.next_path = next_path


def csrf_token_for(secret: str, cookie: str) -> str:
    return hmac.new(secret.encode(), b"csrf:" + cookie.encode(), hashlib.sha256).hexdigest()


async def verify_csrf(request: Request) -> None:
    """Dependency of every form post (FastAPI caches the parsed form for the handler)."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
        raise CsrfFailed()
    form = await request.form()
    token = form.get(CSRF_FIELD)
    cookie = request.cookies.get(CSRF_COOKIE)
    secret = request.app.state.settings.secret_key
    if (
        not cookie
        or not isinstance(token, str)
        or not hmac.compare_digest(token, csrf_token_for(secret, cookie))
    ):
        raise CsrfFailed()
    if any(
        "\x00" in key or (isinstance(value, str) and "\x00" in value) for key, value in form.multi_items()
    ):
        # No database stores NUL (PostgreSQL refuses it even in a query): refuse the whole form.
        raise MalformedRequest(N_("The form contains characters that are not allowed."))


def current_principal(
    request: Request, session: Session = Depends(db_session, scope="function")
) -> Principal | None:
    """The signed-in person, or None. Uses the request's unit of work."""
    return cookie_principal(request, session)


def require_principal(
    request: Request, principal: Principal | None = Depends(current_principal)
) -> Principal:
    if principal is None:
        raise SignInRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    return principal


def require_admin(principal: Principal = Depends(require_principal)) -> Principal:
    principal.require_admin()
    return principal


def safe_next(value: str | None, default: str) -> str:
    """Only a path on this site: no scheme, no host, no protocol-relative or backslash tricks."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


async def form_values(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}
