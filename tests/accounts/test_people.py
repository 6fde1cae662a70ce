"""Accounts on every backend: sign-up rules, sign-in and its throttle, sessions, password reset."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hetao import accounts, notify
from hetao.accounts import SignInFailure, User, WebSession
from hetao.core.db import utcnow
from hetao.core.errors import ValidationFailed

PASSWORD = "lantern harbour 42"


def make_user(session, email="founder@example.org", password=PASSWORD, locale="zh-Hant"):
    return accounts.sign_up(
        session,
        email=email,
        display_name="陳大文",
        password=password,
        confirm=password,
        locale=locale,
        now=utcnow(),
    )


def problems_of(excinfo) -> dict[str, str]:
    return {p.path: p.message for p in excinfo.value.problems}


def test_sign_up_normalises_email_and_hashes_password(session):
    user = make_user(session, email="  Founder@Example.ORG ")
    assert user.email == "founder@example.org"
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


@pytest.mark.parametrize(
    ("form", "paths"),
    [
        (
            {"email": "", "display_name": "", "password": "", "confirm": ""},
            {"email", "display_name", "password"},
        ),
        (
            {"email": "not-an-address", "display_name": "A", "password": PASSWORD, "confirm": PASSWORD},
            {"email"},
        ),
        (
            {"email": "a@example.org", "display_name": "A", "password": "short", "confirm": "short"},
            {"password"},
        ),
        (
            {
                "email": "a@example.org",
                "display_name": "A",
                "password": "1234567890",
                "confirm": "1234567890",
            },
            {"password"},
        ),
        (
            {"email": "a@example.org", "display_name": "A", "password": PASSWORD, "confirm": "other one"},
            {"confirm"},
        ),
    ],
)
def test_sign_up_reports_every_problem_and_writes_nothing(session, form, paths):
    before = session.scalar(select(func.count()).select_from(User))
    with pytest.raises(ValidationFailed) as excinfo:
        accounts.sign_up(session, locale="en", now=utcnow(), **form)
    assert set(problems_of(excinfo)) == paths
    assert session.scalar(select(func.count()).select_from(User)) == before


def test_the_same_address_cannot_sign_up_twice(session):
    make_user(session)
    with pytest.raises(ValidationFailed) as excinfo:
        make_user(session, email="FOUNDER@example.org")
    assert "already exists" in problems_of(excinfo)["email"]


def test_sign_in_accepts_the_right_password_only(session):
    make_user(session)
    now = utcnow()
    assert (
        accounts.sign_in(
            session, email="founder@example.org", password="wrong password", address="10.0.0.1", now=now
        )
        is None
    )
    user = accounts.sign_in(
        session, email="Founder@example.org", password=PASSWORD, address="10.0.0.1", now=now
    )
    assert user is not None and user.last_sign_in_at == now
    # A success clears the e-mail's failures; the address's stay.
    keys = set(session.scalars(select(SignInFailure.key)))
    assert keys == {"ip:10.0.0.1"}


def test_sign_in_is_throttled_per_email_then_released(session):
    make_user(session)
    now = utcnow()
    for _ in range(accounts.people.MAX_FAILURES_PER_EMAIL):
        assert (
            accounts.sign_in(
                session, email="founder@example.org", password="nope nope", address=None, now=now
            )
            is None
        )
    with pytest.raises(accounts.TooManyAttempts) as excinfo:
        accounts.sign_in(session, email="founder@example.org", password=PASSWORD, address=None, now=now)
    assert excinfo.value.status == 429 and excinfo.value.params["minutes"] == 16
    later = now + accounts.people.THROTTLE_WINDOW + timedelta(seconds=1)
    assert accounts.sign_in(session, email="founder@example.org", password=PASSWORD, address=None, now=later)


def test_unknown_email_fails_like_a_wrong_password(session):
    assert (
        accounts.sign_in(
            session, email="nobody@example.org", password=PASSWORD, address="10.0.0.2", now=utcnow()
        )
        is None
    )
    assert session.scalar(select(func.count()).select_from(SignInFailure)) == 2


def test_sessions_expire_when_idle_and_end_on_sign_out(session):
    user = make_user(session)
    now = utcnow()
    token = accounts.start_session(session, user, now=now)
    assert session.scalar(select(WebSession.id)) != token  # only the digest is stored
    principal = accounts.session_principal(session, token, now=now + timedelta(days=1))
    assert principal.email == "founder@example.org" and not principal.is_admin and not principal.is_officer
    assert accounts.session_principal(session, token, now=now + timedelta(days=8)) is None
    token = accounts.start_session(session, user, now=now)
    accounts.end_session(session, token)
    assert accounts.session_principal(session, token, now=now) is None
    assert accounts.session_principal(session, "guessed-token", now=now) is None


def test_password_reset_is_single_use_and_signs_out_everywhere(session):
    user = make_user(session)
    now = utcnow()
    old_session = accounts.start_session(session, user, now=now)
    links = []
    accounts.request_password_reset(
        session,
        email="founder@example.org",
        now=now,
        link_for=lambda loc, tok: links.append((loc, tok)) or f"/r/{tok}",
    )
    ((locale, token),) = links
    assert locale == "zh-Hant"
    mail = session.scalar(
        select(notify.OutboxMessage).where(notify.OutboxMessage.kind == "accounts.password_reset")
    )
    assert mail.secret and token in mail.body and mail.to_address == "founder@example.org"
    assert "重設" in mail.subject  # in the account's language
    accounts.reset_password(
        session, token=token, password="a new long passphrase", confirm="a new long passphrase", now=now
    )
    assert accounts.session_principal(session, old_session, now=now) is None
    assert accounts.sign_in(
        session, email=user.email, password="a new long passphrase", address=None, now=now
    )
    with pytest.raises(ValidationFailed) as excinfo:
        accounts.reset_password(
            session, token=token, password="another passphrase!", confirm="another passphrase!", now=now
        )
    assert set(problems_of(excinfo)) == {"token"}
    # The change notice is shown in the site; the secret link never is.
    shown = notify.messages_for(session, user.id)
    assert [m.kind for m in shown] == ["accounts.password_changed"]


def test_password_reset_says_nothing_about_unknown_addresses_and_limits_mails(session):
    make_user(session)
    now = utcnow()
    accounts.request_password_reset(session, email="nobody@example.org", now=now, link_for=lambda *_: "x")
    for _ in range(5):
        accounts.request_password_reset(
            session, email="founder@example.org", now=now, link_for=lambda *_: "x"
        )
    sent = session.scalar(select(func.count()).where(notify.OutboxMessage.kind == "accounts.password_reset"))
    assert sent == accounts.people.RESETS_PER_HOUR


def test_expired_reset_link_is_refused(session):
    make_user(session)
    now = utcnow()
    links = []
    accounts.request_password_reset(
        session, email="founder@example.org", now=now, link_for=lambda _l, t: links.append(t) or t
    )
    assert accounts.valid_reset_token(session, links[0], now=now + timedelta(minutes=59))
    assert accounts.valid_reset_token(session, links[0], now=now + timedelta(minutes=61)) is None
