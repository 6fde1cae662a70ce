"""Messages to applicants about their case (through the outbox, in their language)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hetao import notify
from hetao.accounts import User
from hetao.cases.models import Case
from hetao.core.i18n import translator


def notify_applicant(session: Session, case: Case, *, subject: str, body: str, **params: object) -> None:
    user = session.get(User, case.applicant_id)
    if user is None:
        return
    t = translator(user.locale)
    values = {"reference": case.reference or "", **params}
    localised = {k: (v.get(user.locale) if isinstance(v, dict) else v) for k, v in values.items()}
    notify.enqueue(
        session,
        kind="cases.update",
        locale=user.locale,
        to_address=user.email,
        user_id=user.id,
        subject=t.gettext(subject, **localised),
        body=t.gettext(body, **localised),
    )
