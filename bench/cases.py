"""Time to submit an application and to load an officer's queue holding 10,000 tasks, beside a bare
endpoint measured in the same run.

    .venv/bin/python bench/cases.py [--tasks 10000] [--requests 50] [--database-url URL]

Builds a fresh database (SQLite file unless --database-url names an empty PostgreSQL database),
loads the sample catalogue, signs up an applicant and one officer of the market-regulation bureau,
fills the bureau's queue with --tasks open tasks (bulk-inserted submitted cases), then over HTTP:
  * submit: a complete draft (all fields, all documents uploaded) → submitted case, end to end;
  * queue: GET /en/officer/tasks (first page of 50, most urgent first) with the full queue;
  * task: GET one task page;
and prints p50/p95 and the ratio to a bare FastAPI endpoint. Figures, not assertions."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI
from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.cases.helpers (sample values)
PASSWORD = "bench passphrase 2026"


def _serve(app, port: int) -> uvicorn.Server:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server


def _timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def _report(name: str, times: list[float], bare_p50: float) -> None:
    times = sorted(times)
    p50 = statistics.median(times)
    p95 = times[int(len(times) * 0.95) - 1] if len(times) >= 20 else times[-1]
    print(
        f"{name:<28} n={len(times):<5} p50 {p50 * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  ×{p50 / bare_p50:5.1f} of bare p50"
    )


def _csrf(client: httpx.Client, url: str) -> str:
    import re

    return re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get(url).text).group(1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    from tests.cases.helpers import ANSWERS, PDF, VALID, company_plan

    from hetao import accounts, cases
    from hetao.app import create_app
    from hetao.catalog import load_sample
    from hetao.core.db import utcnow
    from hetao.core.settings import Settings
    from hetao.directory import Organization
    from hetao.storage.database import make_engine, make_session_factory, unit_of_work
    from hetao.storage.migrate import upgrade

    tmp = Path(tempfile.mkdtemp())
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    settings = Settings(database_url=url, upload_dir=str(tmp / "uploads"), outbox_interval=0)
    engine = make_engine(settings)
    upgrade(engine)
    factory = make_session_factory(engine)
    now = utcnow()
    with unit_of_work(factory) as s:
        load_sample(s)
        for email in ("applicant@example.org", "officer@example.org"):
            accounts.sign_up(
                s, email=email, display_name=email, password=PASSWORD, confirm=PASSWORD, locale="en", now=now
            )
        amr = s.scalar(select(Organization.id).where(Organization.slug == "futian-amr"))
        accounts.grant_role(s, None, email="officer@example.org", role="officer", department_id=amr, now=now)
        applicant_id = accounts.user_by_email(s, "applicant@example.org").id

    t0 = time.perf_counter()
    batch = 1000
    with unit_of_work(factory) as s:
        for start in range(0, args.tasks, batch):
            case_rows, task_rows = [], []
            for i in range(start, min(start + batch, args.tasks)):
                case_id = str(uuid.uuid4())
                case_rows.append(
                    {
                        "id": case_id,
                        "reference": f"HT-2025-{i + 1:06d}",
                        "applicant_id": applicant_id,
                        "journey": "company-setup",
                        "title": {"en": "Bench"},
                        "answers": {},
                        "values": {},
                        "status": "submitted",
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                        "submitted_at": now,
                    }
                )
                task_rows.append(
                    {
                        "id": str(uuid.uuid4()),
                        "case_id": case_id,
                        "position": 0,
                        "item_key": "hk-invested-company-registration",
                        "names": {"en": "Registration"},
                        "department_id": amr,
                        "after": [],
                        "fields": [],
                        "documents": [],
                        "document_names": {},
                        "time_limit_days": 3,
                        "time_limit_unit": "working_day",
                        "state": "ready",
                        "version": 1,
                        "due_on": date(2026, 1, 1) + timedelta(days=i % 400),
                        "ready_at": now,
                    }
                )
            s.execute(insert(cases.Case), case_rows)
            s.execute(insert(cases.Task), task_rows)
    print(
        f"Inserted {args.tasks} open tasks for one department in {time.perf_counter() - t0:.1f} s ({engine.dialect.name})"
    )

    app = create_app(settings, engine=engine)
    _serve(app, 8771)
    bare = FastAPI()

    @bare.get("/bare")
    def bare_endpoint():
        return {"ok": True}

    _serve(bare, 8772)
    base = "http://127.0.0.1:8771"
    with httpx.Client(base_url="http://127.0.0.1:8772") as c:
        bare_times = _timed(lambda: c.get("/bare").raise_for_status(), max(args.requests, 200))
    bare_p50 = statistics.median(bare_times)
    print(f"{'bare endpoint':<28} p50 {bare_p50 * 1000:7.2f} ms")

    def signed_in(email: str) -> httpx.Client:
        client = httpx.Client(base_url=base, timeout=60, follow_redirects=True)
        token = _csrf(client, "/en/account/sign-in")
        client.post(
            "/en/account/sign-in", data={"csrf_token": token, "email": email, "password": PASSWORD}
        ).raise_for_status()
        return client

    applicant = signed_in("applicant@example.org")
    officer = signed_in("officer@example.org")

    # Prepare complete drafts directly, then submit each over HTTP.
    drafts = []
    with unit_of_work(factory) as s:
        who = accounts.principal_for(accounts.user_by_email(s, "applicant@example.org"))
        for _ in range(args.requests):
            journey, plan = company_plan(s)
            case = cases.start_application(s, who, journey=journey, answers=ANSWERS, plan=plan, now=now)
            cases.save_answers(
                s, who, case.id, {f: VALID[f] for f in cases.needed_fields(case)}, version=None, now=now
            )
            for code in cases.needed_documents(case):
                cases.attach_document(
                    s, who, case.id, code=code, data=PDF, filename="a.pdf", root=tmp / "uploads", now=now
                )
            drafts.append((case.id, case.version))
    token = _csrf(applicant, f"/en/cases/{drafts[0][0]}")
    pending = iter(drafts)

    def submit_one():
        case_id, version = next(pending)
        r = applicant.post(f"/en/cases/{case_id}/submit", data={"csrf_token": token, "version": str(version)})
        assert r.status_code == 200 and "submitted" in str(r.url), r.status_code

    _report("submit an application", _timed(submit_one, args.requests), bare_p50)
    _report(
        f"officer queue ({args.tasks} tasks)",
        _timed(lambda: officer.get("/en/officer/tasks").raise_for_status(), args.requests),
        bare_p50,
    )
    _report(
        "overdue filter",
        _timed(lambda: officer.get("/en/officer/tasks?overdue=1").raise_for_status(), args.requests),
        bare_p50,
    )
    with unit_of_work(factory) as s:
        task_id = s.scalar(select(cases.Task.id).where(cases.Task.department_id == amr).limit(1))
    _report(
        "task page",
        _timed(lambda: officer.get(f"/en/officer/tasks/{task_id}").raise_for_status(), args.requests),
        bare_p50,
    )


if __name__ == "__main__":
    main()
