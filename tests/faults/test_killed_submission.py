"""A process SIGKILLed in the middle of a submission leaves no half-written case: after the kill the
case is still a draft with untouched tasks and no reference, and the audit chain verifies; the same
submission run to its end leaves it submitted with all its tasks. On SQLite (a file) and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from hetao import cases
from hetao.catalog import load_sample
from hetao.core.db import utcnow
from hetao.core.settings import Settings
from hetao.storage.database import make_engine, make_session_factory, unit_of_work
from hetao.storage.migrate import upgrade
from tests.cases.helpers import ANSWERS, PDF, VALID, company_plan, person

pytestmark = pytest.mark.faults
ROOT = Path(__file__).resolve().parents[2]


def _filled_draft(url: str, upload_root: Path) -> str:
    engine = make_engine(Settings(database_url=url))
    upgrade(engine)
    factory = make_session_factory(engine)
    with unit_of_work(factory, write=True) as s:
        load_sample(s)
    with unit_of_work(factory, write=True) as s:
        applicant = person(s, "founder@example.org")
        journey, plan = company_plan(s)
        case = cases.start_application(
            s, applicant, journey=journey, answers=ANSWERS, plan=plan, now=utcnow()
        )
        fields = cases.needed_fields(case)
        cases.save_answers(s, applicant, case.id, {f: VALID[f] for f in fields}, version=None, now=utcnow())
        for code in cases.needed_documents(case):
            cases.attach_document(
                s,
                applicant,
                case.id,
                code=code,
                data=PDF,
                filename=f"{code}.pdf",
                root=upload_root,
                now=utcnow(),
            )
        case_id = case.id
    engine.dispose()
    return case_id


def _child(url: str, case_id: str, marker: Path, *, hang: bool) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    args = [
        sys.executable,
        "-m",
        "tests.faults.submit_child",
        url,
        case_id,
        "founder@example.org",
        str(marker),
    ]
    return subprocess.Popen(args + (["--hang"] if hang else []), env=env, cwd=ROOT)


def _state(url: str, case_id: str):
    engine = make_engine(Settings(database_url=url))
    with unit_of_work(make_session_factory(engine)) as s:
        case = s.get(cases.Case, case_id)
        result = (
            case.status,
            case.reference,
            sorted(t.state for t in case.tasks),
            len(cases.events_of(s, case_id)),
            cases.audit.verify(s),
        )
    engine.dispose()
    return result


def test_a_submission_killed_before_its_commit_leaves_the_draft_whole(empty_db_url, tmp_path):
    case_id = _filled_draft(empty_db_url, tmp_path / "uploads")
    status, reference, tasks_before, events_before, chain = _state(empty_db_url, case_id)
    assert status == "draft" and reference is None and chain.ok

    marker = tmp_path / "inside"
    child = _child(empty_db_url, case_id, marker, hang=True)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, "the submitting process ended before the pause"
            assert time.monotonic() < deadline, "the submitting process never reached the pause"
            time.sleep(0.1)
        time.sleep(0.1)  # the marker is written in one call; let it finish
        reference_inside, ready_inside, _events = marker.read_text().split()
        # Inside the transaction, the submission had written its reference and readied tasks …
        assert reference_inside.startswith("HT-") and int(ready_inside) >= 1
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=20)
    assert child.returncode == -signal.SIGKILL

    # … and none of it survived the kill: the case is the same draft, the audit chain is intact.
    status, reference, tasks, events, chain = _state(empty_db_url, case_id)
    assert (status, reference, tasks, events) == ("draft", None, tasks_before, events_before)
    assert chain.ok, chain.problem

    # The same submission, not interrupted, commits all of it (so the check above can fail).
    done = tmp_path / "done"
    child = _child(empty_db_url, case_id, done, hang=False)
    assert child.wait(timeout=60) == 0 and done.read_text() == "committed"
    status, reference, tasks, events, chain = _state(empty_db_url, case_id)
    assert status == "submitted" and reference == reference_inside
    assert tasks.count("ready") == int(ready_inside) and "planned" not in tasks
    assert events == events_before + 1 and chain.ok, chain.problem


def test_the_case_rows_of_a_killed_submission_are_not_locked_afterwards(empty_db_url, tmp_path):
    """The killed process's transaction is gone, not merely invisible: a new writer gets the case at
    once (SQLite's write lock and PostgreSQL's row locks died with the process)."""
    case_id = _filled_draft(empty_db_url, tmp_path / "uploads")
    marker = tmp_path / "inside"
    child = _child(empty_db_url, case_id, marker, hang=True)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=20)
    engine = make_engine(Settings(database_url=empty_db_url))
    with unit_of_work(make_session_factory(engine), write=True) as s:
        case = s.scalar(select(cases.Case).where(cases.Case.id == case_id).with_for_update())
        case.version += 1
    engine.dispose()
