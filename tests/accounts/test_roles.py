"""Roles: only administrators grant and revoke; officers are tied to departments; one admin remains."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hetao import accounts
from hetao.core.db import utcnow
from hetao.core.errors import NotFound, PermissionDenied, ValidationFailed
from hetao.directory import Organization
from tests.accounts.test_people import make_user


def dept(session, slug="futian-amr"):
    return session.scalar(select(Organization.id).where(Organization.slug == slug))


def test_grants_make_officers_of_departments_and_admins(session):
    user = make_user(session)
    amr = dept(session)
    accounts.grant_role(session, None, email=user.email, role="officer", department_id=amr, now=utcnow())
    again = accounts.grant_role(
        session, None, email=user.email, role="officer", department_id=amr, now=utcnow()
    )
    accounts.grant_role(session, None, email=user.email, role="admin", department_id=amr, now=utcnow())
    session.refresh(user)
    principal = accounts.principal_for(user)
    assert principal.officer_of == {amr} and principal.is_admin
    assert principal.may_handle(amr) and not principal.may_handle(dept(session, "hetao-authority"))
    assert len(user.grants) == 2 and again.id == user.grants[0].id
    admin_grant = next(g for g in user.grants if g.role == "admin")
    assert admin_grant.department_id is None


def test_only_administrators_grant(session):
    applicant = accounts.principal_for(make_user(session))
    other = make_user(session, email="other@example.org")
    with pytest.raises(PermissionDenied):
        accounts.grant_role(
            session, applicant, email=other.email, role="admin", department_id=None, now=utcnow()
        )
    with pytest.raises(PermissionDenied):
        accounts.revoke_role(session, applicant, 1)


def test_grant_validation(session):
    make_user(session)
    with pytest.raises(ValidationFailed) as excinfo:
        accounts.grant_role(
            session, None, email="ghost@example.org", role="boss", department_id=None, now=utcnow()
        )
    assert {p.path for p in excinfo.value.problems} == {"email", "role"}
    with pytest.raises(ValidationFailed) as excinfo:
        accounts.grant_role(
            session, None, email="founder@example.org", role="officer", department_id=None, now=utcnow()
        )
    assert {p.path for p in excinfo.value.problems} == {"department"}


def test_the_last_administrator_stays(session):
    user = make_user(session)
    grant = accounts.grant_role(
        session, None, email=user.email, role="admin", department_id=None, now=utcnow()
    )
    admin = accounts.principal_for(user)
    with pytest.raises(accounts.LastAdministrator):
        accounts.revoke_role(session, admin, grant.id)
    second = make_user(session, email="second@example.org")
    accounts.grant_role(session, admin, email=second.email, role="admin", department_id=None, now=utcnow())
    accounts.revoke_role(session, admin, grant.id)
    with pytest.raises(NotFound):
        accounts.revoke_role(session, admin, grant.id)
