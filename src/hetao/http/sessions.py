"""Who is signed in, from the session cookie, for the pages and the APIs alike."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import Session

from hetao import accounts
from hetao.accounts import Principal
from hetao.core.db import utcnow
from hetao.core.errors import HetaoError
from hetao.core.i18n import N_

#: The cookie holding the random session token (the database keeps only its digest).
SESSION_COOKIE = "hetao_session"


class SignInNeeded(HetaoError):
    """An API request that needs a signed-in person came without a valid session (401)."""

    status = 401
    code = "accounts.sign_in_needed"
    message = N_("Sign in to use this.")


def cookie_principal(request: Request, session: Session) -> Principal | None:
    """The person whose session cookie came with the request, or None (cached for the request)."""
    if hasattr(request.state, "principal"):
        return request.state.principal
    principal = accounts.session_principal(session, request.cookies.get(SESSION_COOKIE), now=utcnow())
    request.state.principal = principal
    return principal
