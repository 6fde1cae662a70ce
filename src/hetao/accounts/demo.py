"""Demonstration accounts for a local site with the sample data (never for production).

All share one published password and use the reserved ``example.org`` domain, so nobody mistakes them
for real people."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hetao.accounts.models import User
from hetao.accounts.people import sign_up
from hetao.accounts.roles import grant_role

DEMO_PASSWORD = "hetao-demo-only-2026"
#: (e-mail, name, role, department slug or None)
DEMO_ACCOUNTS = [
    ("applicant@example.org", "Demo applicant 示範申請人", None, None),
    ("officer.amr@example.org", "Demo officer (market regulation) 示範職員", "officer", "futian-amr"),
    ("officer.tax@example.org", "Demo officer (tax) 示範職員", "officer", "futian-tax"),
    ("officer.hr@example.org", "Demo officer (human resources) 示範職員", "officer", "futian-hr"),
    ("officer.bank@example.org", "Demo officer (partner banks) 示範職員", "officer", "partner-banks"),
    ("admin@example.org", "Demo administrator 示範管理員", "admin", None),
]


def create_demo_accounts(session: Session, *, department_ids: dict[str, str], now: datetime) -> list[str]:
    """Create the demonstration accounts if there are no accounts yet; returns the e-mails created."""
    if session.scalar(select(func.count()).select_from(User)):
        return []
    created = []
    for email, name, role, dept in DEMO_ACCOUNTS:
        sign_up(
            session,
            email=email,
            display_name=name,
            password=DEMO_PASSWORD,
            confirm=DEMO_PASSWORD,
            locale="zh-Hant",
            now=now,
        )
        if role and (dept is None or dept in department_ids):
            grant_role(
                session,
                None,
                email=email,
                role=role,
                department_id=department_ids.get(dept) if dept else None,
                now=now,
            )
        created.append(email)
    return created
