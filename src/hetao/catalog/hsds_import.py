"""Import of one HSDS 3.1 document with the Hetao profile.

Two phases: :func:`validate_document` checks the whole file (schemas, references, enum values,
duplicate ids, slugs, translations) without writing; :func:`import_document` then upserts everything
by id in the caller's transaction. A document with any error writes nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hetao.catalog.hsds_format import COLLECTIONS, HETAO_TEXT_FIELDS, TEXT_FIELDS, derived_id
from hetao.catalog.models import (
    Attribute,
    CatalogState,
    DocumentType,
    Faq,
    RequiredDocument,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from hetao.catalog.profile_schema import validator_for
from hetao.core.db import new_id, utcnow
from hetao.core.errors import Problem, ValidationFailed
from hetao.core.i18n import N_
from hetao.core.locales import LOCALES
from hetao.directory.models import Location, Organization

Obj = dict[str, Any]


@dataclass
class Entry:
    """One object of the document, flattened out of wherever it was embedded."""

    kind: str
    obj: Obj
    path: str


@dataclass
class Plan:
    language: str
    entries: dict[str, dict[str, Entry]] = field(default_factory=dict)  # kind -> id -> entry

    def of(self, kind: str) -> dict[str, Entry]:
        return self.entries.setdefault(kind, {})


@dataclass
class ImportReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()))


def _json_path(base: str, parts: Iterable[Any]) -> str:
    out = base
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


# --------------------------------------------------------------------------- validation


def validate_document(session: Session, doc: Any) -> tuple[Plan | None, list[Problem]]:
    """Check a whole document; return the flattened plan and every problem (errors and warnings)."""
    problems: list[Problem] = []
    if not isinstance(doc, dict):
        return None, [Problem("$", N_("The document must be a JSON object."))]
    unreadable = _unreadable(doc)
    if unreadable:
        return None, unreadable
    language = doc.get("language")
    if language not in LOCALES:
        problems.append(
            Problem(
                "$.language",
                N_("The document language must be one of %(allowed)s; found %(found)s."),
                {"allowed": ", ".join(LOCALES), "found": repr(language)},
            )
        )
        language = LOCALES[0]
    for key in doc:
        if key != "language" and key not in COLLECTIONS:
            problems.append(Problem(f"$.{key}", N_("Unknown member %(name)s."), {"name": key}))
    plan = Plan(language=language)
    for collection, kind in COLLECTIONS.items():
        items = doc.get(collection, [])
        if not isinstance(items, list):
            problems.append(Problem(f"$.{collection}", N_("Must be an array.")))
            continue
        validator = validator_for(kind)
        for index, obj in enumerate(items):
            path = f"$.{collection}[{index}]"
            if not isinstance(obj, dict):
                problems.append(Problem(path, N_("Must be an object.")))
                continue
            for error in sorted(validator.iter_errors(obj), key=lambda e: list(e.absolute_path)):
                problems.append(Problem(_json_path(path, error.absolute_path), error.message))
            _collect(plan, kind, obj, path, problems, top_level=True)
    # Shape errors do not stop the other checks: the file's author gets every problem at once.
    _check_profile_members(plan, problems)
    _check_references(session, plan, problems)
    _check_slugs(session, plan, problems)
    _check_translations(plan, problems)
    return plan, problems


#: Deeper than any HSDS object (a service's attribute's taxonomy term's taxonomy is 5 levels down).
MAX_DEPTH = 32


def _unreadable(doc: Any) -> list[Problem]:
    """Problems no later check could survive: NUL characters (no database accepts them; PostgreSQL
    refuses them even in a query) and nesting deeper than :data:`MAX_DEPTH` (the schema checks
    recurse). Walked without recursion, so any JSON the reader accepted is safe here."""
    problems: list[Problem] = []
    stack: list[tuple[Any, str, int]] = [(doc, "$", 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                problems.append(Problem(path, N_("Text must not contain NUL characters.")))
            continue
        if not isinstance(value, dict | list):
            continue
        if depth >= MAX_DEPTH:
            problems.append(
                Problem(path, N_("Nested more than %(depth)d levels deep."), {"depth": MAX_DEPTH})
            )
            continue
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            name = key.replace("\x00", "\\0") if isinstance(key, str) else key
            if name != key:
                problems.append(
                    Problem(_json_path(path, [name]), N_("Text must not contain NUL characters."))
                )
            stack.append((item, _json_path(path, [name]), depth + 1))
    return sorted(problems, key=lambda p: p.path)


def _add(plan: Plan, kind: str, obj: Obj, path: str, problems: list[Problem], *, top_level: bool) -> None:
    oid = obj.get("id")
    if not isinstance(oid, str):
        return
    table = plan.of(kind)
    if oid in table:
        if top_level or table[oid].obj != obj:
            problems.append(
                Problem(
                    path,
                    N_("Duplicate id %(id)s: already used at %(other)s."),
                    {"id": oid, "other": table[oid].path},
                )
            )
        return
    table[oid] = Entry(kind, obj, path)


def _array(value: Any) -> list[Any]:
    """``value`` when it is an array; anything else holds no children (the schema check reports it)."""
    return value if isinstance(value, list) else []


def _collect(plan: Plan, kind: str, obj: Obj, path: str, problems: list[Problem], *, top_level: bool) -> None:
    """Record ``obj`` and lift its embedded children into the plan."""
    _add(plan, kind, obj, path, problems, top_level=top_level)
    oid = obj.get("id")
    if kind == "service":
        org = obj.get("organization")
        if isinstance(org, dict):
            _collect(plan, "organization", org, f"{path}.organization", problems, top_level=False)
            if obj.get("organization_id") not in (None, org.get("id")):
                problems.append(
                    Problem(
                        f"{path}.organization_id", N_("organization_id and the embedded organization differ.")
                    )
                )
        for i, sal in enumerate(_array(obj.get("service_at_locations"))):
            if isinstance(sal, dict):
                _check_parent(sal, "service_id", oid, f"{path}.service_at_locations[{i}]", problems)
                _collect(
                    plan,
                    "service_at_location",
                    {**sal, "service_id": oid},
                    f"{path}.service_at_locations[{i}]",
                    problems,
                    top_level=False,
                )
        for i, rd in enumerate(_array(obj.get("required_documents"))):
            if isinstance(rd, dict):
                _check_parent(rd, "service_id", oid, f"{path}.required_documents[{i}]", problems)
                _add(
                    plan, "required_document", rd, f"{path}.required_documents[{i}]", problems, top_level=True
                )
        for i, attr in enumerate(_array(obj.get("attributes"))):
            if isinstance(attr, dict):
                _check_parent(attr, "link_id", oid, f"{path}.attributes[{i}]", problems)
                _add(plan, "attribute", attr, f"{path}.attributes[{i}]", problems, top_level=True)
                term = attr.get("taxonomy_term")
                if isinstance(term, dict):
                    _collect(
                        plan,
                        "taxonomy_term",
                        term,
                        f"{path}.attributes[{i}].taxonomy_term",
                        problems,
                        top_level=False,
                    )
    elif kind == "organization":
        for i, loc in enumerate(_array(obj.get("locations"))):
            if isinstance(loc, dict):
                _check_parent(loc, "organization_id", oid, f"{path}.locations[{i}]", problems)
                _collect(
                    plan,
                    "location",
                    {**loc, "organization_id": oid},
                    f"{path}.locations[{i}]",
                    problems,
                    top_level=False,
                )
    elif kind == "service_at_location":
        loc = obj.get("location")
        if isinstance(loc, dict):
            _collect(plan, "location", loc, f"{path}.location", problems, top_level=False)
    elif kind == "taxonomy_term":
        tax = obj.get("taxonomy_detail")
        if isinstance(tax, dict):
            _collect(plan, "taxonomy", tax, f"{path}.taxonomy_detail", problems, top_level=False)


def _check_parent(child: Obj, key: str, parent_id: Any, path: str, problems: list[Problem]) -> None:
    if child.get(key) not in (None, parent_id):
        problems.append(
            Problem(
                f"{path}.{key}",
                N_("%(key)s must be the id of the enclosing object or be left out."),
                {"key": key},
            )
        )


def _check_profile_members(plan: Plan, problems: list[Problem]) -> None:
    for entry in plan.of("service").values():
        if not entry.obj.get("organization_id") and not isinstance(entry.obj.get("organization"), dict):
            problems.append(
                Problem(
                    entry.path, N_("A service must name the organization that delivers it (organization_id).")
                )
            )
        if "hetao" not in entry.obj:
            problems.append(
                Problem(
                    entry.path,
                    N_("A service must carry the Hetao profile member %(name)s."),
                    {"name": "hetao"},
                )
            )
    for entry in plan.of("organization").values():
        if "hetao" not in entry.obj:
            problems.append(
                Problem(
                    entry.path,
                    N_("An organization must carry the Hetao profile member %(name)s."),
                    {"name": "hetao"},
                )
            )


#: (kind, member, target kind, required)
_REFERENCES = [
    ("service", "organization_id", "organization", False),
    ("service_at_location", "service_id", "service", True),
    ("service_at_location", "location_id", "location", True),
    ("location", "organization_id", "organization", False),
    ("organization", "parent_organization_id", "organization", False),
    ("organization", "hetao.location_id", "location", False),
    ("taxonomy_term", "taxonomy_id", "taxonomy", False),
    ("taxonomy_term", "parent_id", "taxonomy_term", False),
    ("attribute", "taxonomy_term_id", "taxonomy_term", True),
]
_MODELS = {
    "organization": Organization,
    "location": Location,
    "service": Service,
    "taxonomy": Taxonomy,
    "taxonomy_term": TaxonomyTerm,
}


def _member(obj: Obj, dotted: str) -> Any:
    value: Any = obj
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _check_references(session: Session, plan: Plan, problems: list[Problem]) -> None:
    wanted: dict[str, set[str]] = {}
    for kind, member, target, _required in _REFERENCES:
        for entry in plan.of(kind).values():
            ref = _member(entry.obj, member)
            if ref is None and kind == "attribute" and isinstance(entry.obj.get("taxonomy_term"), dict):
                ref = entry.obj["taxonomy_term"].get("id")
            if isinstance(ref, str) and ref not in plan.of(target):
                wanted.setdefault(target, set()).add(ref)
    in_db: dict[str, set[str]] = {}
    for target, ids in wanted.items():
        model = _MODELS[target]
        in_db[target] = set(session.scalars(select(model.id).where(model.id.in_(sorted(ids)))))
    for kind, member, target, required in _REFERENCES:
        for entry in plan.of(kind).values():
            ref = _member(entry.obj, member)
            if ref is None and kind == "attribute" and isinstance(entry.obj.get("taxonomy_term"), dict):
                continue
            if ref is not None and not isinstance(ref, str):
                continue  # a wrong type is reported by the schema check
            if ref is None:
                if required:
                    problems.append(Problem(f"{entry.path}.{member}", N_("This reference is required.")))
                continue
            if ref not in plan.of(target) and ref not in in_db.get(target, set()):
                problems.append(
                    Problem(
                        f"{entry.path}.{member}",
                        N_("%(ref)s does not refer to any %(target)s in this file or in the database."),
                        {"ref": ref, "target": target},
                    )
                )


def _check_slugs(session: Session, plan: Plan, problems: list[Problem]) -> None:
    for kind in ("service", "organization", "location"):
        model = _MODELS[kind]
        seen: dict[str, Entry] = {}
        for entry in plan.of(kind).values():
            slug = _slug_of(entry)
            if slug in seen:
                problems.append(
                    Problem(
                        f"{entry.path}.hetao.slug",
                        N_("The slug %(slug)s is already used by %(other)s."),
                        {"slug": slug, "other": seen[slug].path},
                    )
                )
            seen[slug] = entry
        if not seen:
            continue
        rows = session.execute(select(model.slug, model.id).where(model.slug.in_(sorted(seen))))
        for slug, oid in rows:
            if oid != seen[slug].obj["id"]:
                problems.append(
                    Problem(
                        f"{seen[slug].path}.hetao.slug",
                        N_("The slug %(slug)s already belongs to another %(kind)s in the database (%(id)s)."),
                        {"slug": slug, "kind": kind, "id": oid},
                    )
                )


def _slug_of(entry: Entry) -> str:
    hetao = entry.obj.get("hetao")
    slug = hetao.get("slug") if isinstance(hetao, dict) else None
    return slug if isinstance(slug, str) else entry.obj["id"]


def _check_translations(plan: Plan, problems: list[Problem]) -> None:
    others = [loc for loc in LOCALES if loc != plan.language]
    for kind, table in plan.entries.items():
        fields = TEXT_FIELDS.get(kind)
        if not fields:
            continue
        for entry in table.values():
            _warn_missing(entry.obj, kind, entry.path, others, problems)
            if kind == "service":
                hetao = entry.obj.get("hetao")
                faqs = hetao.get("faqs") if isinstance(hetao, dict) else None
                for i, faq in enumerate(faqs if isinstance(faqs, list) else []):
                    if isinstance(faq, dict):
                        _warn_missing(faq, "faq", f"{entry.path}.hetao.faqs[{i}]", others, problems)


def _warn_missing(obj: Obj, kind: str, path: str, others: list[str], problems: list[Problem]) -> None:
    base = _base_texts(obj, kind)
    translations = obj.get("translations") or {}
    if not isinstance(translations, dict):
        return
    for tag in translations:
        if tag not in LOCALES:
            problems.append(
                Problem(
                    f"{path}.translations.{tag}",
                    N_("Language %(tag)s is not used here and is ignored."),
                    {"tag": tag},
                    severity="warning",
                )
            )
    for locale in others:
        given = translations.get(locale)
        missing = [f for f in base if not (given.get(f) if isinstance(given, dict) else None)]
        if missing:
            problems.append(
                Problem(
                    f"{path}.translations.{locale}",
                    N_("Missing translation of %(fields)s."),
                    {"fields": ", ".join(missing)},
                    severity="warning",
                )
            )


def _base_texts(obj: Obj, kind: str) -> dict[str, str]:
    hetao_fields = HETAO_TEXT_FIELDS.get(kind, ())
    hetao = obj.get("hetao") if isinstance(obj.get("hetao"), dict) else {}
    out = {}
    for name in TEXT_FIELDS[kind]:
        value = hetao.get(name) if name in hetao_fields else obj.get(name)
        if isinstance(value, str) and value.strip():
            out[name] = value
    return out


def _texts(obj: Obj, kind: str, language: str) -> dict[str, dict[str, str | None]]:
    values: dict[str, dict[str, str | None]] = {language: dict(_base_texts(obj, kind))}
    for tag, fields in (obj.get("translations") or {}).items():
        if tag in LOCALES and tag != language:
            values[tag] = {k: v for k, v in fields.items() if k in TEXT_FIELDS[kind] and isinstance(v, str)}
    return values


# --------------------------------------------------------------------------- writing


class _Writer:
    def __init__(
        self, session: Session, plan: Plan, report: ImportReport, progress: Callable[[int], None] | None
    ):
        self.session = session
        self.plan = plan
        self.report = report
        self.progress = progress or (lambda n: None)
        self.cache: dict[tuple[type, str], Any] = {}
        self.status: dict[tuple[str, str], str] = {}

    def load(self, model: type, ids: Iterable[str]) -> None:
        ids = sorted(set(ids))
        for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
            for row in self.session.scalars(select(model).where(model.id.in_(chunk))):
                self.cache[(model, row.id)] = row

    def upsert(
        self, model: type, oid: str, kind: str, values: dict[str, Any], texts=None
    ) -> tuple[Any, bool]:
        row = self.cache.get((model, oid))
        created = row is None
        if created:
            row = model(id=oid)
            self.session.add(row)
            self.cache[(model, oid)] = row
        changed = created
        for attr, value in values.items():
            if getattr(row, attr, None) != value:
                setattr(row, attr, value)
                changed = True
        if texts is not None and row.set_texts(texts):
            changed = True
        self.status[(kind, oid)] = "created" if created else "updated" if changed else "unchanged"
        self.progress(1)
        return row, changed

    def mark_changed(self, kind: str, oid: str) -> None:
        if self.status.get((kind, oid)) == "unchanged":
            self.status[(kind, oid)] = "updated"

    def tally(self) -> None:
        for (kind, _oid), status in self.status.items():
            getattr(self.report, status)[kind] += 1


def import_document(
    session: Session, doc: Any, *, progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Validate then upsert the whole document in the caller's transaction.

    Raises :class:`ValidationFailed` listing every error (and warning) when anything is wrong;
    nothing is written in that case."""
    plan, problems = validate_document(session, doc)
    errors = [p for p in problems if p.severity == "error"]
    if errors or plan is None:
        raise ValidationFailed(
            problems, N_("The file was not imported: %(count)d problems found."), count=len(errors)
        )
    report = ImportReport(warnings=[p for p in problems if p.severity == "warning"])
    w = _Writer(session, plan, report, progress)
    lang = plan.language
    for kind, model in _MODELS.items():
        w.load(model, plan.of(kind))
    w.load(RequiredDocument, plan.of("required_document"))
    w.load(Attribute, plan.of("attribute"))
    w.load(ServiceAtLocation, plan.of("service_at_location"))

    # 1. Rows whose references may point at each other are first written without those references.
    locations = {}
    for oid, e in plan.of("location").items():
        o = e.obj
        het = o.get("hetao") or {}
        mp = het.get("map") or {}
        locations[oid], _ = w.upsert(
            Location,
            oid,
            "location",
            {
                "slug": _slug_of(e),
                "location_type": o.get("location_type", "physical"),
                "kind": het.get("kind"),
                "latitude": _float(o.get("latitude")),
                "longitude": _float(o.get("longitude")),
                "map_x": mp.get("x"),
                "map_y": mp.get("y"),
                "map_width": mp.get("width"),
                "map_height": mp.get("height"),
            },
            _texts(o, "location", lang),
        )
    session.flush()
    for oid, e in plan.of("organization").items():
        het = e.obj.get("hetao") or {}
        w.upsert(
            Organization,
            oid,
            "organization",
            {
                "slug": _slug_of(e),
                "kind": het.get("kind", "other"),
                "hk_background": bool(het.get("hk_background", False)),
                "tags": list(het.get("tags") or []),
                "location_id": het.get("location_id"),
            },
            _texts(e.obj, "organization", lang),
        )
    session.flush()
    _set_late(
        w, Organization, plan.of("organization"), {"parent_id": "parent_organization_id"}, "organization"
    )
    _set_late(w, Location, plan.of("location"), {"organization_id": "organization_id"}, "location")
    for oid, e in plan.of("taxonomy").items():
        w.upsert(
            Taxonomy,
            oid,
            "taxonomy",
            {"uri": e.obj.get("uri"), "version": e.obj.get("version")},
            _texts(e.obj, "taxonomy", lang),
        )
    session.flush()
    for oid, e in plan.of("taxonomy_term").items():
        o = e.obj
        w.upsert(
            TaxonomyTerm,
            oid,
            "taxonomy_term",
            {"code": o.get("code"), "taxonomy_id": o.get("taxonomy_id"), "term_uri": o.get("term_uri")},
            _texts(o, "taxonomy_term", lang),
        )
    session.flush()
    _set_late(w, TaxonomyTerm, plan.of("taxonomy_term"), {"parent_id": "parent_id"}, "taxonomy_term")

    # 2. Document types: one shared record per key, named by the first document that uses it.
    doc_types = _upsert_document_types(w, plan)

    # 3. Services and their children.
    for oid, e in plan.of("service").items():
        _write_service(w, oid, e, doc_types)
    session.flush()
    for oid, e in plan.of("service_at_location").items():
        o = e.obj
        w.upsert(
            ServiceAtLocation,
            oid,
            "service_at_location",
            {"service_id": o["service_id"], "location_id": o.get("location_id") or o["location"]["id"]},
            _texts(o, "service_at_location", lang),
        )
    session.flush()
    w.tally()
    if report.changed:
        bump_catalog_version(session)
    return report


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _set_late(w: _Writer, model: type, entries: dict[str, Entry], members: dict[str, str], kind: str) -> None:
    """Set references that may point at rows written in the same import (after those are flushed)."""
    for oid, e in entries.items():
        row = w.cache[(model, oid)]
        for attr, member in members.items():
            value = e.obj.get(member)
            if getattr(row, attr) != value:
                setattr(row, attr, value)
                w.mark_changed(kind, oid)
    w.session.flush()


def _upsert_document_types(w: _Writer, plan: Plan) -> dict[str, DocumentType]:
    firsts: dict[str, Entry] = {}
    for e in plan.of("required_document").values():
        key = (e.obj.get("hetao") or {}).get("document_type")
        if key and key not in firsts:
            firsts[key] = e
    existing = {
        d.key: d for d in w.session.scalars(select(DocumentType).where(DocumentType.key.in_(sorted(firsts))))
    }
    out: dict[str, DocumentType] = {}
    for key, e in firsts.items():
        texts = {
            loc: {"name": fields.get("document")}
            for loc, fields in _texts(e.obj, "required_document", plan.language).items()
        }
        row = existing.get(key)
        oid = row.id if row is not None else derived_id("document_type", key)
        if row is not None:
            w.cache[(DocumentType, oid)] = row
        out[key], _ = w.upsert(DocumentType, oid, "document_type", {"key": key}, texts)
    w.session.flush()
    return out


def _time_limit(value: Any) -> tuple[int | None, str | None]:
    if isinstance(value, dict):
        return value.get("value"), value.get("unit")
    return None, None


def _parse_datetime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _write_service(w: _Writer, oid: str, e: Entry, doc_types: dict[str, DocumentType]) -> None:
    o = e.obj
    het = o["hetao"]
    lang = w.plan.language
    pv, pu = _time_limit(het.get("promised_time_limit"))
    sv, su = _time_limit(het.get("statutory_time_limit"))
    org_id = o.get("organization_id") or o["organization"]["id"]
    service, changed = w.upsert(
        Service,
        oid,
        "service",
        {
            "slug": het["slug"],
            "category": het["category"],
            "status": o.get("status", "active"),
            "organization_id": org_id,
            "channels": list(het.get("channels") or []),
            "promised_value": pv,
            "promised_unit": pu,
            "statutory_value": sv,
            "statutory_unit": su,
            "cross_border": bool(het.get("cross_border", False)),
            "item_code": het.get("item_code"),
            "visits": int(het.get("visits", 1)),
        },
        _texts(o, "service", lang),
    )
    child_changed = False
    # required documents, in file order
    keep_docs = []
    for position, rd in enumerate(o.get("required_documents") or []):
        key = (rd.get("hetao") or {}).get("document_type")
        row, c = w.upsert(
            RequiredDocument,
            rd["id"],
            "required_document",
            {"service_id": oid, "position": position, "document_type_id": doc_types[key].id if key else None},
            _texts(rd, "required_document", lang),
        )
        child_changed |= c
        keep_docs.append(row)
    for old in list(service.required_documents):
        if old not in keep_docs:
            w.session.delete(old)
            child_changed = True
    service.required_documents = sorted(keep_docs, key=lambda r: r.position)
    # FAQs: ids derived from the service and position, so re-importing changes nothing
    existing_faqs = {f.id: f for f in service.faqs}
    keep_faqs = []
    for position, faq in enumerate(het.get("faqs") or []):
        fid = derived_id("faq", oid, str(position))
        if fid in existing_faqs:
            w.cache[(Faq, fid)] = existing_faqs[fid]
        row, c = w.upsert(
            Faq, fid, "faq", {"service_id": oid, "position": position}, _texts(faq, "faq", lang)
        )
        child_changed |= c
        keep_faqs.append(row)
    for old in list(service.faqs):
        if old not in keep_faqs:
            w.session.delete(old)
            child_changed = True
    service.faqs = keep_faqs
    # attributes linking the service to taxonomy terms
    keep_attr = set()
    for attr in o.get("attributes") or []:
        term_id = attr.get("taxonomy_term_id") or attr["taxonomy_term"]["id"]
        _row, c = w.upsert(
            Attribute,
            attr["id"],
            "attribute",
            {
                "link_entity": "service",
                "link_id": oid,
                "link_type": attr.get("link_type"),
                "taxonomy_term_id": term_id,
                "value": attr.get("value"),
                "label": attr.get("label"),
            },
        )
        child_changed |= c
        keep_attr.add(attr["id"])
    for old in w.session.scalars(
        select(Attribute).where(Attribute.link_entity == "service", Attribute.link_id == oid)
    ):
        if old.id not in keep_attr:
            w.session.delete(old)
            child_changed = True
    if child_changed:
        w.mark_changed("service", oid)
    when = _parse_datetime(o.get("last_modified"))
    if when is not None:
        current = service.modified_at
        if current is None or current.replace(tzinfo=current.tzinfo or UTC) != when:
            service.modified_at = when
    elif changed or child_changed:
        service.modified_at = utcnow()


def bump_catalog_version(session: Session) -> int:
    """Record that the catalogue changed (caches of other processes rebuild on a new version)."""
    state = session.get(CatalogState, 1)
    if state is None:
        state = CatalogState(id=1, version=0)
        session.add(state)
    state.version = (state.version or 0) + 1
    state.token = new_id()
    state.changed_at = utcnow()
    session.flush()
    return state.version
