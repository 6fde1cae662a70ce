"""The server-drawn park map: valid SVG, accessible names, one marker per numbered organisation."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hetao.directory.models import Location, LocationText, Organization
from hetao.directory.park_map import MapLabels, number_markers, render_map

NS = {"svg": "http://www.w3.org/2000/svg"}
LABELS = MapLabels(
    "Map", "A schematic map", "Legend", {"building": "Building"}, "Organisation", "River", "SZ", "HK"
)


def _place(slug: str, x: int, y: int, w: int = 200, h: int = 90) -> Location:
    place = Location(id=slug, slug=slug, kind="building", map_x=x, map_y=y, map_width=w, map_height=h)
    place.texts = [LocationText(locale="en", field="name", value=f"Building {slug} & <co>")]
    return place


def _orgs(n: int, place: str) -> list[Organization]:
    return [Organization(id=f"o{i}", slug=f"o{i}", kind="enterprise", location_id=place) for i in range(n)]


def test_the_map_is_valid_svg_with_title_desc_links_and_markers():
    places = [_place("a", 10, 10), _place("b", 300, 10)]
    orgs = (
        _orgs(3, "a") + [Organization(id="x", slug="x", kind="other", location_id=None)] + _orgs(2, "b")[:0]
    )
    markers = number_markers(orgs)
    assert [m.number for m in markers] == [1, 2, 3]
    svg = render_map(places, markers, locale="en", labels=LABELS, place_url=lambda p: f"/en/places/{p.slug}")
    root = ET.fromstring(svg)  # well-formed, names escaped
    assert root.find("svg:title", NS).text == "Map" and root.find("svg:desc", NS).text == "A schematic map"
    links = root.findall(".//svg:a", NS)
    assert [a.get("href") for a in links] == ["/en/places/a", "/en/places/b"]
    assert links[0].find("svg:title", NS).text == "Building a & <co>"
    assert len(root.findall(".//svg:g[@class='map-marker']", NS)) == 3


def test_crowded_buildings_shrink_markers_to_stay_inside():
    place = _place("a", 100, 100, w=220, h=92)
    markers = number_markers(_orgs(14, "a"))
    svg = render_map([place], markers, locale="en", labels=LABELS, place_url=lambda p: "/")
    root = ET.fromstring(svg)
    for circle in root.findall(".//svg:g[@class='map-marker']/svg:circle", NS):
        cx, cy, r = (float(circle.get(k)) for k in ("cx", "cy", "r"))
        assert 100 <= cx - r and cx + r <= 320 and 100 <= cy - r and cy + r <= 192
