"""Building blocks for case tests: people with roles, a plan, valid form values, tiny files."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from hetao import accounts, journeys
from hetao.core.db import utcnow
from hetao.directory import Organization

PASSWORD = "lantern harbour 42"
ANSWERS = {"investor": "hk_company", "capital_from_abroad": "yes", "vat_general": "no", "trades_goods": "no"}
VALID = {
    "full_name": "陳大文",
    "hkid_number": "A123456(7)",
    "home_return_permit_number": "H12345678",
    "passport_number": "K12345678",
    "date_of_birth": "1990-01-01",
    "company_name": "河套示範科技有限公司",
    "hk_company_number": "1234567",
    "unified_social_credit_code": "91440300MA5EXAMPLE",
    "mainland_address": "深圳市福田區福保街道（示例地址）",
    "phone": "+852 0000 0000",
    "email": "founder@example.org",
    "vehicle_registration_mark": "AB 1234",
    "employer_name": "示範僱主",
    "research_project_title": "示範研究項目",
}
PDF = b"%PDF-1.4\n% illustrative test document\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def person(session, email, *, officer_of=(), admin=False):
    user = accounts.sign_up(
        session,
        email=email,
        display_name=email.split("@")[0],
        password=PASSWORD,
        confirm=PASSWORD,
        locale="en",
        now=utcnow(),
    )
    for slug in officer_of:
        dept = session.scalar(select(Organization.id).where(Organization.slug == slug))
        accounts.grant_role(session, None, email=email, role="officer", department_id=dept, now=utcnow())
    if admin:
        accounts.grant_role(session, None, email=email, role="admin", department_id=None, now=utcnow())
    session.refresh(user)
    return accounts.principal_for(user)


def company_plan(session, answers=ANSWERS):
    journey = journeys.get_journey("company-setup")
    plan = journeys.build_plan(
        journey, answers, journeys.journey_facts(session, journey), start=date(2026, 3, 2)
    )
    return journey, plan


def department_slug(session, task) -> str:
    return session.scalar(select(Organization.slug).where(Organization.id == task.department_id))
