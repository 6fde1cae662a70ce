"""Shared facts of the HSDS + Hetao profile interchange format (used by import, export and the API)."""

from __future__ import annotations

import uuid

#: The top-level arrays of an interchange document and the HSDS schema of their objects.
COLLECTIONS: dict[str, str] = {
    "organizations": "organization",
    "locations": "location",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
    "services": "service",
    "service_at_locations": "service_at_location",
}

#: Text fields held as translated rows, per object kind.
TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "organization": ("name", "alternate_name", "description"),
    "location": ("name", "alternate_name", "description", "transportation"),
    "taxonomy": ("name", "description"),
    "taxonomy_term": ("name", "description"),
    "service": (
        "name",
        "alternate_name",
        "description",
        "eligibility_description",
        "application_process",
        "fees_description",
        "legal_basis",
    ),
    "required_document": ("document",),
    "service_at_location": ("description",),
    "faq": ("question", "answer"),
}

#: Fields that are text but live inside the object's ``hetao`` member rather than at its top level.
HETAO_TEXT_FIELDS = {"service": ("legal_basis",)}

#: Namespace of ids derived from stable keys (document types, FAQs, sample data).
ID_NAMESPACE = uuid.UUID("5b0c8b8e-3f7e-4d5e-9a57-2a1a4e0d6c11")


def derived_id(*parts: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, ":".join(parts)))
