"""A per-process cache of the public catalogue and directory pages as anonymous visitors see them.

A page opts in with ``dependencies=[Depends(shared_page)]``: its content must depend only on the
catalogue and directory data, the URL and the locale (the URL prefix). Such a page, asked for with
``GET``, without a query string and without a session cookie, and answered ``200`` without setting a
cookie, is kept under (method, path, query, locale) with the catalogue's change token
(``catalog_state.token``, ADR 0002) read before it was rendered. It is served from the cache while
the token is unchanged; the token is read again at most every :data:`RECHECK_SECONDS` (1 s), and at
once after a request that may have written in this process, so every process shows an edit within
about a second. Signed-in people (a session cookie) are never served from the cache and never fill
it: their pages carry their name and the sign-out form's CSRF token.

The cache sits inside ``SiteHeaders``: the cookies a browser needs (CSRF, locale) and the security
headers are added per request to cached pages as to any other. Cached pages carry a strong ``ETag``
(a hash of the body); ``If-None-Match`` with it is answered ``304`` without a body.

With a read replica (:mod:`hetao.http.replica`) the shared pages are read there, and so is the
token the cache checks them against: both come from the same database, however far it lags.

Bounded by entries and bytes (least recently used first out); thread-safe. ``HETAO_PAGE_CACHE=0``
turns it off."""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from anyio import to_thread
from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hetao.catalog import current_token
from hetao.core.locales import PREFIX_LOCALE
from hetao.http.deps import db_session
from hetao.http.replica import usable_replica
from hetao.http.sessions import SESSION_COOKIE
from hetao.storage.database import unit_of_work

log = logging.getLogger(__name__)

#: Longest time a process may serve a page after the catalogue changed in another process.
RECHECK_SECONDS = 1.0
MAX_ENTRIES = 5000
MAX_BYTES = 64 * 1024 * 1024
#: A larger page is not kept (none comes close: the directory with its map is about 100 KB).
MAX_PAGE_BYTES = 1024 * 1024
#: The key under which the middleware marks a request whose page may be stored (in the ASGI scope).
SCOPE_KEY = "hetao.page_cache"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Headers of every page the cache may serve: browsers check back each time (cheap with the ETag),
#: and a shared cache never gives an anonymous page to a signed-in person.
_CACHE_HEADERS = [(b"cache-control", b"no-cache"), (b"vary", b"Cookie")]


def shared_page(request: Request, session: Session = Depends(db_session, scope="function")) -> None:
    """Dependency of the pages that may be shared: for a request the cache may store, read the
    catalogue's change token in the request's own transaction, before the page reads anything else."""
    candidate = request.scope.get(SCOPE_KEY)
    if candidate is not None:
        started = time.monotonic()
        token = current_token(session)
        candidate.token = token
        candidate.cache.change.observe(token, started)


@dataclass(frozen=True)
class CachedPage:
    token: str
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    etag: bytes
    #: The route that rendered it (the access log and metrics label cached answers with it).
    route: Any


class PageStore:
    """Least-recently-used pages, bounded by their number and their total size; thread-safe."""

    def __init__(self, *, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.size = 0
        self._pages: OrderedDict[tuple, CachedPage] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._pages)

    def get(self, key: tuple) -> CachedPage | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: tuple, page: CachedPage) -> None:
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self.size -= len(old.body)
            self._pages[key] = page
            self.size += len(page.body)
            while self._pages and (len(self._pages) > self.max_entries or self.size > self.max_bytes):
                _, dropped = self._pages.popitem(last=False)
                self.size -= len(dropped.body)

    def discard(self, key: tuple, page: CachedPage) -> None:
        """Drop ``page`` (unless another request has already replaced it)."""
        with self._lock:
            if self._pages.get(key) is page:
                del self._pages[key]
                self.size -= len(page.body)


class ChangeToken:
    """The catalogue's change token as last read, and when; read again when older than ``recheck``.
    A read that started before the one already held is ignored, so the value never goes back."""

    def __init__(self, recheck: float = RECHECK_SECONDS):
        self.recheck = recheck
        self.value: str | None = None
        self.read_at = float("-inf")
        self._lock = threading.Lock()
        self._reading = threading.Lock()

    def fresh(self) -> str | None:
        """The token if it was read less than ``recheck`` seconds ago, else None."""
        if time.monotonic() - self.read_at < self.recheck:
            return self.value
        return None

    def observe(self, token: str | None, started: float) -> None:
        with self._lock:
            if started > self.read_at:
                self.value, self.read_at = token, started

    def expire(self) -> None:
        """Read it again before the next use (this process may just have changed the catalogue)."""
        with self._lock:
            self.read_at = float("-inf")

    def read(self, factory: sessionmaker[Session]) -> str | None:
        """The current token (blocking: run it in a worker thread); None when the database cannot
        be read (the cache is then bypassed until it can)."""
        with self._reading:  # one read at a time: the requests waiting for it take its result
            token = self.fresh()
            if token is not None:
                return token
            started = time.monotonic()
            try:
                with unit_of_work(factory) as session:
                    token = current_token(session)
            except Exception:
                log.warning("page cache: the catalogue's change token could not be read", exc_info=True)
                token = None
            self.observe(token, started)
            return self.value


class _Candidate:
    """A request whose page may be stored; ``token`` is set by :func:`shared_page`."""

    __slots__ = ("cache", "token")

    def __init__(self, cache: SharedPageCache):
        self.cache = cache
        self.token: str | None = None


class SharedPageCache:
    """The pure ASGI middleware (see the module's text)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        enabled: bool = True,
        max_entries: int = MAX_ENTRIES,
        max_bytes: int = MAX_BYTES,
        recheck: float = RECHECK_SECONDS,
    ):
        self.app = app
        self.enabled = enabled
        self.store = PageStore(max_entries=max_entries, max_bytes=max_bytes)
        self.change = ChangeToken(recheck)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.enabled:
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if method not in _SAFE_METHODS:
            try:
                await self.app(scope, receive, send)
            finally:
                self.change.expire()
            return
        key = self._key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        page = self.store.get(key)
        if page is not None:
            token = self.change.fresh()
            if token is None:
                token = await to_thread.run_sync(self.change.read, self._factory(scope))
            if token is not None and token == page.token:
                scope["route"] = page.route
                await _send_page(scope, send, page)
                return
            self.store.discard(key, page)
        candidate = _Candidate(self) if not scope.get("query_string") else None
        if candidate is None:
            await self.app(scope, receive, send)
            return
        scope[SCOPE_KEY] = candidate
        await self.app(scope, receive, self._storing(scope, send, key, candidate))

    @staticmethod
    def _key(scope: Scope) -> tuple | None:
        """(method, path, query, locale) of a GET a page may be served for, or None: the locale is the
        URL prefix's (a page whose locale came from a cookie or Accept-Language is never kept), and
        a request with a session cookie is never served from the cache."""
        if scope["method"] != "GET":
            return None
        path = scope["path"]
        locale = PREFIX_LOCALE.get(path.split("/", 2)[1]) if path.count("/") else None
        if locale is None:
            return None
        for name, value in scope.get("headers") or ():
            if name == b"cookie" and SESSION_COOKIE in cookie_parser(value.decode("latin-1")):
                return None
        return ("GET", path, scope.get("query_string") or b"", locale)

    @staticmethod
    def _factory(scope: Scope) -> sessionmaker[Session]:
        """Where the change token is read: where the page itself is read (every shared page reads
        the read replica, when there is one and it is not resting), so a replica that lags behind
        the primary serves its pages with its own, older token and they stay consistent."""
        replica = usable_replica(scope)
        return replica.session_factory if replica is not None else scope["app"].state.session_factory

    def _storing(self, scope: Scope, send: Send, key: tuple, candidate: _Candidate) -> Send:
        """A ``send`` that keeps the page when it may be shared (and then adds the ETag), and passes
        every other response through untouched."""
        start: Message | None = None
        passing = False
        chunks: list[bytes] = []

        async def send_storing(message: Message) -> None:
            nonlocal start, passing
            if message["type"] == "http.response.start" and self._storable(scope, message, key, candidate):
                start = message
                return
            if start is None or passing:
                passing = True
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                if sum(map(len, chunks)) > MAX_PAGE_BYTES:  # too large to keep: pass it on as it comes
                    passing = True
                    await send(start)
                    await send({"type": "http.response.body", "body": b"".join(chunks), "more_body": True})
                return
            page = _page(candidate.token or "", start, b"".join(chunks), scope.get("route"))
            # Not kept when a newer token is already known (it would never be served).
            if len(page.body) <= MAX_PAGE_BYTES and candidate.token == self.change.value:
                self.store.put(key, page)
            await _send_page(scope, send, page)

        return send_storing

    @staticmethod
    def _storable(scope: Scope, start: Message, key: tuple, candidate: _Candidate) -> bool:
        if candidate.token is None or start["status"] != 200:
            return False
        if scope.get("state", {}).get("locale") != key[3]:
            return False
        return not any(name.lower() == b"set-cookie" for name, _ in start.get("headers", ()))


def _page(token: str, start: Message, body: bytes, route: Any) -> CachedPage:
    etag = b'"' + hashlib.blake2b(body, digest_size=16).hexdigest().encode() + b'"'
    headers = [(k, v) for k, v in start.get("headers", ()) if k.lower() not in (b"etag", b"cache-control")]
    headers += [*_CACHE_HEADERS, (b"etag", etag)]
    return CachedPage(token, tuple(headers), body, etag, route)


def _matches(if_none_match: bytes, etag: bytes) -> bool:
    """``If-None-Match`` (weak comparison, as RFC 9110 asks for this header) names ``etag``."""
    for tag in if_none_match.split(b","):
        tag = tag.strip()
        if tag == b"*" or tag.removeprefix(b"W/") == etag:
            return True
    return False


async def _send_page(scope: Scope, send: Send, page: CachedPage) -> None:
    if_none_match = next((v for k, v in scope.get("headers") or () if k == b"if-none-match"), None)
    if if_none_match is not None and _matches(if_none_match, page.etag):
        await send(
            {"type": "http.response.start", "status": 304, "headers": [*_CACHE_HEADERS, (b"etag", page.etag)]}
        )
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": 200, "headers": list(page.headers)})
    await send({"type": "http.response.body", "body": page.body})


__all__ = ["CachedPage", "ChangeToken", "PageStore", "SharedPageCache", "shared_page"]
