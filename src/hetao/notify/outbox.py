"""Writing to the outbox (inside the caller's transaction) and delivering what is due."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from hetao.core.db import utcnow
from hetao.notify.mail import Mail, MailBackend
from hetao.notify.models import OutboxMessage

MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)


def enqueue(
    session: Session,
    *,
    kind: str,
    locale: str,
    subject: str,
    body: str,
    to_address: str | None = None,
    user_id: str | None = None,
    secret: bool = False,
    due_at: datetime | None = None,
) -> OutboxMessage:
    """Add a message to the outbox; it is sent only if the caller's transaction commits, and not
    before ``due_at`` when given."""
    message = OutboxMessage(
        kind=kind,
        locale=locale,
        subject=subject[:200],
        body=body,
        to_address=to_address,
        user_id=user_id,
        secret=secret,
        due_at=due_at,
        attempts=0,
        created_at=utcnow(),
    )
    session.add(message)
    session.flush()
    return message


def _due(now: datetime):
    return (
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.to_address.is_not(None),
        OutboxMessage.attempts < MAX_ATTEMPTS,
        or_(OutboxMessage.due_at.is_(None), OutboxMessage.due_at <= now),
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
    )


def claim_due(session: Session, now: datetime, limit: int = 50) -> list[OutboxMessage]:
    """Claim up to ``limit`` due messages with a lease. A conditional UPDATE per message makes the
    claim atomic on every database: of two senders racing for one message, one gets it. On
    PostgreSQL the candidates are read ``FOR UPDATE SKIP LOCKED``, so racing senders take different
    messages instead of waiting for each other. On SQLite the transaction should hold the write lock
    from its start (as :func:`deliver_due`'s does): a claim reads, then writes."""
    candidates = select(OutboxMessage.id).where(*_due(now)).order_by(OutboxMessage.created_at).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = session.scalars(candidates).all()
    claimed = []
    for message_id in ids:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, *_due(now))
            .values(claimed_until=now + LEASE, attempts=OutboxMessage.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(message_id)
    if not claimed:
        return []
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.id.in_(claimed))
            .order_by(OutboxMessage.created_at)
            .execution_options(populate_existing=True)
        )
    )


def _still_ours(factory: sessionmaker[Session], message_id: str, attempt: int, now: datetime) -> bool:
    """Renew the lease of a claimed message just before sending it, if it is still ours: not sent,
    and not claimed again since (``attempts`` counts claims, so it fences out a sender whose lease
    ran out while it worked through a long batch)."""
    with factory() as session, session.begin():
        result = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.attempts == attempt,
                OutboxMessage.sent_at.is_(None),
            )
            .values(claimed_until=now + LEASE)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1


def deliver_due(
    factory: sessionmaker[Session],
    backend: MailBackend,
    *,
    limit: int = 50,
    clock: Callable[[], datetime] = utcnow,
) -> int:
    """Send the due messages; returns how many were sent. Each message is marked sent in its own
    transaction after the backend accepted it (at least once: a crash between the two re-sends).
    Its lease is renewed just before it is sent, so a slow batch never lets a second sender take a
    message this one is about to send. ``clock`` tells the time (tests pass a fixed one)."""
    with factory() as session, session.begin():
        session.connection(execution_options={"write": True})
        batch = [
            (m.id, m.attempts, m.to_address, m.subject, m.body) for m in claim_due(session, clock(), limit)
        ]
    sent = 0
    for message_id, attempt, to, subject, body in batch:
        if not _still_ours(factory, message_id, attempt, clock()):
            continue
        try:
            backend.send(Mail(to=to or "", subject=subject, body=body, message_id=message_id))
        except Exception as exc:  # noqa: BLE001 - any delivery failure is recorded and retried later
            with factory() as session, session.begin():
                session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == message_id)
                    .values(last_error=f"{type(exc).__name__}: {exc}"[:500], claimed_until=None)
                )
            continue
        with factory() as session, session.begin():
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id)
                .values(sent_at=utcnow(), claimed_until=None, last_error=None)
            )
        sent += 1
    return sent


def withdraw(session: Session, message_id: str) -> bool:
    """Take back a message not sent yet (a reminder of a visit that was cancelled or moved);
    returns whether it was withdrawn. A message already sent stays as it is."""
    result = session.execute(
        delete(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def messages_for(session: Session, user_id: str, limit: int = 50) -> list[OutboxMessage]:
    """The messages the site shows a person (newest first; secret ones and those not due yet are
    never shown)."""
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.user_id == user_id,
                OutboxMessage.secret.is_(False),
                or_(OutboxMessage.due_at.is_(None), OutboxMessage.due_at <= utcnow()),
            )
            .order_by(OutboxMessage.created_at.desc())
            .limit(limit)
        )
    )
