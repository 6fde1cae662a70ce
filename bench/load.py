"""Load test: a realistic mix of 50 concurrent users against a running site, beside a bare endpoint.

    PYTHONPATH=src:. .venv/bin/python bench/load.py [--users 50] [--duration 20] [--workers 1 2]
        [--backends sqlite postgresql] [--pg-admin-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

For each backend (a scratch SQLite file; a scratch database created in the PostgreSQL server and
dropped afterwards — the server itself is never restarted) and each worker count it starts
``hetao serve --workers N`` in a subprocess, and a bare FastAPI app (``bare`` below, one tiny JSON
endpoint) under ``uvicorn --workers N`` the same way, then runs the users for a fixed time. Each user
repeatedly picks a scenario: browse pages 60 %, search 25 %, book and take tickets 10 %, submit
applications (answer a journey's questions through its forms) 5 %. Printed: requests/s, p50/p99 and
errors per scenario and overall, and the ratios (site vs bare endpoint, 2 workers vs 1).

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


async def _user(base, scenarios, stats, until, seed):
    rnd = random.Random(seed)
    names, weights = zip(*scenarios, strict=True)
    async with httpx.AsyncClient(base_url=base, timeout=30, follow_redirects=False) as client:
        while time.monotonic() < until:
            await _scenario(rnd.choices(names, weights)[0], client, stats, rnd)


def run_load(base: str, scenarios, users: int, duration: float) -> tuple[Stats, float]:
    stats = Stats()

    async def main():
        until = time.monotonic() + duration
        await asyncio.gather(*(_user(base, scenarios, stats, until, n) for n in range(users)))

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


def measure(label, cmd, env, ready_path, scenarios, users, duration):
    port = _free_port()
    proc = _start([*cmd, "--port", str(port)], env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base, ready_path, proc)
        run_load(base, scenarios, users, min(3.0, duration))  # warm-up (caches, index, pools)
        stats, elapsed = run_load(base, scenarios, users, duration)
    finally:
        _stop(proc)
    return label, stats, elapsed


def _row(label, scenario, times, errors, elapsed):
    n = len(times)
    if not n:
        return f"{label:<22} {scenario:<8} {'-':>8} {'-':>8} {'-':>8} {errors:>7}", 0.0
    ordered = sorted(times)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[min(n - 1, int(n * 0.99))] * 1000
    rps = n / elapsed
    return f"{label:<22} {scenario:<8} {rps:>8.1f} {p50:>8.1f} {p99:>8.1f} {errors:>7}", rps


def report(results) -> None:
    print(f"\n{'run':<22} {'scenario':<8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    overall = {}
    for label, stats, elapsed in results:
        for scenario in sorted(stats.times):
            print(_row(label, scenario, stats.times[scenario], stats.errors[scenario], elapsed)[0])
        everything = [t for ts in stats.times.values() for t in ts]
        line, rps = _row(label, "ALL", everything, sum(stats.errors.values()), elapsed)
        print(line)
        overall[label] = (rps, stats)
    print("\nratios")
    for label, (rps, _stats) in overall.items():
        if label.startswith("bare"):
            continue
        workers = label.rsplit(" ", 1)[1]
        bare_rps = overall.get(f"bare {workers}", (0, None))[0]
        if bare_rps:
            print(f"  {label}: the mix at {rps / bare_rps:.2f} of the bare endpoint's throughput")
        one = overall.get(label.replace(" 2w", " 1w"))
        if workers == "2w" and one and one[0]:
            print(f"  {label}: 2 workers / 1 worker = {rps / one[0]:.2f}")
    bare1, bare2 = overall.get("bare 1w"), overall.get("bare 2w")
    if bare1 and bare2 and bare1[0]:
        print(f"  bare: 2 workers / 1 worker = {bare2[0] / bare1[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
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
            results.append(
                measure(f"bare {workers}w", cmd, env, "/ping", [("bare", 1)], args.users, args.duration)
            )
            print(f"measured {results[-1][0]}", file=sys.stderr)
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
                label = f"{backend} {workers}w"
                results.append(
                    measure(
                        label,
                        cmd,
                        {**env, "HETAO_DATABASE_URL": url},
                        "/readyz",
                        MIX,
                        args.users,
                        args.duration,
                    )
                )
                print(f"measured {label}", file=sys.stderr)
    finally:
        if pg_name:
            admin = create_engine(args.pg_admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))
            admin.dispose()
        shutil.rmtree(scratch, ignore_errors=True)
    report(results)


if __name__ == "__main__":
    main()
