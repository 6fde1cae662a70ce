"""Page and API timings against a bare endpoint measured in the same run.

    .venv/bin/python bench/pages.py [--requests 300] [--database-url URL]

Starts the app (sample data on a fresh SQLite file unless --database-url names a loaded database) and a
bare FastAPI app returning a small JSON object, each under uvicorn in this process, then requests
each route sequentially over HTTP/1.1 keep-alive and prints p50/p95/p99 latency, requests/s and the
throughput ratio to the bare endpoint. Figures, not assertions: tests check behaviour."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

ROUTES = [
    "/zh-hant/",
    "/zh-hant/categories/customs",
    "/en/services/hk-driving-licence-exchange",
    "/zh-hans/services?q=居住证",
    "/en/directory",
    "/api/v1/services?category=tax",
    "/api/v1/services/hk-driving-licence-exchange",
    "/api/hsds/services?per_page=50",
]


def _serve(app, port: int) -> uvicorn.Server:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server


def _measure(client: httpx.Client, url: str, n: int) -> list[float]:
    for _ in range(10):
        client.get(url).raise_for_status()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        client.get(url).raise_for_status()
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    from hetao.app import create_app
    from hetao.catalog import catalogue_is_empty, load_sample
    from hetao.core.settings import Settings
    from hetao.storage.database import make_engine, make_session_factory, unit_of_work
    from hetao.storage.migrate import upgrade

    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    settings = Settings(database_url=url)
    engine = make_engine(settings)
    upgrade(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        if catalogue_is_empty(session):
            load_sample(session)

    bare = FastAPI()

    @bare.get("/bare")
    def bare_endpoint():
        return {"ok": True}

    _serve(bare, 8765)
    _serve(create_app(settings, engine=engine), 8766)
    with httpx.Client(base_url="http://127.0.0.1:8765") as c:
        base = _measure(c, "/bare", args.requests)
    base_rps = len(base) / sum(base)
    print(f"database: {engine.url.get_backend_name()}   requests per route: {args.requests}")
    print(f"{'route':52} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'req/s':>7} {'vs bare':>8}")
    print(
        f"{'bare FastAPI endpoint (baseline)':52} {_ms(base, 50):7.1f} {_ms(base, 95):7.1f} {_ms(base, 99):7.1f} {base_rps:7.0f} {1:8.2f}"
    )
    with httpx.Client(base_url="http://127.0.0.1:8766") as c:
        for route in ROUTES:
            times = _measure(c, route, args.requests)
            rps = len(times) / sum(times)
            print(
                f"{route:52} {_ms(times, 50):7.1f} {_ms(times, 95):7.1f} {_ms(times, 99):7.1f} {rps:7.0f} {rps / base_rps:8.2f}"
            )


def _ms(samples: list[float], pct: int) -> float:
    return statistics.quantiles(samples, n=100)[pct - 1] * 1000 if pct < 100 else max(samples) * 1000


if __name__ == "__main__":
    main()
