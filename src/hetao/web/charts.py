"""Charts drawn on the server as SVG: no script, no external assets, readable without colour.

Every function is pure: labels and numbers in, markup-safe SVG out (``role="img"`` with a ``<title>``
and ``<desc>`` named by ``aria-labelledby``). Axis labels and values are text; series differ by
pattern and by a text legend as well as by colour, and every colour has a contrast of at least 4.5:1
with white. The drawing scales with its ``viewBox``. When there is nothing to draw (no rows, or only
zeros) the functions return the given message in a paragraph instead of an empty frame. Every chart
on a page is paired with a table of the same figures (``templates/_charts.html``), which is what
screen-reader users and anyone wanting exact numbers read."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

WIDTH = 640
FONT = 14
SMALL = 12
INK = "#111827"
MUTED = "#4b5563"
GRID = "#d1d5db"
BRAND = "#0b4f8a"
#: Fills of series: a name for the pattern and the colours drawn. Patterns are defined per chart.
FILLS = {
    "solid": ("#0b4f8a", None),
    "green": ("#00703c", None),
    "hatch": ("#b91c1c", "#7f1d1d"),
    "dots": ("#6d28d9", "#3b0764"),
}
_ID = re.compile(r"[a-z][a-z0-9-]*")


@dataclass(frozen=True)
class Series:
    """One part of a stacked bar: its legend text, one value per bar, and how it is drawn."""

    label: str
    values: Sequence[int]
    fill: str = "solid"


def text_width(text: str, size: float = FONT) -> float:
    """An estimate of the drawn width: CJK characters are square, others about 0.6 em."""
    return sum(size if ord(c) >= 0x2E80 else size * 0.6 for c in text)


def fit(text: str, width: float, size: float = FONT) -> str:
    """``text`` shortened with an ellipsis to fit ``width`` (the full text is in the table)."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def scale(top: int) -> tuple[int, list[int]]:
    """A round maximum at or above ``top`` and the ticks up to it (at most five steps)."""
    top = max(top, 1)
    step = 1
    for exponent in range(0, 19):
        for mantissa in (1, 2, 5):
            step = mantissa * 10**exponent
            if math.ceil(top / step) <= 5:
                break
        else:
            continue
        break
    maximum = math.ceil(top / step) * step
    return maximum, list(range(0, maximum + 1, step))


def number(value: int) -> str:
    return f"{value:,}"


def empty_state(message: str) -> Markup:
    return Markup('<p class="chart-empty">{}</p>').format(message)


def _check(chart_id: str, values: Sequence[int]) -> None:
    if not _ID.fullmatch(chart_id):
        raise ValueError(f"chart id {chart_id!r} is not a lowercase identifier")
    if any(v < 0 for v in values):
        raise ValueError("charts show counts, which are never negative")


def _defs(chart_id: str, fills: set[str]) -> Markup:
    patterns = Markup()
    for name in sorted(fills):
        back, line = FILLS[name]
        if name == "hatch":
            patterns += Markup(
                '<pattern id="{id}-hatch" width="8" height="8" patternUnits="userSpaceOnUse" '
                'patternTransform="rotate(45)"><rect width="8" height="8" fill="{b}"/>'
                '<rect width="3" height="8" fill="{l}"/></pattern>'
            ).format(id=chart_id, b=back, l=line)
        elif name == "dots":
            patterns += Markup(
                '<pattern id="{id}-dots" width="8" height="8" patternUnits="userSpaceOnUse">'
                '<rect width="8" height="8" fill="{b}"/><circle cx="4" cy="4" r="2" fill="{l}"/></pattern>'
            ).format(id=chart_id, b=back, l=line)
    return Markup("<defs>{}</defs>").format(patterns) if patterns else Markup()


def _paint(chart_id: str, fill: str) -> str:
    back, line = FILLS[fill]
    return f"url(#{chart_id}-{fill})" if line else back


def _svg(
    chart_id: str, title: str, desc: str, height: float, body: Markup, defs: Markup = Markup()
) -> Markup:
    return Markup(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" '
        'role="img" aria-labelledby="{id}-title {id}-desc" font-size="{f}" fill="{ink}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{defs}{body}</svg>'
    ).format(
        w=WIDTH, h=_n(height), id=chart_id, f=FONT, ink=INK, title=title, desc=desc, defs=defs, body=body
    )


def _n(value: float) -> str:
    """Coordinates with at most one decimal."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    size: int = FONT,
    fill: str = INK,
    weight: str = "normal",
) -> Markup:
    return Markup('<text x="{x}" y="{y}" text-anchor="{a}" font-size="{s}" fill="{f}"{w}>{t}</text>').format(
        x=_n(x),
        y=_n(y),
        a=anchor,
        s=size,
        f=fill,
        t=text,
        w=Markup(' font-weight="bold"') if weight == "bold" else Markup(),
    )


def _rect(x: float, y: float, w: float, h: float, fill: str, tooltip: str = "") -> Markup:
    tip = Markup("<title>{}</title>").format(tooltip) if tooltip else Markup()
    return Markup('<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{f}">{tip}</rect>').format(
        x=_n(x), y=_n(y), w=_n(w), h=_n(h), f=fill, tip=tip
    )


def _line(x1: float, y1: float, x2: float, y2: float, colour: str = GRID) -> Markup:
    return Markup('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>').format(
        _n(x1), _n(y1), _n(x2), _n(y2), colour
    )


ROW = 30
BAR = 20
TOP = 8


def _horizontal(
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    stacks: Sequence[Sequence[tuple[int, str]]],
    value_texts: Sequence[str],
    axis_label: str,
    legend: Sequence[tuple[str, str]] = (),
) -> Markup:
    """Horizontal bars, one per label, each a stack of (value, fill) parts, with a value text after
    it, ticks and an axis label below, and an optional legend above."""
    totals = [sum(v for v, _ in stack) for stack in stacks]
    maximum, ticks = scale(max(totals))
    label_w = min(max(text_width(x) for x in labels) + 8, WIDTH * 0.4)
    value_w = max(text_width(t, SMALL) for t in value_texts) + 8
    x0 = label_w + 8
    plot_w = WIDTH - x0 - value_w - 4
    legend_h = 28 if legend else 0
    y0 = TOP + legend_h
    body = Markup()
    if legend:
        x = x0
        for text, fill in legend:
            body += _rect(x, TOP, 16, 16, _paint(chart_id, fill))
            body += _text(x + 22, TOP + 13, text, size=SMALL)
            x += 22 + text_width(text, SMALL) + 18
    plot_h = ROW * len(labels)
    for tick in ticks:
        x = x0 + plot_w * tick / maximum
        body += _line(x, y0, x, y0 + plot_h)
        body += _text(x, y0 + plot_h + 16, number(tick), anchor="middle", size=SMALL, fill=MUTED)
    for i, (label, stack, value_text) in enumerate(zip(labels, stacks, value_texts, strict=True)):
        y = y0 + i * ROW
        body += Markup("<g>{}").format(Markup("<title>{}</title>").format(label))
        body += _text(label_w, y + ROW / 2 + 5, fit(label, label_w - 4), anchor="end")
        x = x0
        for value, fill in stack:
            w = plot_w * value / maximum
            if w > 0:
                body += _rect(x, y + (ROW - BAR) / 2, w, BAR, _paint(chart_id, fill))
                inside = number(value)
                if len(stack) > 1 and text_width(inside, SMALL) + 6 <= w:
                    body += _text(
                        x + w / 2,
                        y + ROW / 2 + 4,
                        inside,
                        anchor="middle",
                        size=SMALL,
                        fill="#ffffff",
                        weight="bold",
                    )
            x += w
        body += _text(x + 6, y + ROW / 2 + 4, value_text, size=SMALL)
        body += Markup("</g>")
    body += _line(x0, y0, x0, y0 + plot_h, INK)
    height = y0 + plot_h + 20
    if axis_label:
        body += _text(x0 + plot_w / 2, height + 14, axis_label, anchor="middle", size=SMALL, fill=MUTED)
        height += 20
    fills = {fill for stack in stacks for _, fill in stack} | {fill for _, fill in legend}
    return _svg(chart_id, title, desc, height + 4, body, _defs(chart_id, fills))


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    values: Sequence[int],
    empty: str,
    axis_label: str = "",
    vertical: bool = False,
    fill: str = "solid",
) -> Markup:
    """One bar per label (horizontal, or vertical columns), its value written beside it."""
    _check(chart_id, values)
    if not labels or not any(values):
        return empty_state(empty)
    if vertical:
        return _columns(chart_id, title, desc, labels, values, axis_label, fill)
    return _horizontal(
        chart_id, title, desc, labels, [[(v, fill)] for v in values], [number(v) for v in values], axis_label
    )


def stacked_bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    empty: str,
    axis_label: str = "",
) -> Markup:
    """Horizontal bars made of parts (e.g. on time, then late), with a legend; each part's value is
    written in it when it fits, and each bar's total after it."""
    for s in series:
        _check(chart_id, s.values)
        if len(s.values) != len(labels):
            raise ValueError("each series needs one value per label")
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    if not labels or not any(totals):
        return empty_state(empty)
    stacks = [[(s.values[i], s.fill) for s in series] for i in range(len(labels))]
    return _horizontal(
        chart_id,
        title,
        desc,
        labels,
        stacks,
        [number(t) for t in totals],
        axis_label,
        legend=[(s.label, s.fill) for s in series],
    )


def distribution_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    levels: Sequence[str],
    counts: Sequence[int],
    empty: str,
    axis_label: str = "",
) -> Markup:
    """How answers spread over ordered levels (e.g. the five rating levels): one bar per level with
    its count and share of the whole."""
    _check(chart_id, counts)
    total = sum(counts)
    if not levels or not total:
        return empty_state(empty)
    texts = [f"{number(c)} ({round(100 * c / total)}%)" for c in counts]
    return _horizontal(chart_id, title, desc, levels, [[(c, "solid")] for c in counts], texts, axis_label)


def daily_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    days: Sequence[tuple[date, int]],
    empty: str,
    axis_label: str = "",
) -> Markup:
    """A column per day (labelled month-day; as many labels as fit)."""
    values = [v for _, v in days]
    _check(chart_id, values)
    if not days or not any(values):
        return empty_state(empty)
    return _columns(
        chart_id, title, desc, [d.strftime("%m-%d") for d, _ in days], values, axis_label, "solid"
    )


PLOT_H = 200


def _columns(
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    values: Sequence[int],
    axis_label: str,
    fill: str,
) -> Markup:
    maximum, ticks = scale(max(values))
    tick_w = max(text_width(number(t), SMALL) for t in ticks)
    x0 = tick_w + 12
    plot_w = WIDTH - x0 - 8
    y0 = TOP + 16
    slot = plot_w / len(values)
    bar_w = max(slot * 0.7, 1)
    label_w = max(text_width(x, SMALL) for x in labels) + 6
    every = max(1, math.ceil(label_w / slot))
    show_values = text_width(number(max(values)), SMALL) <= slot
    body = Markup()
    for tick in ticks:
        y = y0 + PLOT_H - PLOT_H * tick / maximum
        body += _line(x0, y, x0 + plot_w, y)
        body += _text(x0 - 6, y + 4, number(tick), anchor="end", size=SMALL, fill=MUTED)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = x0 + i * slot + (slot - bar_w) / 2
        h = PLOT_H * value / maximum
        body += Markup("<g>")
        if h > 0:
            body += _rect(x, y0 + PLOT_H - h, bar_w, h, _paint(chart_id, fill), f"{label}: {number(value)}")
        if show_values and value:
            body += _text(x + bar_w / 2, y0 + PLOT_H - h - 4, number(value), anchor="middle", size=SMALL)
        if i % every == 0:
            body += _text(
                x + bar_w / 2,
                y0 + PLOT_H + 16,
                fit(label, slot * every - 2, SMALL),
                anchor="middle",
                size=SMALL,
                fill=MUTED,
            )
        body += Markup("</g>")
    body += _line(x0, y0 + PLOT_H, x0 + plot_w, y0 + PLOT_H, INK)
    height = y0 + PLOT_H + 22
    if axis_label:
        body += _text(x0 + plot_w / 2, height + 14, axis_label, anchor="middle", size=SMALL, fill=MUTED)
        height += 20
    return _svg(chart_id, title, desc, height + 4, body, _defs(chart_id, {fill}))


@dataclass(frozen=True)
class DataTable:
    """The figures of a chart as a table: a caption, the column headings (the first heads the
    column of row headings) and rows of (row heading, cells)."""

    caption: str
    head: Sequence[str]
    rows: Sequence[tuple[str, Sequence[str]]]
    #: The HTML language of each row heading, when it may differ from the page's (e.g. questions).
    row_langs: Sequence[str | None] = ()


@dataclass(frozen=True)
class Chart:
    """A drawn chart and its table; ``table`` is None when there is nothing to tabulate."""

    svg: Markup
    table: DataTable | None
    table_open: bool = False
