"""Consistency checks of the stored catalogue and directory (``hetao check``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hetao.catalog.hsds_export import export_document
from hetao.catalog.hsds_format import COLLECTIONS
from hetao.catalog.hsds_import import Plan, _check_references, _check_translations, _collect
from hetao.catalog.models import Category, Service
from hetao.catalog.profile_schema import validator_for
from hetao.core.errors import Problem
from hetao.core.i18n import N_


def check_database(session: Session, *, language: str = "zh-Hant") -> list[Problem]:
    """Every problem of the stored content: profile schema violations of its export, dangling
    references, missing translations (warnings), services without documents or in no category."""
    doc = export_document(session, language=language)
    problems: list[Problem] = []
    plan = Plan(language=language)
    for collection, kind in COLLECTIONS.items():
        validator = validator_for(kind)
        for index, obj in enumerate(doc[collection]):
            path = f"$.{collection}[{index}]"
            for error in validator.iter_errors(obj):
                where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
                problems.append(Problem(path + where, error.message))
            _collect(plan, kind, obj, path, problems, top_level=True)
    _check_references(session, plan, problems)
    _check_translations(plan, problems)
    for service in session.scalars(select(Service)):
        if service.category not in Category.__members__:
            problems.append(
                Problem(
                    f"service {service.slug}", N_("Unknown category %(value)s."), {"value": service.category}
                )
            )
        if not service.required_documents:
            problems.append(
                Problem(
                    f"service {service.slug}",
                    N_("No documents are listed for this service."),
                    severity="warning",
                )
            )
    return problems
