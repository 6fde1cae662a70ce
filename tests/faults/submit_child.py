"""Run by test_killed_submission.py in a child process: submit a case and, with ``--hang``, stop
inside the transaction after every row of the submission was written (flushed) but before the
commit, announce it in MARKER and wait to be killed. No hook in the application: the pause is here."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from hetao import accounts, cases
from hetao.core.db import utcnow
from hetao.core.settings import Settings
from hetao.storage.database import make_engine, make_session_factory, unit_of_work


def main(url: str, case_id: str, email: str, marker: str, hang: bool) -> None:
    engine = make_engine(Settings(database_url=url))
    with unit_of_work(make_session_factory(engine), write=True) as session:
        applicant = accounts.principal_for(accounts.user_by_email(session, email))
        case = cases.submit(session, applicant, case_id, version=None, now=utcnow())
        session.flush()
        ready = sum(1 for t in case.tasks if t.state == "ready")
        events = session.scalar(select(func.count()).select_from(cases.CaseEvent))
        if hang:
            Path(marker).write_text(f"{case.reference} {ready} {events}")
            time.sleep(120)  # killed here, inside the transaction
    Path(marker).write_text("committed")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], "--hang" in sys.argv[5:])
