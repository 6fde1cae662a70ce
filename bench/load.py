"""Load test: a realistic mix of 50 concurrent users against a running site, beside a bare endpoint.

    PYTHONPATH=src:. .venv/bin/python bench/load.py [--users 50] [--duration 20] [--workers 1 2]
        [--think 2] [--backends sqlite postgresql]
        [--pg-admin-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

For each backend (a scratch SQLite file; a scratch database created in the PostgreSQL server and
dropped afterwards — the server itself is never restarted) and each worker count it starts
``hetao serve --workers N`` in a subprocess, and a bare FastAPI app (``bare`` below, one tiny JSON
endpoint) under ``uvicorn --workers N`` the same way, then runs the users for a fixed time. Each user
repeatedly picks a scenario: browse pages 60 %, search 25 %, book and take tickets 10 %, submit
applications (answer a journey's questions through its forms) 5 %.

Three runs per server, one after the other:

- ``mix``: the users pause between scenarios for a think time drawn from an exponential
  distribution of mean ``--think`` seconds (2 by default: a person reads a page before the next
  click; exponential, so arrivals are close to a Poisson stream, bursts included). The latency
  target is about this run: with no think time 50 users keep exactly 50 requests in flight, and p99
  is then about users / throughput whatever the site does.
- ``mix-sat``: the same mix closed-loop, no think time: the saturated throughput. With ``--think 0``
  the ``mix`` run is already that, and ``mix-sat`` is left out.
- ``item``: item pages only (``/{lp}/services/{slug}``: a random service in a random one of the three
  locales), closed-loop, to compare with the bare endpoint (always closed-loop). Before it every
  item page is asked for twice over new connections: the figure is the steady state between
  catalogue edits, when the page cache holds them (a page's first request after an edit renders it).

Printed: requests/s, p50/p99 and errors per scenario and overall, and the ratios (item pages and the
saturated mix vs the bare endpoint, 2 workers vs 1).

The load generator is asyncio + httpx (already a test dependency), not locust: one small file with
no new dependency, and its client cost is the same for the site and the bare endpoint, so ratios are
fair. The generator shares the machine with the server: absolute figures are a floor. Figures, not
assertions: tests check behaviour."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path

import httpx
from bs4 import BeautifulSoup
from fastapi import FastAPI

ROOT = Path(__file__).resolve().parents[1]
bare = FastAPI()


@bare.get("/ping")
def ping():
    return {"ok": True, "service": "bare"}


BROWSE = [
    "/zh-hant/",
    "/zh-hant/categories/customs",
    "/en/services/hk-driving-licence-exchange",
    "/zh-hans/services/hk-driving-licence-exchange",
    "/en/directory",
    "/zh-hant/journeys",
]
SEARCHES = ["居住证", "駕駛執照", "company registration", "稅務", "social insurance", "签注", "visa", "公司"]
MIX = [("browse", 60), ("search", 25), ("ticket", 10), ("apply", 5)]
ITEM = [("item", 1)]
PREFIXES = ["zh-hant", "zh-hans", "en"]
#: Service slugs of the ``item`` scenario (read from the running site's API before the runs).
SLUGS: list[str] = []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _form_data(html: str) -> tuple[str, dict[str, str]] | None:
    """The page's first POST form filled as a person would: hidden fields kept, the first choice of
    every radio group and select, checkboxes left alone."""
    soup = BeautifulSoup(html, "html.parser")
    form = next((f for f in soup.find_all("form") if (f.get("method") or "").lower() == "post"), None)
    if form is None:
        return None
    data: dict[str, str] = {}
    for field in form.find_all(["input", "select"]):
        name = field.get("name")
        if not name or name in data:
            continue
        if field.name == "select":
            option = next((o for o in field.find_all("option") if o.get("value")), None)
            if option is not None:
                data[name] = option["value"]
        elif field.get("type") in ("hidden", "radio"):
            data[name] = field.get("value", "")
    return form.get("action") or "", data


class Stats:
    def __init__(self):
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)

    async def get(self, client, scenario, url):
        return await self._do(client, scenario, "GET", url)

    async def post(self, client, scenario, url, data):
        return await self._do(client, scenario, "POST", url, data=data)

    async def _do(self, client, scenario, method, url, **kw):
        t0 = time.perf_counter()
        try:
            response = await client.request(method, url, **kw)
        except httpx.HTTPError:
            self.errors[scenario] += 1
            return None
        self.times[scenario].append(time.perf_counter() - t0)
        if response.status_code >= 400:
            self.errors[scenario] += 1
            return None
        return response


async def _scenario(name: str, client: httpx.AsyncClient, stats: Stats, rnd: random.Random) -> None:
    if name == "bare":
        await stats.get(client, name, "/ping")
    elif name == "item":
        await stats.get(client, name, f"/{rnd.choice(PREFIXES)}/services/{rnd.choice(SLUGS)}")
    elif name == "browse":
        await stats.get(client, name, rnd.choice(BROWSE))
    elif name == "search":
        await stats.get(
            client, name, f"/{rnd.choice(['zh-hant', 'zh-hans', 'en'])}/services?q={rnd.choice(SEARCHES)}"
        )
    elif name == "ticket":  # book a ticket: the form, then take it, then its page
        page = await stats.get(client, name, "/en/hall/tickets/new")
        form = page is not None and _form_data(page.text)
        if form:
            done = await stats.post(client, name, form[0] or "/en/hall/tickets", form[1])
            if done is not None and done.status_code == 303:
                await stats.get(client, name, done.headers["location"])
    elif name == "apply":  # answer a journey's questions through its forms, up to its plan
        page = await stats.get(client, name, "/en/journeys/company-setup")
        for _ in range(6):
            form = page is not None and _form_data(page.text)
            if not form or not form[0]:
                break
            page = await stats.post(client, name, form[0], form[1])
            if page is not None and page.status_code == 303:
                page = await stats.get(client, name, page.headers["location"])


async def _user(base, scenarios, stats, until, seed, think):
    rnd = random.Random(seed)
    names, weights = zip(*scenarios, strict=True)
    async with httpx.AsyncClient(base_url=base, timeout=30, follow_redirects=False) as client:
        if think:  # users arrive spread over a think time, not all in the first millisecond
            await asyncio.sleep(rnd.uniform(0, think))
        while time.monotonic() < until:
            await _scenario(rnd.choices(names, weights)[0], client, stats, rnd)
            if think:
                await asyncio.sleep(min(rnd.expovariate(1 / think), max(0.0, until - time.monotonic())))


def run_load(base: str, scenarios, users: int, duration: float, think: float = 0) -> tuple[Stats, float]:
    stats = Stats()

    async def main():
        until = time.monotonic() + duration
        await asyncio.gather(*(_user(base, scenarios, stats, until, n, think) for n in range(users)))

    t0 = time.monotonic()
    asyncio.run(main())
    return stats, time.monotonic() - t0


def _wait(base: str, path: str, proc: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            if httpx.get(base + path, timeout=10).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{base} did not come up")


def _start(cmd: list[str], env: dict[str, str]) -> subprocess.Popen:
    # The server's output goes to a file (never an unread pipe: a full pipe blocks the server).
    log = open(os.environ.get("HETAO_LOAD_LOG", os.devnull), "a")  # noqa: SIM115
    return subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _service_slugs(base: str) -> list[str]:
    slugs, page = [], 1
    while True:
        body = httpx.get(f"{base}/api/v1/services", params={"per_page": 100, "page": page}, timeout=30).json()
        slugs += [item["slug"] for item in body["items"]]
        if page >= body["pages"]:
            return slugs
        page += 1


def prime(base: str, paths: list[str], connections: int = 20) -> None:
    """Ask for each of ``paths`` once, over ``connections`` new connections (so that with several
    workers each is likely to see most of them)."""
    queue = list(paths)

    async def worker():
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            while queue:
                await client.get(queue.pop())

    async def main():
        await asyncio.gather(*(worker() for _ in range(connections)))

    asyncio.run(main())


def measure(label, cmd, env, ready_path, runs, users, duration):
    """Start the server, warm it up, then do each of ``runs`` = [(name, scenarios, think), ...]."""
    port = _free_port()
    proc = _start([*cmd, "--port", str(port)], env)
    base = f"http://127.0.0.1:{port}"
    results = []
    try:
        _wait(base, ready_path, proc)
        if any(name == "item" for name, _, _ in runs) and not SLUGS:
            SLUGS.extend(_service_slugs(base))
        run_load(base, runs[0][1], users, min(3.0, duration))  # warm-up (caches, index, pools)
        for name, scenarios, think in runs:
            if name == "item":  # the steady state between catalogue edits: every page cached once
                for _ in range(2):
                    prime(base, [f"/{p}/services/{slug}" for p in PREFIXES for slug in SLUGS])
            stats, elapsed = run_load(base, scenarios, users, duration, think)
            results.append((f"{label} {name}", stats, elapsed))
            print(f"measured {label} {name}", file=sys.stderr)
    finally:
        _stop(proc)
    return results


def _row(label, scenario, times, errors, elapsed):
    n = len(times)
    if not n:
        return f"{label:<24} {scenario:<8} {'-':>8} {'-':>8} {'-':>8} {errors:>7}", 0.0
    ordered = sorted(times)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[min(n - 1, int(n * 0.99))] * 1000
    rps = n / elapsed
    return f"{label:<24} {scenario:<8} {rps:>8.1f} {p50:>8.1f} {p99:>8.1f} {errors:>7}", rps


def report(results, think: float) -> None:
    print(f"\n{'run':<24} {'scenario':<8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    overall = {}
    for label, stats, elapsed in results:
        for scenario in sorted(stats.times):
            print(_row(label, scenario, stats.times[scenario], stats.errors[scenario], elapsed)[0])
        everything = [t for ts in stats.times.values() for t in ts]
        line, rps = _row(label, "ALL", everything, sum(stats.errors.values()), elapsed)
        print(line)
        overall[label] = rps
    print(f"\nmix: think time exponential with a mean of {think:g} s; mix-sat, item and bare: closed-loop")
    print("\nratios")
    for label, rps in overall.items():
        site, workers, run = label.split(" ")
        if site == "bare":
            continue
        saturated = run in ("mix-sat", "item") or (run == "mix" and not think)
        bare_rps = overall.get(f"bare {workers} bare")
        if bare_rps and run == "item":
            print(f"  {label}: item pages at {rps / bare_rps:.2f} of the bare endpoint's throughput")
        elif bare_rps and saturated:
            print(f"  {label}: the saturated mix at {rps / bare_rps:.2f} of the bare endpoint's throughput")
        one = overall.get(f"{site} 1w {run}")
        if workers != "1w" and one and saturated:
            print(f"  {label}: {workers[:-1]} workers / 1 worker = {rps / one:.2f}")
    bare1, bare2 = overall.get("bare 1w bare"), overall.get("bare 2w bare")
    if bare1 and bare2:
        print(f"  bare: 2 workers / 1 worker = {bare2 / bare1:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--think",
        type=float,
        default=2.0,
        help="mean think time between a user's scenarios, in seconds (exponential); 0: closed loop",
    )
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--pg-admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()

    from sqlalchemy import create_engine, text

    scratch = Path(tempfile.mkdtemp(prefix="hetao-load-"))
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
        "HETAO_UPLOAD_DIR": str(scratch / "up"),
    }
    results = []
    runs = [("mix", MIX, args.think)]
    if args.think:
        runs.append(("mix-sat", MIX, 0))
    runs.append(("item", ITEM, 0))
    pg_name = None
    try:
        for workers in args.workers:
            cmd = [
                sys.executable,
                "-m",
                "uvicorn",
                "bench.load:bare",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
                "--host",
                "127.0.0.1",
            ]
            bare_run = [("bare", [("bare", 1)], 0)]
            results += measure(f"bare {workers}w", cmd, env, "/ping", bare_run, args.users, args.duration)
        for backend in args.backends:
            if backend == "sqlite":
                url = f"sqlite:///{scratch / 'load.db'}"
            else:
                pg_name = f"hetao_load_{uuid.uuid4().hex[:8]}"
                admin = create_engine(args.pg_admin_url, isolation_level="AUTOCOMMIT")
                with admin.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{pg_name}"'))
                admin.dispose()
                url = args.pg_admin_url.rsplit("/", 1)[0] + "/" + pg_name
            for workers in args.workers:
                cmd = [sys.executable, "-m", "hetao", "serve", "--workers", str(workers)]
                results += measure(
                    f"{backend} {workers}w",
                    cmd,
                    {**env, "HETAO_DATABASE_URL": url},
                    "/readyz",
                    runs,
                    args.users,
                    args.duration,
                )
    finally:
        if pg_name:
            admin = create_engine(args.pg_admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))
            admin.dispose()
        shutil.rmtree(scratch, ignore_errors=True)
    report(results, args.think)


if __name__ == "__main__":
    main()
