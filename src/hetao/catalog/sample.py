"""The illustrative sample catalogue and directory (``hetao/data/sample``), turned into one HSDS
document with the Hetao profile and loaded through the ordinary importer."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hetao.catalog.categories import CATEGORY_INFO
from hetao.catalog.hsds_format import derived_id
from hetao.catalog.hsds_import import ImportReport, import_document
from hetao.catalog.models import Category, Service

BASE = "zh-Hant"
OTHERS = ("zh-Hans", "en")
#: The sample content's "last modified" stamp (fixed, so sample exports are reproducible).
SAMPLE_DATE = "2026-11-01T00:00:00Z"
CATEGORY_TAXONOMY_ID = derived_id("taxonomy", "hetao-service-categories")
SAMPLE_LOCATION_FOR_HALL = "e-station"


def _sample_dir():
    return files("hetao").joinpath("data", "sample")


def _load(pattern_prefix: str, folder=None) -> list[dict[str, Any]]:
    root = folder or _sample_dir()
    out: list[dict[str, Any]] = []
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if entry.name.startswith(pattern_prefix) and entry.name.endswith(".yaml"):
            out.extend(yaml.safe_load(entry.read_text(encoding="utf-8")) or [])
    return out


def _texts(fields: dict[str, dict[str, str] | None]) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    base = {k: v[BASE] for k, v in fields.items() if v}
    translations = {loc: {k: v[loc] for k, v in fields.items() if v and v.get(loc)} for loc in OTHERS}
    return base, translations


def build_document() -> dict[str, Any]:
    """The sample data as one interchange document (base language zh-Hant)."""
    buildings = _load("buildings")
    organizations = _load("organizations")
    doc_types = {d["key"]: d for d in _load("document_types")}
    services = []
    for entry in sorted(_sample_dir().joinpath("services").iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yaml"):
            category = Category(entry.name.removesuffix(".yaml"))
            for item in yaml.safe_load(entry.read_text(encoding="utf-8")) or []:
                services.append({**item, "category": category.value})

    locations = []
    for b in buildings:
        base, tr = _texts({"name": b["name"], "description": b.get("description")})
        locations.append(
            {
                "id": derived_id("location", b["key"]),
                "location_type": "physical",
                **base,
                "latitude": b.get("latitude"),
                "longitude": b.get("longitude"),
                "translations": tr,
                "hetao": {
                    "slug": b["key"],
                    "kind": b["kind"],
                    "map": {"x": b["x"], "y": b["y"], "width": b["width"], "height": b["height"]},
                },
            }
        )

    orgs = []
    for o in organizations:
        base, tr = _texts({"name": o["name"], "description": o.get("description")})
        item: dict[str, Any] = {"id": derived_id("organization", o["key"]), **base, "translations": tr}
        if o.get("parent"):
            item["parent_organization_id"] = derived_id("organization", o["parent"])
        item["hetao"] = {
            "slug": o["key"],
            "kind": o["kind"],
            "tags": list(o.get("tags") or []),
            "hk_background": bool(o.get("hk_background", False)),
            "location_id": derived_id("location", o["building"]) if o.get("building") else None,
        }
        orgs.append(item)

    terms = []
    for category in Category:
        info = CATEGORY_INFO[category]
        base, tr = _texts({"name": info["name"], "description": info["summary"]})
        terms.append(
            {
                "id": derived_id("taxonomy_term", category.value),
                "code": category.value,
                **base,
                "taxonomy_id": CATEGORY_TAXONOMY_ID,
                "translations": tr,
            }
        )
    taxonomy = {
        "id": CATEGORY_TAXONOMY_ID,
        "name": "河套一站通服務類別",
        "description": "「e站通」八大服務內容及創新服務的分類（示例資料）。",
        "translations": {
            "zh-Hans": {
                "name": "河套一站通服务类别",
                "description": "“e站通”八大服务内容及创新服务的分类（示例数据）。",
            },
            "en": {
                "name": "Hetao One-Stop service categories",
                "description": "The eight service areas of the e-Station centre plus innovation services (sample data).",
            },
        },
    }

    hall_location = derived_id("location", SAMPLE_LOCATION_FOR_HALL)
    out_services, sals = [], []
    for s in services:
        sid = derived_id("service", s["key"])
        steps = {loc: "\n".join(s["steps"][loc]) for loc in (BASE, *OTHERS)}
        base, tr = _texts(
            {
                "name": s["name"],
                "description": s["description"],
                "eligibility_description": s["eligibility"],
                "application_process": steps,
                "fees_description": s["fees"],
            }
        )
        legal_base, legal_tr = _texts({"legal_basis": s.get("legal_basis")})
        for loc in OTHERS:
            tr[loc].update(legal_tr.get(loc, {}))
        docs = []
        for key in s["documents"]:
            dbase, dtr = _texts({"document": doc_types[key]["name"]})
            docs.append(
                {
                    "id": derived_id("required_document", s["key"], key),
                    "service_id": sid,
                    **dbase,
                    "translations": dtr,
                    "hetao": {"document_type": key},
                }
            )
        faqs = []
        for f in s.get("faqs") or []:
            fbase, ftr = _texts({"question": f["q"], "answer": f["a"]})
            faqs.append({**fbase, "translations": ftr})
        out_services.append(
            {
                "id": sid,
                "organization_id": derived_id("organization", s["department"]),
                **base,
                "status": "active",
                "last_modified": SAMPLE_DATE,
                "translations": tr,
                "required_documents": docs,
                "attributes": [
                    {
                        "id": derived_id("attribute", s["key"], "category"),
                        "link_id": sid,
                        "link_type": "category",
                        "link_entity": "service",
                        "taxonomy_term_id": derived_id("taxonomy_term", s["category"]),
                    }
                ],
                "hetao": {
                    "slug": s["key"],
                    "category": s["category"],
                    "channels": list(s["channels"]),
                    "promised_time_limit": s.get("promised_time_limit"),
                    "statutory_time_limit": s.get("statutory_time_limit"),
                    "cross_border": bool(s["cross_border"]),
                    "item_code": None,
                    "visits": int(s["visits"]),
                    **legal_base,
                    "faqs": faqs,
                },
            }
        )
        if {"hall", "window"} & set(s["channels"]):
            sals.append(
                {
                    "id": derived_id("service_at_location", s["key"], SAMPLE_LOCATION_FOR_HALL),
                    "service_id": sid,
                    "location_id": hall_location,
                }
            )

    return {
        "language": BASE,
        "organizations": orgs,
        "locations": locations,
        "taxonomies": [taxonomy],
        "taxonomy_terms": terms,
        "services": out_services,
        "service_at_locations": sals,
    }


def catalogue_is_empty(session: Session) -> bool:
    return session.scalar(select(func.count()).select_from(Service)) == 0


def load_sample(session: Session) -> ImportReport:
    """Load the sample data (through the ordinary importer) in the caller's transaction."""
    return import_document(session, build_document())
