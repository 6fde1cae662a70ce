"""The append-only, hash-chained audit log of case events, and its verification."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hetao.cases.models import AuditHead, CaseEvent
from hetao.core.errors import Conflict

GENESIS = "0" * 64


def _canonical_time(at: datetime) -> str:
    """UTC, whole seconds, no zone: the same text whether the database kept the zone or not."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC)
    return at.replace(tzinfo=None, microsecond=0).isoformat()


def entry_hash(prev_hash: str, *, seq, case_id, task_id, actor_id, at, action, before, after) -> str:
    payload = json.dumps(
        {
            "seq": seq,
            "case": case_id,
            "task": task_id,
            "actor": actor_id,
            "at": _canonical_time(at),
            "action": action,
            "before": before,
            "after": after,
            "prev": prev_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _head(session: Session) -> AuditHead:
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update().execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if head is not None:
        return head
    try:
        with session.begin_nested():
            session.add(AuditHead(id=1, seq=0, hash=GENESIS))
    except IntegrityError:
        pass
    return session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update().execution_options(populate_existing=True)
    ).scalar_one()


def record(
    session: Session,
    *,
    case_id: str,
    action: str,
    at: datetime,
    actor_id: str | None,
    task_id: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> CaseEvent:
    """Append one event in the caller's transaction (rolled back with it)."""
    for _ in range(50):
        head = _head(session)
        seq = head.seq + 1
        digest = entry_hash(
            head.hash,
            seq=seq,
            case_id=case_id,
            task_id=task_id,
            actor_id=actor_id,
            at=at,
            action=action,
            before=before,
            after=after,
        )
        moved = session.execute(
            update(AuditHead)
            .where(AuditHead.id == 1, AuditHead.seq == head.seq)
            .values(seq=seq, hash=digest)
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount == 1:
            event = CaseEvent(
                seq=seq,
                case_id=case_id,
                task_id=task_id,
                actor_id=actor_id,
                at=at.replace(microsecond=0),
                action=action,
                before=before,
                after=after,
                prev_hash=head.hash,
                hash=digest,
            )
            session.add(event)
            session.flush()
            return event
    raise Conflict()


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    #: The sequence number of the first entry that was edited, is missing or is out of place.
    first_bad: int | None = None
    problem: str = ""


def verify(session: Session) -> Verification:
    """Walk the whole chain: every entry's hash must match its content and its predecessor, numbers
    must run 1, 2, 3 … without gaps, and the head must point at the last entry."""
    prev, expected, checked = GENESIS, 1, 0
    for event in session.scalars(select(CaseEvent).order_by(CaseEvent.seq)).yield_per(500):
        if event.seq != expected:
            return Verification(False, checked, expected, f"entry {expected} is missing")
        if event.prev_hash != prev:
            return Verification(False, checked, event.seq, "the link to the previous entry is broken")
        digest = entry_hash(
            prev,
            seq=event.seq,
            case_id=event.case_id,
            task_id=event.task_id,
            actor_id=event.actor_id,
            at=event.at,
            action=event.action,
            before=event.before,
            after=event.after,
        )
        if digest != event.hash:
            return Verification(False, checked, event.seq, "the entry was changed after it was written")
        prev, expected, checked = event.hash, expected + 1, checked + 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != checked or head.hash != prev):
        return Verification(False, checked, checked + 1, "entries after the last one found are missing")
    return Verification(True, checked)


def events_of(session: Session, case_id: str) -> list[CaseEvent]:
    return list(
        session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq))
    )
