"""The sections of the operations dashboard. Each section is one function: figures from a domain
in, a heading and charts with their tables out. ``SECTIONS`` is the order on the page; to add one,
write a function like those below and append it (see docs/hall/dashboard.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from hetao import cases, directory, search
from hetao.core.locales import AUTONYM, HTML_LANG
from hetao.core.periods import DateRange, local_date
from hetao.web.charts import Chart, DataTable, Series, bar_chart, daily_chart, distribution_chart, number
from hetao.web.charts import stacked_bar_chart as stacked
from hetao.web.context import PageContext
from hetao.web.labels import rating_labels


@dataclass(frozen=True)
class DashboardInput:
    """What every section gets: the request's unit of work, the page's language, the chosen range
    and today's local date."""

    session: Session
    ctx: PageContext
    period: DateRange
    today: date


@dataclass(frozen=True)
class Section:
    """One section of the page: ``key`` is its anchor and id prefix (lowercase, unique)."""

    key: str
    heading: str
    charts: list[Chart]
    intro: str = ""
    notes: list[str] = field(default_factory=list)


def organisation_names(session: Session, ids: set[str], locale: str) -> dict[str, str]:
    """Names of the organisations handling steps: departments, and others such as partner banks."""
    rows = session.scalars(select(directory.Organization).where(directory.Organization.id.in_(ids)))
    return {org.id: org.text("name", locale).value for org in rows}


def _table_or_none(table: DataTable, values: list[int]) -> DataTable | None:
    return table if any(values) else None


def compliance_section(d: DashboardInput) -> Section:
    t = d.ctx.t
    rows = cases.compliance_by_department(d.session, period=d.period, today=d.today)
    names = organisation_names(d.session, {r.department_id for r in rows if r.department_id}, d.ctx.locale)
    rows.sort(key=lambda r: names.get(r.department_id or "", "\uffff"))
    labels = [names.get(r.department_id or "", t.gettext("No department")) for r in rows]
    on_time, late = [r.on_time for r in rows], [r.late for r in rows]
    overdue = [r.overdue_now for r in rows]
    decided, total_late = sum(on_time) + sum(late), sum(late)
    decided_chart = stacked(
        chart_id="compliance-chart",
        title=t.gettext("Steps decided within their time limit, per department"),
        desc=t.gettext(
            "%(decided)s steps decided between %(start)s and %(end)s: %(on_time)s on time, %(late)s late.",
            decided=number(decided),
            start=d.period.start.isoformat(),
            end=d.period.end.isoformat(),
            on_time=number(sum(on_time)),
            late=number(total_late),
        ),
        labels=labels,
        series=[
            Series(t.gettext("On time"), on_time, "green"),
            Series(t.gettext("Late"), late, "hatch"),
        ],
        empty=t.gettext("No step with a time limit was decided in this period."),
        axis_label=t.gettext("Number of steps decided"),
    )
    overdue_chart = bar_chart(
        chart_id="overdue-chart",
        title=t.gettext("Open steps past their due date today, per department"),
        desc=t.gettext("%(count)s open steps are past their due date today.", count=number(sum(overdue))),
        labels=[x for x, n in zip(labels, overdue, strict=True) if n],
        values=[n for n in overdue if n],
        empty=t.gettext("No open step is past its due date today."),
        axis_label=t.gettext("Number of open steps"),
        fill="dots",
    )
    table = DataTable(
        caption=t.gettext("Time limits per department"),
        head=[
            t.gettext("Department"),
            t.gettext("Decided on time"),
            t.gettext("Decided late"),
            t.gettext("Share on time"),
            t.gettext("Open and overdue today"),
        ],
        rows=[
            (
                label,
                [
                    number(r.on_time),
                    number(r.late),
                    f"{round(100 * r.on_time / r.decided)}%" if r.decided else "—",
                    number(r.overdue_now),
                ],
            )
            for label, r in zip(labels, rows, strict=True)
        ],
    )
    return Section(
        key="compliance",
        heading=t.gettext("Time limits per department"),
        intro=t.gettext(
            "A step is on time when it was approved or rejected on or before its due date. Steps "
            "without a time limit are not counted. Overdue steps are those open today, whatever "
            "the period."
        ),
        charts=[
            Chart(decided_chart, _table_or_none(table, on_time + late + overdue), table_open=True),
            Chart(overdue_chart, None),
        ],
    )


def submissions_section(d: DashboardInput) -> Section:
    t = d.ctx.t
    days = cases.submissions_per_day(d.session, period=d.period)
    values = [n for _, n in days]
    busiest = max(days, key=lambda x: x[1]) if days else None
    chart = daily_chart(
        chart_id="submissions-chart",
        title=t.gettext("Applications submitted per day"),
        desc=t.gettext(
            "%(total)s applications submitted between %(start)s and %(end)s; the busiest day was "
            "%(day)s with %(count)s.",
            total=number(sum(values)),
            start=d.period.start.isoformat(),
            end=d.period.end.isoformat(),
            day=busiest[0].isoformat() if busiest else "—",
            count=number(busiest[1]) if busiest else "0",
        ),
        days=days,
        empty=t.gettext("No application was submitted in this period."),
        axis_label=t.gettext("Day (month-day)"),
    )
    table = DataTable(
        caption=t.gettext("Applications submitted per day"),
        head=[t.gettext("Day"), t.gettext("Applications")],
        rows=[(day.isoformat(), [number(n)]) for day, n in days],
    )
    return Section(
        key="submissions",
        heading=t.gettext("Applications submitted"),
        charts=[Chart(chart, _table_or_none(table, values))],
    )


def ratings_section(d: DashboardInput) -> Section:
    t = d.ctx.t
    labels = rating_labels(t)
    counts = cases.ratings_distribution(d.session, period=d.period)
    total = sum(n for _, n in counts)
    chart = distribution_chart(
        chart_id="ratings-chart",
        title=t.gettext("Ratings of completed cases"),
        desc=t.ngettext(
            "%(num)d rating in this period, from very satisfied to very dissatisfied.",
            "%(num)d ratings in this period, from very satisfied to very dissatisfied.",
            total,
        ),
        levels=[labels[score] for score, _ in counts],
        counts=[n for _, n in counts],
        empty=t.gettext("No case was rated in this period."),
        axis_label=t.gettext("Number of ratings"),
    )
    table = DataTable(
        caption=t.gettext("Ratings of completed cases"),
        head=[t.gettext("Rating"), t.gettext("Ratings"), t.gettext("Share")],
        rows=[
            (labels[score], [number(n), f"{round(100 * n / total)}%" if total else "—"])
            for score, n in counts
        ],
    )
    return Section(
        key="ratings",
        heading=t.gettext("Case ratings"),
        charts=[Chart(chart, _table_or_none(table, [n for _, n in counts]))],
    )


def misses_section(d: DashboardInput) -> Section:
    t = d.ctx.t
    misses = search.top_misses(d.session, period=d.period, limit=10)
    chart = bar_chart(
        chart_id="misses-chart",
        title=t.gettext("Most frequent questions that found nothing"),
        desc=t.ngettext(
            "The %(num)d most frequent question without a good answer asked in this period.",
            "The %(num)d most frequent questions without a good answer asked in this period.",
            len(misses),
        ),
        labels=[m.query for m in misses],
        values=[m.count for m in misses],
        empty=t.gettext("No question went unanswered in this period."),
        axis_label=t.gettext("Times asked"),
    )
    table = DataTable(
        caption=t.gettext("Most frequent questions that found nothing"),
        head=[
            t.gettext("Question"),
            t.gettext("Language"),
            t.gettext("Times asked"),
            t.gettext("Last asked"),
        ],
        rows=[
            (m.query, [AUTONYM.get(m.locale, m.locale), number(m.count), local_date(m.last_seen).isoformat()])
            for m in misses
        ],
        row_langs=[HTML_LANG.get(m.locale) for m in misses],
    )
    return Section(
        key="misses",
        heading=t.gettext("Searches that found nothing"),
        intro=t.gettext(
            "Questions asked in this period for which search found no good answer, with the number "
            "of times each was asked since it was first asked. Add an item, a synonym or a "
            "consultation answer for them."
        ),
        charts=[Chart(chart, _table_or_none(table, [m.count for m in misses]))],
    )


SectionFunction = Callable[[DashboardInput], Section]

#: The sections in page order.
SECTIONS: list[SectionFunction] = [
    compliance_section,
    submissions_section,
    ratings_section,
    misses_section,
]


def build_sections(d: DashboardInput, sections: list[SectionFunction] | None = None) -> list[Section]:
    return [section(d) for section in (SECTIONS if sections is None else sections)]
