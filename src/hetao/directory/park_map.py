"""The schematic park map, drawn by the server as SVG (no script, no external assets).

Buildings are rectangles placed by their ``map_*`` coordinates on a 1000×640 canvas; each building
links to its page. Organisations chosen by the directory filters are numbered markers inside their
building; the same numbers label the accessible list printed beside the map."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from hetao.directory.models import Location, Organization

WIDTH, HEIGHT = 1000, 640

#: Fill colours by place kind (contrast ≥ 3:1 against the label colour for the outlines).
KIND_STYLE = {
    "science_base": ("#dbeafe", "#1d4ed8"),
    "building": ("#e5e7eb", "#374151"),
    "port": ("#fef3c7", "#92400e"),
    "service_centre": ("#dcfce7", "#166534"),
    "river_crossing": ("#f3e8ff", "#6b21a8"),
}
DEFAULT_STYLE = ("#f3f4f6", "#374151")


@dataclass(frozen=True)
class MapLabels:
    """Texts of the map in the reader's language (given by the caller, which translates them)."""

    title: str
    description: str
    legend: str
    kind_names: dict[str, str]
    marker: str
    river: str
    shenzhen: str
    hong_kong: str


@dataclass(frozen=True)
class Marker:
    number: int
    organization: Organization


def number_markers(organizations: list[Organization]) -> list[Marker]:
    """Number the organisations that have a place, in list order (1, 2, 3 …)."""
    out, n = [], 0
    for org in organizations:
        if org.location_id:
            n += 1
            out.append(Marker(n, org))
    return out


def render_map(
    places: list[Location],
    markers: list[Marker],
    *,
    locale: str,
    labels: MapLabels,
    place_url: Callable[[Location], str],
    title_id: str = "park-map-title",
) -> str:
    """Return the SVG element (a string of markup, safe to embed)."""
    by_place: dict[str, list[Marker]] = defaultdict(list)
    for m in markers:
        by_place[m.organization.location_id].append(m)
    drawn = [p for p in places if p.map_x is not None and p.map_width]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" class="park-map" '
        f'role="group" aria-labelledby="{title_id} {title_id}-desc">',
        f'<title id="{title_id}">{escape(labels.title)}</title>',
        f'<desc id="{title_id}-desc">{escape(labels.description)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#f8fafc"/>',
        # The Shenzhen River, drawn across the lower half of the canvas.
        '<path d="M0,452 C160,430 300,476 470,452 S780,430 1000,458 L1000,486 C820,462 640,498 470,482 '
        'S170,462 0,482 Z" fill="#bfdbfe" stroke="#60a5fa" aria-hidden="true"/>',
        f'<text x="24" y="474" class="map-river" font-size="16" fill="#1e3a8a">{escape(labels.river)}</text>',
        f'<text x="24" y="32" font-size="18" font-weight="bold" fill="#111827">{escape(labels.shenzhen)}</text>',
        f'<text x="24" y="620" font-size="18" font-weight="bold" fill="#111827">{escape(labels.hong_kong)}</text>',
    ]
    for place in drawn:
        fill, stroke = KIND_STYLE.get(place.kind or "", DEFAULT_STYLE)
        name = place.text("name", locale)
        label = name.value if name else place.slug
        lang = f' lang="{escape(name.locale)}"' if name and name.locale != locale else ""
        x, y, w, h = place.map_x, place.map_y, place.map_width, place.map_height
        parts.append(
            f'<a href="{escape(place_url(place))}" class="map-place" id="place-{escape(place.slug)}">'
            f"<title{lang}>{escape(label)}</title>"
            f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="6" fill="{fill}" stroke="{stroke}" stroke-width="2"/>'
            f'<text x="{x + 8}" y="{y + 20}" font-size="14" fill="#111827"{lang}>{escape(_shorten(label, w))}</text>'
            "</a>"
        )
        parts.extend(_markers(by_place.get(place.id, []), x, y, w, h))
    # Legend
    kinds = [k for k in KIND_STYLE if any(p.kind == k for p in drawn)]
    box_h = 34 + 24 * (len(kinds) + 1)
    # Bottom right, on the Hong Kong side beside the Loop, where no building is drawn.
    lx, ly = WIDTH - 244, HEIGHT - box_h - 12
    parts.append(
        f'<g class="map-legend"><rect x="{lx}" y="{ly}" width="230" height="{box_h}" fill="#ffffff" '
        f'stroke="#6b7280"/><text x="{lx + 10}" y="{ly + 22}" font-size="15" font-weight="bold" '
        f'fill="#111827">{escape(labels.legend)}</text>'
    )
    for i, kind in enumerate(kinds):
        fill, stroke = KIND_STYLE[kind]
        yy = ly + 36 + i * 24
        parts.append(
            f'<rect x="{lx + 10}" y="{yy}" width="18" height="14" fill="{fill}" stroke="{stroke}"/>'
            f'<text x="{lx + 36}" y="{yy + 12}" font-size="13" fill="#111827">'
            f"{escape(labels.kind_names.get(kind, kind))}</text>"
        )
    yy = ly + 36 + len(kinds) * 24
    parts.append(
        f'<circle cx="{lx + 19}" cy="{yy + 7}" r="8" fill="#b91c1c"/>'
        f'<text x="{lx + 36}" y="{yy + 12}" font-size="13" fill="#111827">{escape(labels.marker)}</text></g>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _markers(markers: list[Marker], x: int, y: int, w: int, h: int) -> list[str]:
    """Numbered circles laid out in rows inside the building's box, shrunk to fit when crowded."""
    if not markers:
        return []
    inner_w, inner_h = max(w - 12, 12), max(h - 32, 12)
    cell = 26.0
    while cell > 12:
        per_row = max(1, int(inner_w // cell))
        rows = -(-len(markers) // per_row)
        if rows * cell <= inner_h:
            break
        cell -= 1
    per_row = max(1, int(inner_w // cell))
    r = cell * 0.45
    out = []
    for i, m in enumerate(markers):
        cx = x + 6 + cell / 2 + (i % per_row) * cell
        cy = min(y + 28 + cell / 2 + (i // per_row) * cell, y + h - r - 1)
        out.append(
            f'<g class="map-marker" aria-hidden="true" pointer-events="none">'
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" fill="#b91c1c"/>'
            f'<text x="{cx:.1f}" y="{cy + r * 0.4:.1f}" font-size="{r * 1.05:.1f}" text-anchor="middle" '
            f'fill="#ffffff">{m.number}</text></g>'
        )
    return out


def _shorten(label: str, width: int) -> str:
    # CJK glyphs are ~14px wide at this size, Latin ~7px; keep the label inside its box.
    budget = max(4, width - 16)
    used, out = 0, []
    for ch in label:
        used += 14 if ord(ch) > 0x2E80 else 7
        if used > budget:
            return "".join(out).rstrip() + "…"
        out.append(ch)
    return label
