"""Messages to people about their room bookings and event places (through the outbox, in their
language). Values given per locale (dicts) are resolved in the reader's locale."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hetao import notify
from hetao.accounts import User
from hetao.core.i18n import translator


def notify_person(
    session: Session, user_id: str, *, kind: str, subject: str, body: str, **params: object
) -> None:
    user = session.get(User, user_id)
    if user is None:
        return
    t = translator(user.locale)
    values = {
        k: (v.get(user.locale) or v.get("en") or "" if isinstance(v, dict) else v) for k, v in params.items()
    }
    notify.enqueue(
        session,
        kind=kind,
        locale=user.locale,
        to_address=user.email,
        user_id=user.id,
        subject=t.gettext(subject, **values),
        body=t.gettext(body, **values),
    )
