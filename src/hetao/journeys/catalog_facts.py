"""What plans need of the catalogue (names, department, time limit, documents), read through the
catalogue's public API."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from hetao.catalog import Service, find_service
from hetao.core.errors import Problem
from hetao.core.i18n import N_
from hetao.core.locales import LOCALES
from hetao.journeys.model import Journey
from hetao.journeys.plan import ServiceFacts, TimeLimit


def _names(row, field: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for locale in LOCALES:
        text = row.text(field, locale)
        if text is not None:
            out[locale] = text.value
    return out


def service_facts(service: Service) -> ServiceFacts:
    """The facts of one catalogue item: the promised time limit, else the statutory one."""
    limit = service.time_limit("promised") or service.time_limit("statutory")
    codes: list[str] = []
    document_names: dict[str, dict[str, str]] = {}
    for required in service.required_documents:
        if required.document_type is not None:
            code = required.document_type.key
        else:
            code = f"{service.slug}#{required.position}"
        if code in document_names:
            continue
        codes.append(code)
        document_names[code] = {
            loc: text.value for loc in LOCALES if (text := required.label(loc)) is not None
        }
    return ServiceFacts(
        key=service.slug,
        names=_names(service, "name"),
        department=service.organization.slug,
        department_names=_names(service.organization, "name"),
        time_limit=TimeLimit(limit[0], limit[1]) if limit else None,
        documents=tuple(codes),
        document_names=document_names,
    )


def load_service_facts(session: Session, keys: Iterable[str]) -> dict[str, ServiceFacts]:
    """Facts by item key for the active catalogue items among ``keys`` (missing ones are left out)."""
    out: dict[str, ServiceFacts] = {}
    for key in dict.fromkeys(keys):
        service = find_service(session, key)
        if service is not None and service.slug == key and service.status == "active":
            out[key] = service_facts(service)
    return out


def journey_facts(session: Session, journey: Journey) -> dict[str, ServiceFacts]:
    """Facts for every item a journey can put in a plan."""
    return load_service_facts(session, journey.item_keys())


def check_against_catalog(session: Session, journeys: Iterable[Journey]) -> list[Problem]:
    """A problem for every journey item that is not an active item of the stored catalogue."""
    problems: list[Problem] = []
    for journey in journeys:
        found = journey_facts(session, journey)
        for key in journey.item_keys():
            if key not in found:
                problems.append(
                    Problem(
                        f"{journey.slug}.yaml:items[{key}].key",
                        N_("No service item of the catalogue is called %(key)s."),
                        {"key": key},
                    )
                )
    return problems
