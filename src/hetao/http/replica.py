"""Which requests read the read replica (``HETAO_DATABASE_REPLICA_URL``), and the way back to the
primary when the replica fails.

A request's one unit of work (:func:`hetao.http.deps.db_session`) is opened on the replica when all
of these hold, and on the primary otherwise:

- the app has a replica (``app.state.replica``) and it is not resting after a failure;
- the method is ``GET`` or ``HEAD``;
- no session cookie came with it: a signed-in person must read their own writes, which a replica
  may not have received yet;
- its route declares :func:`replica_ok` among its dependencies (its own or its router's): its answer
  depends only on the public catalogue and directory, and it writes nothing. The replica's
  transactions are read-only, so a route marked by mistake fails loudly instead of writing there;
- this is not the second run of a request whose first run failed on the replica.

When a run that read the replica fails because the database is unavailable (refused, dropped,
timed out), the outage middleware asks :func:`fall_back_to_primary`: the replica then rests for
``REPLICA_REST_SECONDS`` (its reads go to the primary meanwhile) and the request runs once more, on
the primary. A dead replica so costs a visitor nothing but one failed attempt."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import cookie_parser
from starlette.types import Scope

from hetao.http.sessions import SESSION_COOKIE
from hetao.storage.database import Replica

#: Scope key: the current run's unit of work was opened on the replica.
REPLICA_USED = "hetao.replica_used"
#: Scope key: the replica failed during this request; its second run reads the primary.
PRIMARY_ONLY = "hetao.primary_only"
_READ_METHODS = frozenset({"GET", "HEAD"})


def replica_ok() -> None:
    """The marker of the routes an anonymous ``GET`` of which may read the replica: add it as
    ``dependencies=[Depends(replica_ok)]`` to the route or its router. It does nothing itself;
    :func:`session_factory_for` looks for it on the request's route."""


def reads_replica(route: Any) -> bool:
    """``route`` declares :func:`replica_ok`."""
    return any(getattr(d, "dependency", None) is replica_ok for d in getattr(route, "dependencies", ()))


def _has_session_cookie(scope: Scope) -> bool:
    for name, value in scope.get("headers") or ():
        if name == b"cookie" and SESSION_COOKIE in cookie_parser(value.decode("latin-1")):
            return True
    return False


def usable_replica(scope: Scope) -> Replica | None:
    """The app's replica when this request may read it as far as the app, the method, the cookies
    and earlier failures go (whether its route is marked is asked separately); else None."""
    replica: Replica | None = getattr(scope["app"].state, "replica", None)
    if replica is None or scope.get(PRIMARY_ONLY) or not replica.usable():
        return None
    if scope["method"] not in _READ_METHODS or _has_session_cookie(scope):
        return None
    return replica


def session_factory_for(request: Request) -> sessionmaker[Session]:
    """The factory of the request's unit of work: the replica's or the primary's (see the module's
    text); the choice is recorded in the scope for :func:`fall_back_to_primary`."""
    replica = usable_replica(request.scope)
    use = replica is not None and reads_replica(request.scope.get("route"))
    request.scope[REPLICA_USED] = use
    return replica.session_factory if use and replica is not None else request.app.state.session_factory


def fall_back_to_primary(scope: Scope) -> bool:
    """After a run of the request failed with the database unavailable: True when that run read the
    replica, which is then put to rest, and the next run of the request reads the primary."""
    if not scope.pop(REPLICA_USED, False) or scope.get(PRIMARY_ONLY):
        return False
    scope[PRIMARY_ONLY] = True
    replica: Replica | None = getattr(scope["app"].state, "replica", None)
    if replica is not None:
        replica.failed()
    return True


__all__ = ["fall_back_to_primary", "reads_replica", "replica_ok", "session_factory_for", "usable_replica"]
