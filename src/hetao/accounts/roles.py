"""Granting and revoking officer and administrator roles (administrators only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from hetao.accounts.models import RoleGrant, User, WebSession
from hetao.accounts.people import normalise_email, user_by_email
from hetao.accounts.principal import ROLES, Principal
from hetao.core.errors import Conflict, NotFound, Problem, ValidationFailed
from hetao.core.i18n import N_


class LastAdministrator(Conflict):
    code = "accounts.last_admin"
    message = N_("At least one administrator must remain.")


def grant_role(
    session: Session,
    actor: Principal | None,
    *,
    email: str,
    role: str,
    department_id: str | None,
    department_exists=lambda _id: True,
    now: datetime,
) -> RoleGrant:
    """Give the account with ``email`` a role. ``actor`` None means the command line (trusted)."""
    if actor is not None:
        actor.require_admin()
    problems = []
    user = user_by_email(session, email) if email else None
    if not email:
        problems.append(Problem("email", N_("Enter your e-mail address.")))
    elif user is None:
        problems.append(
            Problem(
                "email", N_("No account has the e-mail address %(email)s."), {"email": normalise_email(email)}
            )
        )
    if role not in ROLES:
        problems.append(Problem("role", N_("Choose a role.")))
    if role == "officer" and not (department_id and department_exists(department_id)):
        problems.append(Problem("department", N_("Choose the department the officer works for.")))
    if problems:
        raise ValidationFailed(problems)
    department = department_id if role == "officer" else None
    existing = session.scalar(
        select(RoleGrant).where(
            RoleGrant.user_id == user.id,
            RoleGrant.role == role,
            RoleGrant.department_id.is_(None)
            if department is None
            else RoleGrant.department_id == department,
        )
    )
    if existing is not None:
        return existing
    grant = RoleGrant(
        user_id=user.id,
        role=role,
        department_id=department,
        granted_at=now,
        granted_by=actor.user_id if actor else None,
    )
    session.add(grant)
    session.flush()
    return grant


def revoke_role(session: Session, actor: Principal | None, grant_id: int) -> None:
    if actor is not None:
        actor.require_admin()
    grant = session.get(RoleGrant, grant_id)
    if grant is None:
        raise NotFound()
    if grant.role == "admin":
        admins = session.scalar(select(func.count()).where(RoleGrant.role == "admin"))
        if admins <= 1:
            raise LastAdministrator()
    user_id = grant.user_id
    session.delete(grant)
    session.flush()
    # Sessions carry no roles (they are read per request), but sign the person out so the change is
    # plain to them too.
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))


def people_with_roles(session: Session, *, query: str = "", limit: int = 200) -> list[User]:
    """Accounts that hold a role, or whose e-mail/name contains ``query`` (for the admin page)."""
    stmt = select(User).options(selectinload(User.grants)).order_by(User.email).limit(limit)
    if query:
        like = f"%{query.strip().lower()}%"
        stmt = stmt.where(func.lower(User.email).like(like) | func.lower(User.display_name).like(like))
    else:
        stmt = stmt.where(User.id.in_(select(RoleGrant.user_id)))
    return list(session.scalars(stmt))
