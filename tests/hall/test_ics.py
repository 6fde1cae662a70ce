"""The .ics files: escaping, folding, UTC times."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from hetao.hall.ics import CalendarEvent, escape_text, fold, render

HKT = timezone(timedelta(hours=8))


def test_text_is_escaped():
    assert escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"


def test_long_lines_fold_at_75_octets_without_splitting_characters():
    line = "SUMMARY:" + "河套深港科技創新合作區" * 10
    folded = fold(line).split("\r\n")
    assert all(len(part.encode("utf-8")) <= 75 for part in folded)
    assert all(part.startswith(" ") for part in folded[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(folded)) == line


def test_render_gives_utc_times_and_crlf_lines():
    event = CalendarEvent(
        uid="visit-ABC123@hetao",
        starts_at=datetime(2026, 12, 1, 9, 30, tzinfo=HKT),
        ends_at=datetime(2026, 12, 1, 10, 0, tzinfo=HKT),
        summary="Visit, window A01",
        location="e-Station, hall",
    )
    text = render(event, now=datetime(2026, 11, 29, 12, 0, tzinfo=UTC))
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "DTSTART:20261201T013000Z\r\n" in text
    assert "DTEND:20261201T020000Z\r\n" in text
    assert "SUMMARY:Visit\\, window A01\r\n" in text
    assert "\n" not in text.replace("\r\n", "")


def test_naive_times_are_refused():
    event = CalendarEvent(
        uid="x", starts_at=datetime(2026, 12, 1, 9), ends_at=datetime(2026, 12, 1, 10), summary="x"
    )
    with pytest.raises(ValueError):
        render(event, now=datetime(2026, 11, 29, tzinfo=UTC))
