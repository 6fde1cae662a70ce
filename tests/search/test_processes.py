"""Two processes on one database: an edit made by one is searchable in the other within 2 s."""

from __future__ import annotations

import copy
import os
import socket
import subprocess
import sys
import time

import httpx
from sqlalchemy.orm import sessionmaker

from hetao.catalog import export_document, import_document, load_sample
from hetao.core.settings import Settings
from hetao.storage.database import make_engine, unit_of_work
from hetao.storage.migrate import upgrade


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_edit_in_one_process_is_found_by_another_within_two_seconds(empty_db_url):
    engine = make_engine(Settings(database_url=empty_db_url))
    upgrade(engine)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with unit_of_work(factory) as s:
        load_sample(s)
    port = _free_port()
    env = {**os.environ, "HETAO_DATABASE_URL": empty_db_url, "HETAO_SEARCH_BACKEND": "none"}
    server = subprocess.Popen(
        [sys.executable, "-m", "hetao", "serve", "--port", str(port), "--no-sample"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api/v1/search"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                before = httpx.get(url, params={"q": "Zephyrine licence", "lang": "en"}, timeout=10).json()
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline
                time.sleep(0.3)
        assert "results" in before, before
        assert not any("Zephyrine" in r["title"] for r in before["results"])
        with unit_of_work(factory) as s:
            doc = copy.deepcopy(export_document(s))
        target = next(x for x in doc["services"] if x["hetao"]["slug"] == "hk-driving-licence-exchange")
        target["translations"]["en"]["name"] = "Zephyrine licence exchange"
        with unit_of_work(factory) as s:
            import_document(s, doc)
        edited = time.monotonic()
        while True:
            body = httpx.get(url, params={"q": "Zephyrine licence", "lang": "en"}, timeout=10).json()
            if body["results"] and body["results"][0]["title"] == "Zephyrine licence exchange":
                break
            assert time.monotonic() - edited < 2.0, "the other process did not see the edit within 2 s"
            time.sleep(0.05)
    finally:
        server.terminate()
        server.wait(timeout=20)
        engine.dispose()
