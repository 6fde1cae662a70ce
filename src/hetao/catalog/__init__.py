"""The service catalogue: items, categories, the document type registry, HSDS import/export."""

from hetao.catalog.categories import (
    CATEGORY_INFO,
    CATEGORY_SLUGS,
    SLUG_CATEGORIES,
    category_name,
    category_summary,
)
from hetao.catalog.filters import ServiceFilter
from hetao.catalog.hsds_export import export_document
from hetao.catalog.hsds_import import ImportReport, import_document, validate_document
from hetao.catalog.models import Category, Channel, DocumentType, Service, TimeUnit
from hetao.catalog.profile_schema import PROFILE_URI
from hetao.catalog.sample import catalogue_is_empty, load_sample
from hetao.catalog.services import (
    catalog_version,
    category_counts,
    document_type_usage,
    find_service,
    get_document_type,
    get_service,
    list_document_types,
    list_services,
    load_services,
    services_needing,
)
from hetao.catalog.snapshot import current_token

__all__ = [
    "CATEGORY_INFO",
    "CATEGORY_SLUGS",
    "PROFILE_URI",
    "SLUG_CATEGORIES",
    "Category",
    "Channel",
    "DocumentType",
    "ImportReport",
    "Service",
    "ServiceFilter",
    "TimeUnit",
    "catalog_version",
    "catalogue_is_empty",
    "category_counts",
    "category_name",
    "category_summary",
    "current_token",
    "document_type_usage",
    "export_document",
    "find_service",
    "get_document_type",
    "get_service",
    "import_document",
    "list_document_types",
    "list_services",
    "load_services",
    "load_sample",
    "services_needing",
    "validate_document",
]
