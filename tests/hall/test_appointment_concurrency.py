"""No double booking, ever: 200 people press "Book" for the same time at once, each in a unit of work
of their own on its own connection, with real commits on each backend; 20 places exist. Exactly 20
get an appointment and 180 are told, in their language, that the time has been taken."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

from sqlalchemy import func, select, update

from hetao import hall
from hetao.accounts import Principal, User
from hetao.catalog import get_service, load_sample
from hetao.core.errors import HetaoError
from hetao.core.i18n import translator
from hetao.core.settings import Settings
from hetao.hall import Appointment, Counter, SlotPlaces, load_hall_sample
from hetao.storage.database import make_engine, make_session_factory, unit_of_work
from hetao.storage.migrate import upgrade

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
DAY = date(2026, 12, 7)
NINE = 9 * 60
PEOPLE = 200
PLACES = 20
FINANCE = "hk-resident-personal-rmb-account"


def test_200_people_race_for_20_places(empty_db_url):
    engine = make_engine(Settings(database_url=empty_db_url))
    upgrade(engine)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        load_sample(session)
        load_hall_sample(session)
        # The finance item is served by C02 and the three comprehensive windows (one place each):
        # give C02 the rest, so the slot has 20 places in all.
        session.execute(update(Counter).where(Counter.code == "C02").values(capacity=PLACES - 3))
        for i in range(PEOPLE):
            session.add(
                User(
                    id=f"user-{i:03d}",
                    email=f"p{i}@example.org",
                    display_name=f"p{i}",
                    password_hash="-",
                    locale="en",
                )
            )
    with unit_of_work(factory) as session:
        visit = hall.visit_for_service(get_service(session, FINANCE))
        assert hall.times_on(session, visit, DAY, now=NOW)[0].free == PLACES

    barrier = threading.Barrier(PEOPLE)
    outcomes: list[str] = []
    messages: set[str] = set()
    lock = threading.Lock()

    def attempt(i: int) -> None:
        principal = Principal(
            user_id=f"user-{i:03d}", email=f"p{i}@example.org", display_name="", locale="zh-Hant"
        )
        try:
            barrier.wait(timeout=60)
            with unit_of_work(factory, write=True) as session:
                hall.book(
                    session, principal, visit=visit, day=DAY, start_minute=NINE, locale="zh-Hant", now=NOW
                )
            outcome = "booked"
        except HetaoError as error:
            outcome = error.code
            with lock:
                messages.add(translator("zh-Hant").gettext(error.message, **error.params))
        except Exception as error:  # noqa: BLE001 - anything else is a failure the assertion shows
            outcome = f"{type(error).__name__}: {error}"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(PEOPLE)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    counts = {o: outcomes.count(o) for o in set(outcomes)}
    assert counts == {"booked": PLACES, "hall.slot_taken": PEOPLE - PLACES}, counts
    (message,) = messages
    assert (
        message == translator("zh-Hant").gettext(hall.SlotTaken.message) and message != hall.SlotTaken.message
    )
    with unit_of_work(factory) as session:
        assert session.scalar(select(func.count()).select_from(Appointment)) == PLACES
        assert session.scalar(select(func.sum(SlotPlaces.taken))) == PLACES
        assert session.scalar(select(func.count()).where(SlotPlaces.taken > SlotPlaces.capacity)) == 0
        assert len(set(session.scalars(select(Appointment.code)))) == PLACES
    engine.dispose()
