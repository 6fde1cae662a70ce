"""The 港人地圖 directory: organisations, places and the park map."""

from hetao.directory.filters import FIELD_TAGS, OrganizationFilter
from hetao.directory.models import Location, Organization, OrganizationKind, PlaceKind
from hetao.directory.park_map import MapLabels, Marker, number_markers, render_map
from hetao.directory.services import (
    get_organization,
    get_place,
    kind_counts,
    list_children,
    list_organizations,
    list_places,
    organizations_at,
)

__all__ = [
    "FIELD_TAGS",
    "Location",
    "MapLabels",
    "Marker",
    "Organization",
    "OrganizationFilter",
    "OrganizationKind",
    "PlaceKind",
    "get_organization",
    "get_place",
    "kind_counts",
    "list_children",
    "list_organizations",
    "list_places",
    "number_markers",
    "organizations_at",
    "render_map",
]
