"""Booking throughput of the hall's appointments, on SQLite and PostgreSQL, with 8 threads booking at
once, beside a bare insert of one row in one transaction measured in the same run.

    .venv/bin/python bench/hall.py [--bookings 400] [--threads 8] [--backends sqlite,postgresql]

For each backend: a fresh database (a temporary SQLite file; a scratch PostgreSQL database at
127.0.0.1:5432, dropped afterwards) with the sample catalogue and hall, and --bookings people.
Each booking is one unit of work (take the place with the conditional UPDATE, write the appointment,
its item with the active key, the confirmation and the reminder in the outbox), spread over the times
of a week so that places never run out. The baseline is the same number of transactions that each
insert one row into a one-column table, through the same threads and unit of work. Prints
operations per second and p50/p99 per operation, and the ratios booking/baseline. Figures, not
assertions."""

from __future__ import annotations

import argparse
import os
import queue
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, text, update

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

PG_ADMIN = os.environ.get("HETAO_BENCH_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # a Tuesday, 09:00 in the hall
FINANCE = "hk-resident-personal-rmb-account"


def _run(threads: int, jobs: list, work) -> tuple[float, list[float]]:
    """Run ``work(job)`` for every job on ``threads`` threads; returns wall time and per-job times."""
    todo: queue.Queue = queue.Queue()
    for job in jobs:
        todo.put(job)
    times: list[float] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker() -> None:
        while True:
            try:
                job = todo.get_nowait()
            except queue.Empty:
                return
            t0 = time.perf_counter()
            try:
                work(job)
            except BaseException as error:  # noqa: BLE001 - reported after the run
                errors.append(error)
            with lock:
                times.append(time.perf_counter() - t0)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    start = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall = time.perf_counter() - start
    if errors:
        raise RuntimeError(f"{len(errors)} operations failed; the first: {errors[0]!r}")
    return wall, times


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def bench(url: str, name: str, bookings: int, threads: int) -> None:
    from hetao import hall
    from hetao.accounts import Principal, User
    from hetao.catalog import get_service, load_sample
    from hetao.core.settings import Settings
    from hetao.hall import Counter, load_hall_sample
    from hetao.storage.database import make_engine, make_session_factory, unit_of_work
    from hetao.storage.migrate import upgrade

    engine = make_engine(Settings(database_url=url))
    upgrade(engine)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as s:
        load_sample(s)
        load_hall_sample(s)
        s.execute(update(Counter).values(capacity=bookings))  # places never run out: this measures the path
        s.execute(
            insert(User),
            [
                {
                    "id": f"bench-{i:05d}",
                    "email": f"b{i}@example.org",
                    "display_name": "b",
                    "password_hash": "-",
                    "locale": "en",
                }
                for i in range(bookings)
            ],
        )
        s.execute(text("CREATE TABLE bench_rows (id VARCHAR(36) PRIMARY KEY)"))
        visit = hall.visit_for_service(get_service(s, FINANCE))
        slots = [
            (d, t.start_minute)
            for d in (date(2026, 12, 7) + timedelta(days=i) for i in range(5))
            for t in hall.times_on(s, visit, d, now=NOW)
        ]

    def book(i: int) -> None:
        principal = Principal(user_id=f"bench-{i:05d}", email="", display_name="", locale="en")
        day, minute = slots[i % len(slots)]
        with unit_of_work(factory, write=True) as s:
            hall.book(s, principal, visit=visit, day=day, start_minute=minute, locale="en", now=NOW)

    def bare(_i: int) -> None:
        with unit_of_work(factory, write=True) as s:
            s.execute(text("INSERT INTO bench_rows (id) VALUES (:id)"), {"id": str(uuid.uuid4())})

    _run(threads, list(range(min(20, bookings))), bare)  # warm the pool and caches
    base_wall, base_times = _run(threads, list(range(bookings)), bare)
    book_wall, book_times = _run(threads, list(range(bookings)), book)
    with unit_of_work(factory) as s:
        made = s.scalar(text("SELECT count(*) FROM hall_appointments"))
    engine.dispose()
    assert made == bookings, (made, bookings)

    base_rate, book_rate = bookings / base_wall, bookings / book_wall
    b50, b99 = _pct(base_times, 0.5), _pct(base_times, 0.99)
    k50, k99 = _pct(book_times, 0.5), _pct(book_times, 0.99)
    print(f"{name}: {bookings} operations, {threads} threads")
    print(f"  bare insert  {base_rate:8.1f} /s   p50 {b50 * 1000:7.1f} ms   p99 {b99 * 1000:7.1f} ms")
    print(f"  booking      {book_rate:8.1f} /s   p50 {k50 * 1000:7.1f} ms   p99 {k99 * 1000:7.1f} ms")
    print(
        f"  ratio        throughput ×{book_rate / base_rate:.2f} of bare   p50 ×{k50 / b50:.1f}   p99 ×{k99 / b99:.1f}"
        f"   (mean {statistics.mean(book_times) * 1000:.1f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bookings", type=int, default=400)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                bench(f"sqlite:///{tmp}/bench.db", "SQLite (file, WAL)", args.bookings, args.threads)
        elif backend == "postgresql":
            name = f"hetao_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
            try:
                with admin.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
            except Exception as error:  # noqa: BLE001
                print(f"PostgreSQL: skipped ({type(error).__name__}: {error})")
                continue
            try:
                bench(PG_ADMIN.rsplit("/", 1)[0] + "/" + name, "PostgreSQL", args.bookings, args.threads)
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()


if __name__ == "__main__":
    main()
