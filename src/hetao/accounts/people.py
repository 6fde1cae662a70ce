"""Signing up, signing in (throttled), sessions, password reset."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from hetao import notify
from hetao.accounts.models import PasswordResetToken, SignInFailure, User, WebSession
from hetao.accounts.passwords import hash_password, needs_rehash, password_problems, verify_password
from hetao.accounts.principal import Principal
from hetao.accounts.tokens import digest, new_token
from hetao.core.errors import HetaoError, Problem, ValidationFailed
from hetao.core.i18n import N_, translator
from hetao.core.locales import LOCALES

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
SESSION_IDLE = timedelta(days=7)
SESSION_ABSOLUTE = timedelta(days=30)
SESSION_TOUCH = timedelta(minutes=5)
RESET_VALID = timedelta(hours=1)
RESETS_PER_HOUR = 3
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_ADDRESS = 30


class TooManyAttempts(HetaoError):
    status = 429
    code = "accounts.too_many_attempts"
    message = N_(
        "Too many failed sign-in attempts. Wait %(minutes)s minutes and try again, or reset your password."
    )


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _email_problems(email: str, path: str = "email") -> list[Problem]:
    if not email:
        return [Problem(path, N_("Enter your e-mail address."))]
    if len(email) > 254 or not EMAIL_RE.match(email):
        return [Problem(path, N_("Enter an e-mail address in the right format, like name@example.com."))]
    return []


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def sign_up(
    session: Session,
    *,
    email: str,
    display_name: str,
    password: str,
    confirm: str,
    locale: str,
    now: datetime,
) -> User:
    """Create an applicant account. All problems are reported at once; nothing is written if any."""
    email = normalise_email(email)
    display_name = " ".join((display_name or "").split())
    problems = _email_problems(email)
    if not display_name:
        problems.append(Problem("display_name", N_("Enter your name.")))
    elif len(display_name) > 100:
        problems.append(
            Problem("display_name", N_("Use at most %(max)s characters for your name."), {"max": 100})
        )
    problems += password_problems(password, email=email)
    if password and confirm != password:
        problems.append(Problem("confirm", N_("The two passwords are not the same.")))
    if not problems and user_by_email(session, email) is not None:
        problems.append(
            Problem(
                "email",
                N_("An account with this e-mail address already exists. Sign in, or reset your password."),
            )
        )
    if problems:
        raise ValidationFailed(problems)
    user = User(
        email=email,
        display_name=display_name,
        password_hash=hash_password(password),
        locale=locale if locale in LOCALES else LOCALES[0],
        is_active=True,
        created_at=now,
        password_changed_at=now,
    )
    try:
        with session.begin_nested():
            session.add(user)
            session.flush()
    except IntegrityError:  # another request registered the same address a moment ago
        raise ValidationFailed(
            [
                Problem(
                    "email",
                    N_(
                        "An account with this e-mail address already exists. Sign in, or reset your password."
                    ),
                )
            ]
        ) from None
    return user


def _throttle_keys(email: str, address: str | None) -> tuple[str, str | None]:
    return f"email:{normalise_email(email)}"[:300], (f"ip:{address}"[:300] if address else None)


def check_throttle(session: Session, *, email: str, address: str | None, now: datetime) -> None:
    email_key, address_key = _throttle_keys(email, address)
    since = now - THROTTLE_WINDOW
    for key, limit in ((email_key, MAX_FAILURES_PER_EMAIL), (address_key, MAX_FAILURES_PER_ADDRESS)):
        if key is None:
            continue
        count, oldest = session.execute(
            select(func.count(), func.min(SignInFailure.at)).where(
                SignInFailure.key == key, SignInFailure.at > since
            )
        ).one()
        if count >= limit:
            oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=now.tzinfo)
            wait = max(1, int(((oldest + THROTTLE_WINDOW) - now).total_seconds() // 60) + 1)
            raise TooManyAttempts(minutes=wait)


def sign_in(
    session: Session, *, email: str, password: str, address: str | None, now: datetime
) -> User | None:
    """The account for these credentials, or None (the failure is recorded for throttling, so the
    caller must commit). Raises :class:`TooManyAttempts` once an e-mail or address made too many."""
    check_throttle(session, email=email, address=address, now=now)
    user = user_by_email(session, email) if email else None
    ok = verify_password(user.password_hash if user else None, password or "")
    if not ok or user is None or not user.is_active:
        for key in _throttle_keys(email, address):
            if key:
                session.add(SignInFailure(key=key, at=now))
        session.flush()
        return None
    session.execute(delete(SignInFailure).where(SignInFailure.key == _throttle_keys(email, None)[0]))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_sign_in_at = now
    return user


def start_session(session: Session, user: User, *, now: datetime) -> str:
    """A new session for ``user``; returns the token for the cookie (never stored)."""
    token = new_token()
    session.add(
        WebSession(
            id=digest(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + SESSION_ABSOLUTE,
        )
    )
    session.flush()
    return token


def end_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(WebSession).where(WebSession.id == digest(token)))


def _aware(value: datetime, like: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=like.tzinfo)


def principal_for(user: User) -> Principal:
    return Principal(
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        locale=user.locale,
        is_admin=any(g.role == "admin" for g in user.grants),
        officer_of=frozenset(g.department_id for g in user.grants if g.role == "officer" and g.department_id),
    )


def session_principal(session: Session, token: str | None, *, now: datetime) -> Principal | None:
    """Who holds this session token, or None if it is unknown, expired, idle too long or the account
    is closed. Refreshes the idle clock at most every few minutes (few writes on busy pages)."""
    if not token or len(token) > 100:
        return None
    row = session.get(WebSession, digest(token))
    if row is None:
        return None
    if _aware(row.expires_at, now) <= now or _aware(row.last_seen_at, now) + SESSION_IDLE <= now:
        session.delete(row)
        return None
    user = session.scalar(select(User).where(User.id == row.user_id).options(selectinload(User.grants)))
    if user is None or not user.is_active:
        return None
    if _aware(row.last_seen_at, now) + SESSION_TOUCH <= now:
        session.execute(update(WebSession).where(WebSession.id == row.id).values(last_seen_at=now))
    return principal_for(user)


def request_password_reset(
    session: Session, *, email: str, now: datetime, link_for: Callable[[str, str], str]
) -> None:
    """E-mail a reset link if the address has an account. Says nothing either way (no enumeration);
    at most a few links per hour per account. ``link_for(locale, token)`` builds the URL."""
    problems = _email_problems(normalise_email(email))
    if problems:
        raise ValidationFailed(problems)
    user = user_by_email(session, email)
    if user is None or not user.is_active:
        return
    recent = session.scalar(
        select(func.count()).where(
            PasswordResetToken.user_id == user.id, PasswordResetToken.created_at > now - timedelta(hours=1)
        )
    )
    if recent >= RESETS_PER_HOUR:
        return
    token = new_token()
    session.add(
        PasswordResetToken(id=digest(token), user_id=user.id, created_at=now, expires_at=now + RESET_VALID)
    )
    t = translator(user.locale)
    notify.enqueue(
        session,
        kind="accounts.password_reset",
        locale=user.locale,
        to_address=user.email,
        user_id=user.id,
        secret=True,
        subject=t.gettext(N_("Reset your Hetao One-Stop password")),
        body=t.gettext(
            N_(
                "Someone asked to reset the password of the account for %(email)s. To choose a new "
                "password, open this link within one hour:\n\n%(link)s\n\nIf it was not you, ignore this "
                "message: your password stays as it is."
            ),
            email=user.email,
            link=link_for(user.locale, token),
        ),
    )


def valid_reset_token(session: Session, token: str, *, now: datetime) -> PasswordResetToken | None:
    row = session.get(PasswordResetToken, digest(token)) if token and len(token) <= 100 else None
    if row is None or row.used_at is not None or _aware(row.expires_at, now) <= now:
        return None
    return row


def reset_password(session: Session, *, token: str, password: str, confirm: str, now: datetime) -> User:
    """Set a new password with a reset token; signs the account out everywhere."""
    row = valid_reset_token(session, token, now=now)
    if row is None:
        raise ValidationFailed(
            [Problem("token", N_("This link has expired or has already been used. Ask for a new one."))]
        )
    user = session.get(User, row.user_id)
    problems = password_problems(password, email=user.email)
    if password and confirm != password:
        problems.append(Problem("confirm", N_("The two passwords are not the same.")))
    if problems:
        raise ValidationFailed(problems)
    claimed = session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == row.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # used by a concurrent request
        raise ValidationFailed(
            [Problem("token", N_("This link has expired or has already been used. Ask for a new one."))]
        )
    user.password_hash = hash_password(password)
    user.password_changed_at = now
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    session.execute(delete(SignInFailure).where(SignInFailure.key == _throttle_keys(user.email, None)[0]))
    t = translator(user.locale)
    notify.enqueue(
        session,
        kind="accounts.password_changed",
        locale=user.locale,
        to_address=user.email,
        user_id=user.id,
        subject=t.gettext(N_("Your Hetao One-Stop password was changed")),
        body=t.gettext(
            N_(
                "The password of your account was changed and you were signed out everywhere. If it was not "
                "you, reset your password now and contact the service centre."
            )
        ),
    )
    return user
