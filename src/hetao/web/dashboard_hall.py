"""The hall's sections of the operations dashboard: today's queues, visits booked per day, and the
hall's ratings with their follow-ups. Appended to ``dashboard.SECTIONS`` by the app's wiring."""

from __future__ import annotations

from datetime import timedelta

from hetao import catalog, hall
from hetao.web.charts import Chart, DataTable, bar_chart, daily_chart, distribution_chart, number
from hetao.web.dashboard import DashboardInput, Section
from hetao.web.labels import rating_labels


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


#: Appointment states in the order of the table's columns.
_VISIT_STATES = ("booked", "checked_in", "completed", "no_show", "cancelled")


def appointments_section(d: DashboardInput) -> Section:
    """Visits booked for each day of the period (cancelled ones shown in the table only)."""
    t = d.ctx.t
    per_day = hall.appointments_per_day(d.session, first=d.period.start, last=d.period.end)
    days = []
    day = d.period.start
    while day <= d.period.end:
        states = per_day.get(day, {})
        days.append((day, sum(n for state, n in states.items() if state != "cancelled")))
        day += timedelta(days=1)
    total = sum(n for _, n in days)
    chart = daily_chart(
        chart_id="appointments-chart",
        title=t.gettext("Visits booked per day"),
        desc=t.gettext(
            "%(total)s visits booked for days between %(start)s and %(end)s, not counting cancelled ones.",
            total=number(total),
            start=d.period.start.isoformat(),
            end=d.period.end.isoformat(),
        ),
        days=days,
        empty=t.gettext("No visit is booked for a day in this period."),
        axis_label=t.gettext("Day (month-day)"),
    )
    labels = {
        "booked": t.gettext("Booked"),
        "checked_in": t.gettext("Checked in"),
        "completed": t.gettext("Completed"),
        "no_show": t.gettext("No-shows"),
        "cancelled": t.gettext("Cancelled"),
    }
    table = DataTable(
        caption=t.gettext("Visits per day and state"),
        head=[t.gettext("Day")] + [labels[s] for s in _VISIT_STATES],
        rows=[
            (day.isoformat(), [number(states.get(s, 0)) for s in _VISIT_STATES])
            for day, states in per_day.items()
        ],
    )
    return Section(
        key="appointments",
        heading=t.gettext("Visits booked"),
        charts=[Chart(chart, table if per_day else None)],
    )


def hall_ratings_section(d: DashboardInput) -> Section:
    """The hall's ratings (served tickets, completed visits) and their follow-ups."""
    t = d.ctx.t
    stats = hall.rating_statistics(d.session, start=d.period.start, end=d.period.end, today=d.today)
    labels = rating_labels(t)
    scores = list(stats.distribution)
    counts = [stats.distribution[s] for s in scores]
    total = sum(counts)
    chart = distribution_chart(
        chart_id="hall-ratings-chart",
        title=t.gettext("Ratings of the hall's services"),
        desc=t.ngettext(
            "%(num)d rating of a visit or a ticket in this period.",
            "%(num)d ratings of visits and tickets in this period.",
            total,
        ),
        levels=[labels[s] for s in scores],
        counts=counts,
        empty=t.gettext("No visit or ticket was rated in this period."),
        axis_label=t.gettext("Number of ratings"),
    )
    table = DataTable(
        caption=t.gettext("Follow-ups of poor ratings"),
        head=[t.gettext("Follow-ups"), t.gettext("Number")],
        rows=[
            (t.gettext("Open"), [number(stats.followups_open)]),
            (t.gettext("Open and overdue"), [number(stats.followups_overdue)]),
            (t.gettext("Answered"), [number(stats.followups_answered)]),
            (t.gettext("Closed"), [number(stats.followups_closed)]),
        ],
    )
    return Section(
        key="hall-ratings",
        heading=t.gettext("Ratings of the hall"),
        intro=t.gettext(
            "A poor rating (dissatisfied or very dissatisfied) opens a follow-up that must be "
            "answered within 15 working days."
        ),
        charts=[Chart(chart, table, table_open=True)],
    )


#: The hall's sections, in page order.
HALL_SECTIONS = [queue_section, appointments_section, hall_ratings_section]
