"""Serialisation of the catalogue and directory as HSDS 3.1 + Hetao profile objects.

The same functions serve ``hetao export`` and the read API at ``/api/hsds/``. Output is deterministic
(objects sorted by id, children in their order, keys in a fixed order) so export → import → export
gives an identical file."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hetao.catalog.hsds_format import HETAO_TEXT_FIELDS, TEXT_FIELDS
from hetao.catalog.models import Attribute, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from hetao.core.locales import LOCALES
from hetao.directory.models import Location, Organization

Obj = dict[str, Any]


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _texts(row: Any, kind: str, language: str) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Base texts in ``language`` and translations for the other locales."""
    by_locale = row.text_map()
    fields = TEXT_FIELDS[kind]
    base = {f: v for f, v in by_locale.get(language, {}).items() if f in fields}
    translations = {}
    for loc in LOCALES:
        if loc == language:
            continue
        values = {f: by_locale[loc][f] for f in fields if f in by_locale.get(loc, {})}
        if values:
            translations[loc] = values
    return base, translations


def _put_texts(out: Obj, row: Any, kind: str, language: str, *, hetao: Obj | None = None) -> None:
    base, translations = _texts(row, kind, language)
    in_hetao = HETAO_TEXT_FIELDS.get(kind, ())
    for name in TEXT_FIELDS[kind]:
        if name in base:
            if name in in_hetao:
                if hetao is not None:
                    hetao[name] = base[name]
            else:
                out[name] = base[name]
    if translations:
        out["translations"] = translations


def _limit(value: int | None, unit: str | None) -> Obj | None:
    return {"value": value, "unit": unit} if value is not None and unit else None


def serialize_service(service: Service, language: str, attributes: list[Attribute]) -> Obj:
    out: Obj = {"id": service.id, "organization_id": service.organization_id}
    hetao: Obj = {
        "slug": service.slug,
        "category": service.category,
        "channels": list(service.channels),
        "promised_time_limit": _limit(service.promised_value, service.promised_unit),
        "statutory_time_limit": _limit(service.statutory_value, service.statutory_unit),
        "cross_border": service.cross_border,
        "item_code": service.item_code,
        "visits": service.visits,
    }
    _put_texts(out, service, "service", language, hetao=hetao)
    out["status"] = service.status
    out["last_modified"] = _iso(service.modified_at)
    docs = []
    for rd in service.required_documents:
        item: Obj = {"id": rd.id, "service_id": service.id}
        _put_texts(item, rd, "required_document", language)
        if rd.document_type is not None:
            item["hetao"] = {"document_type": rd.document_type.key}
        docs.append(item)
    out["required_documents"] = docs
    out["attributes"] = [serialize_attribute(a) for a in sorted(attributes, key=lambda a: a.id)]
    faqs = []
    for faq in service.faqs:
        item = {}
        _put_texts(item, faq, "faq", language)
        faqs.append(
            {
                "question": item.get("question"),
                "answer": item.get("answer"),
                **({"translations": item["translations"]} if "translations" in item else {}),
            }
        )
    hetao["faqs"] = faqs
    out["hetao"] = hetao
    return out


def serialize_attribute(attr: Attribute) -> Obj:
    out: Obj = {
        "id": attr.id,
        "link_id": attr.link_id,
        "link_type": attr.link_type,
        "link_entity": attr.link_entity,
        "taxonomy_term_id": attr.taxonomy_term_id,
    }
    if attr.value is not None:
        out["value"] = attr.value
    if attr.label is not None:
        out["label"] = attr.label
    return out


def serialize_organization(org: Organization, language: str) -> Obj:
    out: Obj = {"id": org.id}
    _put_texts(out, org, "organization", language)
    if org.parent_id:
        out["parent_organization_id"] = org.parent_id
    out["hetao"] = {
        "slug": org.slug,
        "kind": org.kind,
        "tags": list(org.tags or []),
        "hk_background": org.hk_background,
        "location_id": org.location_id,
    }
    return out


def serialize_location(loc: Location, language: str) -> Obj:
    out: Obj = {"id": loc.id, "location_type": loc.location_type}
    if loc.organization_id:
        out["organization_id"] = loc.organization_id
    _put_texts(out, loc, "location", language)
    if loc.latitude is not None:
        out["latitude"] = loc.latitude
    if loc.longitude is not None:
        out["longitude"] = loc.longitude
    hetao: Obj = {"slug": loc.slug, "kind": loc.kind}
    if loc.map_x is not None:
        hetao["map"] = {"x": loc.map_x, "y": loc.map_y, "width": loc.map_width, "height": loc.map_height}
    out["hetao"] = hetao
    return out


def serialize_taxonomy(tax: Taxonomy, language: str) -> Obj:
    out: Obj = {"id": tax.id}
    _put_texts(out, tax, "taxonomy", language)
    if tax.uri:
        out["uri"] = tax.uri
    if tax.version:
        out["version"] = tax.version
    return out


def serialize_taxonomy_term(term: TaxonomyTerm, language: str) -> Obj:
    out: Obj = {"id": term.id}
    if term.code:
        out["code"] = term.code
    _put_texts(out, term, "taxonomy_term", language)
    if term.parent_id:
        out["parent_id"] = term.parent_id
    if term.taxonomy_id:
        out["taxonomy_id"] = term.taxonomy_id
    if term.term_uri:
        out["term_uri"] = term.term_uri
    return out


def serialize_service_at_location(sal: ServiceAtLocation, language: str) -> Obj:
    out: Obj = {"id": sal.id, "service_id": sal.service_id, "location_id": sal.location_id}
    _put_texts(out, sal, "service_at_location", language)
    return out


def service_attributes(session: Session, service_ids: list[str]) -> dict[str, list[Attribute]]:
    by_service: dict[str, list[Attribute]] = defaultdict(list)
    for chunk in (service_ids[i : i + 500] for i in range(0, len(service_ids), 500)):
        rows = session.scalars(
            select(Attribute).where(Attribute.link_entity == "service", Attribute.link_id.in_(chunk))
        )
        for attr in rows:
            by_service[attr.link_id].append(attr)
    return by_service


def export_document(session: Session, *, language: str = "zh-Hant") -> Obj:
    """The whole catalogue and directory as one interchange document."""
    services = list(session.scalars(select(Service).order_by(Service.id)))
    attrs = service_attributes(session, [s.id for s in services])
    return {
        "language": language,
        "organizations": [
            serialize_organization(o, language)
            for o in session.scalars(select(Organization).order_by(Organization.id))
        ],
        "locations": [
            serialize_location(x, language) for x in session.scalars(select(Location).order_by(Location.id))
        ],
        "taxonomies": [
            serialize_taxonomy(t, language) for t in session.scalars(select(Taxonomy).order_by(Taxonomy.id))
        ],
        "taxonomy_terms": [
            serialize_taxonomy_term(t, language)
            for t in session.scalars(select(TaxonomyTerm).order_by(TaxonomyTerm.id))
        ],
        "services": [serialize_service(s, language, attrs.get(s.id, [])) for s in services],
        "service_at_locations": [
            serialize_service_at_location(x, language)
            for x in session.scalars(select(ServiceAtLocation).order_by(ServiceAtLocation.id))
        ],
    }
