"""Many people taking a ticket for one category at once, against one app process: each waits its
turn at the day's number row (a row lock on PostgreSQL) and every request completes. A handler that
waited for the lock on the event loop would stall the process, the lock holder's commit included."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.e2e.conftest import _serve

PEOPLE = 16


@pytest.fixture(scope="module")
def server(seeded_engine, backend, tmp_path_factory):
    yield from _serve(seeded_engine, tmp_path_factory.mktemp("uploads"))


def take(base: str) -> int:
    with httpx.Client(base_url=base, timeout=60) as client:
        page = client.get("/en/hall/tickets/new")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = client.post("/en/hall/tickets", data={"csrf_token": token, "category": "legal"})
        return response.status_code


def test_simultaneous_tickets_for_one_category_all_complete(server):
    with ThreadPoolExecutor(PEOPLE) as pool:
        statuses = list(pool.map(take, [server] * PEOPLE))
    assert statuses == [303] * PEOPLE
