"""The hall's sections of the operations dashboard: today's queues, visits booked per day, and the
hall's ratings with their follow-ups. Appended to ``dashboard.SECTIONS`` by the app's wiring."""

from __future__ import annotations

from hetao import catalog, hall
from hetao.web.charts import Chart, DataTable, bar_chart, number
from hetao.web.dashboard import DashboardInput, Section


def _minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def queue_section(d: DashboardInput) -> Section:
    """Today's queues per category (whatever the period: a queue lives for one day)."""
    t = d.ctx.t
    rows = hall.day_summary(d.session, day=d.today)
    labels = [catalog.category_name(r.category, d.ctx.locale) for r in rows]
    waiting = [r.waiting for r in rows]
    taken = [r.taken for r in rows]
    chart = bar_chart(
        chart_id="queue-chart",
        title=t.gettext("Tickets taken today, per category"),
        desc=t.gettext(
            "%(taken)s tickets taken today; %(waiting)s people are waiting now.",
            taken=number(sum(taken)),
            waiting=number(sum(waiting)),
        ),
        labels=[x for x, n in zip(labels, taken, strict=True) if n],
        values=[n for n in taken if n],
        empty=t.gettext("No ticket has been taken today."),
        axis_label=t.gettext("Tickets taken"),
    )
    table = DataTable(
        caption=t.gettext("Today's queues per category"),
        head=[
            t.gettext("Category"),
            t.gettext("Taken"),
            t.gettext("Waiting now"),
            t.gettext("Served"),
            t.gettext("No-shows"),
            t.gettext("Average wait until called (minutes)"),
            t.gettext("Average handling time (minutes)"),
        ],
        rows=[
            (
                label,
                [
                    number(r.taken),
                    number(r.waiting),
                    number(r.served),
                    number(r.no_shows),
                    _minutes(r.average_wait_minutes),
                    _minutes(r.average_handling_minutes),
                ],
            )
            for label, r in zip(labels, rows, strict=True)
        ],
    )
    return Section(
        key="queues",
        heading=t.gettext("Today's queues"),
        intro=t.gettext("Queue tickets of today, whatever the period chosen above."),
        charts=[Chart(chart, table if any(taken) else None, table_open=True)],
    )


#: The hall's sections, in page order.
HALL_SECTIONS = [queue_section]
