"""Retention: what ``hetao purge`` deletes or anonymises once its period is over.

Each kind of data is handled in batches, one transaction per batch when given a session factory
(or all in the caller's transaction when given a session). Running it twice changes nothing the
second time. Files are removed from the upload directory only after the transaction that marked
them purged has committed, so a rolled-back purge never leaves a row without its file; a file left
behind by a crash is picked up by the next run (``orphan_files``).

The audit log is never edited: deleting a draft or removing the files of a case appends an event
(``case.purged``, ``document.purged``) to the chain, which therefore still verifies.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import and_, delete, event, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from hetao.accounts import PasswordResetToken, SignInFailure, User, WebSession
from hetao.accounts.people import SESSION_IDLE, THROTTLE_WINDOW
from hetao.cases import Case, CaseDocument, Rating, Supplement, Task, Upload, audit, path_for
from hetao.core.settings import Settings, load_settings
from hetao.hall import Appointment, AppointmentItem, AppointmentState, Ticket
from hetao.hall.tickets import local_day
from hetao.notify.models import OutboxMessage

#: Case statuses after which nothing more happens to a case.
CLOSED_STATUSES = ("completed", "withdrawn")
#: How long a file in the upload directory without a row may be young (an upload in progress).
ORPHAN_GRACE = timedelta(days=1)
BATCH_SIZE = 500
#: Name prefix of a file taken aside by a purge until its transaction ends.
TRASH_PREFIX = ".purge-"

#: The kinds ``purge`` reports, in the order it handles them.
KINDS = (
    "drafts",
    "documents",
    "closed_account_cases",
    "outbox_messages",
    "sessions",
    "reset_tokens",
    "sign_in_failures",
    "tickets",
    "appointments",
    "files",
)


@dataclass(frozen=True)
class RetentionPolicy:
    """The retention periods, in days (settings ``HETAO_RETENTION_*``)."""

    draft_days: int = 90
    document_days: int = 730
    outbox_days: int = 90
    ticket_days: int = 30
    appointment_days: int = 180

    @classmethod
    def from_settings(cls, settings: Settings) -> RetentionPolicy:
        return cls(
            draft_days=settings.retention_draft_days,
            document_days=settings.retention_document_days,
            outbox_days=settings.retention_outbox_days,
            ticket_days=settings.retention_ticket_days,
            appointment_days=settings.retention_appointment_days,
        )


@dataclass
class PurgeReport:
    """How many of each kind were (or, in a dry run, would be) deleted or anonymised."""

    dry_run: bool
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _utc(now: datetime) -> datetime:
    return now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)


# --- files ------------------------------------------------------------------------------------


def unreferenced_uploads(session: Session, upload_ids: set[str]) -> set[str]:
    """Of ``upload_ids``, those no document still in use refers to (safe to remove from disk)."""
    if not upload_ids:
        return set()
    used = set(
        session.scalars(
            select(CaseDocument.upload_id).where(
                CaseDocument.upload_id.in_(upload_ids), CaseDocument.purged_at.is_(None)
            )
        )
    )
    return upload_ids - used


def remove_files_after_commit(session: Session, root: Path, upload_ids: set[str]) -> None:
    """Take the files of ``upload_ids`` away now (renamed aside, while the upload rows are locked) and
    delete them once the session's transaction commits; on rollback they are put back. An upload of
    the same content after our commit finds the file missing and writes it again."""
    if not upload_ids:
        return
    moved: list[tuple[Path, Path]] = []
    for digest in sorted(upload_ids):
        path = path_for(root, digest)
        aside = path.with_name(TRASH_PREFIX + digest)
        try:
            os.replace(path, aside)
        except FileNotFoundError:
            continue
        os.utime(aside)  # young: the orphan scan leaves it to this transaction
        moved.append((path, aside))
    if not moved:
        return
    settled = False

    def _committed(_session: Session) -> None:
        nonlocal settled
        if not settled:
            settled = True
            for _path, aside in moved:
                aside.unlink(missing_ok=True)

    def _ended(_session: Session, transaction) -> None:
        # The outermost transaction ended without a commit: it rolled back, put the files back.
        nonlocal settled
        if transaction.parent is None and not settled:
            settled = True
            for path, aside in moved:
                if aside.exists() and not path.exists():
                    os.replace(aside, path)

    event.listen(session, "after_commit", _committed, once=True)
    event.listen(session, "after_transaction_end", _ended)


def _lock_uploads(session: Session, upload_ids: set[str]) -> None:
    """Lock the upload rows (PostgreSQL) so a concurrent attach of the same content waits for us, and
    re-reads afterwards whether the file is still there (``uploads.store`` rewrites a missing file)."""
    if upload_ids and session.get_bind().dialect.name != "sqlite":
        session.execute(select(Upload.id).where(Upload.id.in_(upload_ids)).with_for_update())


# --- the kinds --------------------------------------------------------------------------------


def _expired_drafts(cutoff: datetime):
    """Drafts neither edited nor given a document since ``cutoff`` (an upload does not move
    ``updated_at``)."""
    recent_upload = (
        select(CaseDocument.id)
        .where(CaseDocument.case_id == Case.id, CaseDocument.uploaded_at >= cutoff)
        .exists()
    )
    return select(Case.id).where(Case.status == "draft", Case.updated_at < cutoff, ~recent_upload)


def delete_cases(session: Session, case_ids: list[str], *, now: datetime, reason: str, root: Path) -> None:
    """Delete cases with their tasks, supplements and document rows; their files go after commit
    (when no other case uses the same content). The audit log gets a ``case.purged`` event each."""
    if not case_ids:
        return
    uploads = set(session.scalars(select(CaseDocument.upload_id).where(CaseDocument.case_id.in_(case_ids))))
    task_ids = select(Task.id).where(Task.case_id.in_(case_ids))
    session.execute(delete(Supplement).where(Supplement.task_id.in_(task_ids)))
    session.execute(delete(Task).where(Task.case_id.in_(case_ids)))
    session.execute(delete(CaseDocument).where(CaseDocument.case_id.in_(case_ids)))
    session.execute(delete(Rating).where(Rating.case_id.in_(case_ids)))
    session.execute(delete(Case).where(Case.id.in_(case_ids)).execution_options(synchronize_session="fetch"))
    for case_id in case_ids:
        audit.record(
            session, case_id=case_id, action="case.purged", at=now, actor_id=None, after={"reason": reason}
        )
    session.flush()
    _lock_uploads(session, uploads)
    remove_files_after_commit(session, root, unreferenced_uploads(session, uploads))


def _closed_before(cutoff: datetime):
    closed_at = func.coalesce(Case.completed_at, Case.updated_at)
    return and_(Case.status.in_(CLOSED_STATUSES), closed_at < cutoff)


def _expired_documents(cutoff: datetime):
    return (
        select(CaseDocument.id)
        .join(Case, Case.id == CaseDocument.case_id)
        .where(CaseDocument.purged_at.is_(None), _closed_before(cutoff))
    )


def purge_documents(session: Session, document_ids: list[int], *, now: datetime, root: Path) -> None:
    """Mark documents purged (an audit event per case lists their codes); files go after commit."""
    documents = list(session.scalars(select(CaseDocument).where(CaseDocument.id.in_(document_ids))))
    by_case: dict[str, list[str]] = {}
    for document in documents:
        document.purged_at = now
        by_case.setdefault(document.case_id, []).append(document.code)
    session.flush()
    for case_id, codes in sorted(by_case.items()):
        audit.record(
            session,
            case_id=case_id,
            action="document.purged",
            at=now,
            actor_id=None,
            after={"codes": sorted(codes), "reason": "retention"},
        )
    uploads = {d.upload_id for d in documents}
    _lock_uploads(session, uploads)
    remove_files_after_commit(session, root, unreferenced_uploads(session, uploads))


def _closed_account_cases():
    closed_users = select(User.id).where(User.closed_at.is_not(None))
    return select(Case.id).where(
        Case.applicant_id.in_(closed_users), Case.status.in_(CLOSED_STATUSES), Case.scrubbed_at.is_(None)
    )


def scrub_cases(session: Session, case_ids: list[str], *, now: datetime) -> None:
    """Remove the answers and form values of closed cases of closed accounts (the case itself, its
    steps, decisions, score and audit trail stay for as long as retention requires; a rating's
    free-text comment goes with the answers)."""
    session.execute(update(Rating).where(Rating.case_id.in_(case_ids)).values(comment=None))
    for case in session.scalars(select(Case).where(Case.id.in_(case_ids))):
        case.answers, case.values, case.scrubbed_at = {}, {}, now
        audit.record(
            session,
            case_id=case.id,
            action="case.scrubbed",
            at=now,
            actor_id=None,
            after={"reason": "account_closed"},
        )
    session.flush()


def _old_outbox(cutoff: datetime):
    return select(OutboxMessage.id).where(OutboxMessage.sent_at.is_not(None), OutboxMessage.sent_at < cutoff)


def _expired_sessions(now: datetime):
    return select(WebSession.id).where(
        or_(WebSession.expires_at <= now, WebSession.last_seen_at <= now - SESSION_IDLE)
    )


def _expired_reset_tokens(now: datetime):
    return select(PasswordResetToken.id).where(
        or_(PasswordResetToken.expires_at <= now, PasswordResetToken.used_at.is_not(None))
    )


def _old_failures(now: datetime):
    return select(SignInFailure.id).where(SignInFailure.at < now - THROTTLE_WINDOW)


def _old_tickets(now: datetime, days: int):
    first_kept = local_day(now) - timedelta(days=days)
    return select(Ticket.id).where(
        Ticket.day < first_kept, or_(Ticket.holder_id.is_not(None), Ticket.appointment_code.is_not(None))
    )


def _old_cancelled_appointments(cutoff: datetime):
    return select(Appointment.id).where(
        Appointment.state == AppointmentState.cancelled, Appointment.cancelled_at < cutoff
    )


# --- the run ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    name: str
    candidates: Callable[[], object]
    apply: Callable[[Session, list], None]


def _kinds(now: datetime, policy: RetentionPolicy, root: Path) -> list[_Kind]:
    return [
        _Kind(
            "drafts",
            lambda: _expired_drafts(now - timedelta(days=policy.draft_days)),
            lambda s, ids: delete_cases(s, ids, now=now, reason="draft_expired", root=root),
        ),
        _Kind(
            "documents",
            lambda: _expired_documents(now - timedelta(days=policy.document_days)),
            lambda s, ids: purge_documents(s, ids, now=now, root=root),
        ),
        _Kind("closed_account_cases", _closed_account_cases, lambda s, ids: scrub_cases(s, ids, now=now)),
        _Kind(
            "outbox_messages",
            lambda: _old_outbox(now - timedelta(days=policy.outbox_days)),
            lambda s, ids: s.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids))),
        ),
        _Kind(
            "sessions",
            lambda: _expired_sessions(now),
            lambda s, ids: s.execute(delete(WebSession).where(WebSession.id.in_(ids))),
        ),
        _Kind(
            "reset_tokens",
            lambda: _expired_reset_tokens(now),
            lambda s, ids: s.execute(delete(PasswordResetToken).where(PasswordResetToken.id.in_(ids))),
        ),
        _Kind(
            "sign_in_failures",
            lambda: _old_failures(now),
            lambda s, ids: s.execute(delete(SignInFailure).where(SignInFailure.id.in_(ids))),
        ),
        _Kind(
            "tickets",
            lambda: _old_tickets(now, policy.ticket_days),
            lambda s, ids: s.execute(
                update(Ticket)
                .where(Ticket.id.in_(ids))
                .values(holder_id=None, appointment_code=None)
                .execution_options(synchronize_session=False)
            ),
        ),
        _Kind(
            "appointments",
            lambda: _old_cancelled_appointments(now - timedelta(days=policy.appointment_days)),
            lambda s, ids: (
                s.execute(delete(AppointmentItem).where(AppointmentItem.appointment_id.in_(ids))),
                s.execute(delete(Appointment).where(Appointment.id.in_(ids))),
            ),
        ),
    ]


def orphan_files(session: Session, root: Path, *, now: datetime) -> list[Path]:
    """Files in the upload directory older than a day that no document in use refers to: left by
    an upload whose transaction rolled back, or by a purge interrupted after its commit."""
    if not root.is_dir():
        return []
    found: dict[str, Path] = {}
    leftovers: list[Path] = []
    oldest = _utc(now).timestamp() - ORPHAN_GRACE.total_seconds()
    #: Left-overs are judged by the real clock: their age is the file system's.
    oldest_leftover = time.time() - ORPHAN_GRACE.total_seconds()
    for sub in root.iterdir():
        if not sub.is_dir() or len(sub.name) != 2:
            continue
        for path in sub.iterdir():
            if not path.is_file():
                continue
            modified = path.stat().st_mtime
            if path.name.startswith("."):  # a temporary upload or a purge's file set aside, left by a crash
                if modified < oldest_leftover:
                    leftovers.append(path)
            elif modified < oldest:
                found[path.name] = path
    if not found:
        return sorted(leftovers)
    unused = set()
    names = sorted(found)
    for start in range(0, len(names), BATCH_SIZE):
        unused |= unreferenced_uploads(session, set(names[start : start + BATCH_SIZE]))
    return sorted(leftovers) + [found[name] for name in sorted(unused)]


@contextmanager
def _transaction(target: Session | sessionmaker[Session], *, write: bool) -> Iterator[Session]:
    """A session for one batch: from a factory, a new transaction committed at the end (or, when
    not ``write``, rolled back); else the caller's session and transaction."""
    if isinstance(target, Session):
        yield target
        return
    session = target()
    try:
        if not write:
            yield session
            session.rollback()
            return
        with session.begin():
            if session.get_bind().dialect.name == "sqlite":
                session.connection(execution_options={"write": True})
            yield session
    finally:
        session.close()


def purge(
    target: Session | sessionmaker[Session],
    *,
    now: datetime,
    dry_run: bool = False,
    policy: RetentionPolicy | None = None,
    upload_dir: Path | str | None = None,
    batch_size: int = BATCH_SIZE,
) -> PurgeReport:
    """Delete or anonymise everything whose retention period is over at ``now``.

    ``target`` is a session factory (each batch of up to ``batch_size`` rows is its own committed
    transaction: the periodic job) or a session (everything happens in the caller's transaction;
    files are removed when it commits). ``policy`` and ``upload_dir`` default to the settings
    (``HETAO_RETENTION_*``, ``HETAO_UPLOAD_DIR``). ``dry_run`` counts what would go and changes
    nothing. Returns the counts per kind; a second run at the same ``now`` finds nothing."""
    settings = load_settings() if policy is None or upload_dir is None else None
    policy = policy or RetentionPolicy.from_settings(settings)  # type: ignore[arg-type]
    root = Path(upload_dir if upload_dir is not None else settings.upload_dir)  # type: ignore[union-attr]
    now = _utc(now)
    report = PurgeReport(dry_run=dry_run)
    for kind in _kinds(now, policy, root):
        if dry_run:
            with _transaction(target, write=False) as session:
                query = kind.candidates()
                report.counts[kind.name] = session.scalar(
                    select(func.count()).select_from(query.subquery())  # type: ignore[attr-defined]
                )
            continue
        done: set = set()
        while True:
            with _transaction(target, write=True) as session:
                ids = list(session.scalars(kind.candidates().limit(batch_size)))  # type: ignore[attr-defined]
                if ids and not done.intersection(ids):
                    kind.apply(session, ids)
                    session.flush()
            if not ids or done.intersection(ids):
                break
            report.counts[kind.name] += len(ids)
            done.update(ids)
    with _transaction(target, write=False) as session:
        files = orphan_files(session, root, now=now)
    report.counts["files"] = len(files)
    if not dry_run:
        for path in files:
            path.unlink(missing_ok=True)
    return report


__all__ = [
    "CLOSED_STATUSES",
    "KINDS",
    "PurgeReport",
    "RetentionPolicy",
    "delete_cases",
    "orphan_files",
    "purge",
    "remove_files_after_commit",
    "scrub_cases",
    "unreferenced_uploads",
]
