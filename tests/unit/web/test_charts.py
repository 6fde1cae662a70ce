"""The SVG chart functions: accessible names, escaping, scaling, empty and extreme data."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from markupsafe import Markup

from hetao.web import charts
from hetao.web.charts import Series

SVG = "{http://www.w3.org/2000/svg}"
NASTY = 'Tax & <Customs> "HK"'


def parse(markup: Markup) -> ET.Element:
    """Well-formed XML, an accessible image, and its title and desc named by aria-labelledby."""
    root = ET.fromstring(str(markup))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("viewBox", "").startswith("0 0 ") and root.get("width") == "100%"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    return root


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def bars(root: ET.Element) -> list[ET.Element]:
    """The drawn bars (rects with a height, outside patterns and the legend's swatches)."""
    return [r for g in root.iter(f"{SVG}g") for r in g.findall(f"{SVG}rect")]


KINDS = {
    "horizontal": lambda labels, values, **kw: charts.bar_chart(labels=labels, values=values, **kw),
    "vertical": lambda labels, values, **kw: charts.bar_chart(
        labels=labels, values=values, vertical=True, **kw
    ),
    "stacked": lambda labels, values, **kw: charts.stacked_bar_chart(
        labels=labels,
        series=[Series("on time", values, "green"), Series("late", [0] * len(values), "hatch")],
        **kw,
    ),
    "distribution": lambda labels, values, **kw: charts.distribution_chart(
        levels=labels, counts=values, **kw
    ),
}


@pytest.mark.parametrize("kind", KINDS)
def test_no_data_or_only_zeros_give_the_message_not_a_chart(kind):
    for labels, values in (([], []), (["a", "b"], [0, 0])):
        out = KINDS[kind](labels, values, chart_id="c", title="t", desc="d", empty="Nothing <here>")
        assert out == Markup('<p class="chart-empty">Nothing &lt;here&gt;</p>')


def test_no_days_or_quiet_days_give_the_message():
    quiet = [(date(2026, 3, 1), 0), (date(2026, 3, 2), 0)]
    for days in ([], quiet):
        assert "chart-empty" in charts.daily_chart(chart_id="c", title="t", desc="d", days=days, empty="none")


@pytest.mark.parametrize("kind", KINDS)
def test_one_value_is_drawn_with_its_label_and_value(kind):
    root = parse(KINDS[kind](["Only"], [3], chart_id="one", title="T", desc="D", empty="none"))
    assert "Only" in texts(root) and any(t.startswith("3") for t in texts(root))
    assert len([r for r in bars(root) if float(r.get("width")) > 0]) >= 1


@pytest.mark.parametrize("kind", KINDS)
def test_labels_title_and_desc_are_escaped(kind):
    out = KINDS[kind]([NASTY, "b"], [1, 2], chart_id="esc", title=NASTY, desc=NASTY, empty="none")
    assert "<Customs>" not in out and "&lt;Customs&gt;" in out
    root = parse(out)  # parses as XML only if everything was escaped
    assert root.find(f"{SVG}title").text == NASTY and root.find(f"{SVG}desc").text == NASTY
    assert NASTY in texts(root) or any(t.startswith("Tax & <") for t in texts(root))


def test_large_values_get_round_ticks_and_bars_stay_inside_the_view_box():
    values = [1_234_567, 89, 0]
    root = parse(
        charts.bar_chart(
            chart_id="big", title="t", desc="d", labels=["a", "b", "c"], values=values, empty="-"
        )
    )
    assert {"0", "500,000", "1,000,000", "1,500,000", "1,234,567"} <= set(texts(root))
    width = float(root.get("viewBox").split()[2])
    for rect in bars(root):
        assert 0 <= float(rect.get("x")) and float(rect.get("x")) + float(rect.get("width")) <= width


def test_long_labels_are_shortened_but_kept_whole_in_the_tooltip():
    long = "深圳市福田區市場監督管理局河套深港科技創新合作區服務窗口" * 2
    root = parse(charts.bar_chart(chart_id="long", title="t", desc="d", labels=[long], values=[1], empty="-"))
    assert any(t.endswith("…") and len(t) < len(long) for t in texts(root))
    assert long in [t.text for t in root.iter(f"{SVG}title")]


def test_stacked_bars_have_a_legend_and_a_pattern_besides_colour():
    out = charts.stacked_bar_chart(
        chart_id="stk",
        title="t",
        desc="d",
        labels=["Tax", "Customs"],
        series=[Series("On time", [2, 5], "green"), Series("Late", [1, 0], "hatch")],
        empty="-",
    )
    root = parse(out)
    assert {"On time", "Late", "3", "5"} <= set(texts(root))
    assert root.find(f"{SVG}defs/{SVG}pattern").get("id") == "stk-hatch"
    assert 'fill="url(#stk-hatch)"' in out


def test_distribution_shows_counts_and_shares():
    root = parse(
        charts.distribution_chart(
            chart_id="dist", title="t", desc="d", levels=list("54321"), counts=[2, 1, 0, 0, 1], empty="-"
        )
    )
    assert {"2 (50%)", "1 (25%)", "0 (0%)"} <= set(texts(root))


def test_daily_columns_label_as_many_days_as_fit():
    days = [(date(2026, 1, 1) + timedelta(n), n % 4) for n in range(90)]
    root = parse(charts.daily_chart(chart_id="days", title="t", desc="d", days=days, empty="-"))
    day_labels = [t for t in texts(root) if len(t) == 5 and t[2] == "-"]
    assert day_labels[0] == "01-01" and 3 <= len(day_labels) < 90
    assert len([r for r in bars(root) if float(r.get("height")) > 0]) == sum(1 for _, n in days if n)


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        charts.bar_chart(chart_id="Bad id", title="t", desc="d", labels=["a"], values=[1], empty="-")
    with pytest.raises(ValueError):
        charts.bar_chart(chart_id="neg", title="t", desc="d", labels=["a"], values=[-1], empty="-")
    with pytest.raises(ValueError):
        charts.stacked_bar_chart(
            chart_id="s", title="t", desc="d", labels=["a"], series=[Series("x", [1, 2])], empty="-"
        )


def test_scale_is_round_and_covers_the_top():
    assert charts.scale(0) == (1, [0, 1])
    assert charts.scale(7) == (8, [0, 2, 4, 6, 8])
    assert charts.scale(100) == (100, [0, 20, 40, 60, 80, 100])
