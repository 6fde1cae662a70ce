"""Wires the adapters to the domains: the only module that knows them all."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from importlib.resources import files

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from hetao import __version__
from hetao.api import dashboard as dashboard_api
from hetao.api import hall as hall_api
from hetao.api import hsds as hsds_api
from hetao.api import journeys as journeys_api
from hetao.api import search as search_api
from hetao.api import v1 as v1_api
from hetao.core.errors import HetaoError
from hetao.core.settings import Settings, load_settings, validate_settings
from hetao.http import health, metrics
from hetao.http.observe import RequestObserver
from hetao.http.outage import DatabaseOutage
from hetao.http.page_cache import SharedPageCache
from hetao.notify import backend_from_settings
from hetao.notify.runner import OutboxRunner
from hetao.search import IndexManager
from hetao.storage.database import make_engine, make_replica, make_session_factory
from hetao.web import (
    account_pages,
    admin_catalogue,
    admin_pages,
    appointment_pages,
    board_pages,
    case_pages,
    catalog_pages,
    dashboard_pages,
    directory_pages,
    errors,
    event_pages,
    hall_console_pages,
    hall_overview,
    info_pages,
    journey_pages,
    officer_pages,
    privacy_pages,
    rating_pages,
    room_pages,
    search_pages,
    site,
    ticket_pages,
)
from hetao.web.auth import SignInRequired
from hetao.web.guard import RequestGuard
from hetao.web.middleware import SiteHeaders

log = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI):
    """Start the in-process outbox sender (when configured) and stop it on shutdown."""
    runner = OutboxRunner(
        app.state.session_factory, app.state.mail_backend, app.state.settings.outbox_interval
    )
    runner.start()
    try:
        yield
    finally:
        runner.stop()


def create_app(settings: Settings | None = None, *, engine=None) -> FastAPI:
    settings = validate_settings(settings or load_settings())
    engine = engine or make_engine(settings)
    app = FastAPI(
        title="Hetao One-Stop API",
        version=__version__,
        description="Trilingual catalogue and directory of the Hetao zone's one-stop service centre. "
        "All content is illustrative sample data.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    # The read replica, or None: anonymous reads of marked routes go there (hetao.http.replica).
    app.state.replica = make_replica(settings)
    if settings.database_replica_url and app.state.replica is None:
        log.warning("HETAO_DATABASE_REPLICA_URL is the primary's own URL: every request reads the primary")
    app.state.mail_backend = backend_from_settings(settings)
    app.state.search_manager = IndexManager(engine, backend_name=settings.search_backend)
    # Innermost: its 503 passes through the site's headers and the access log like any response.
    app.add_middleware(DatabaseOutage, respond=errors.database_unavailable_handler)
    app.add_middleware(RequestGuard, max_body_bytes=settings.max_body_bytes)  # inside SiteHeaders
    app.add_middleware(SharedPageCache, enabled=settings.page_cache)  # SiteHeaders adds the cookies
    app.add_middleware(SiteHeaders, secret_key=settings.secret_key, secure_cookies=settings.secure_cookies)
    app.add_middleware(RequestObserver)  # outermost: times and logs everything inside it
    app.add_exception_handler(HetaoError, errors.hetao_error_handler)
    app.add_exception_handler(SignInRequired, errors.sign_in_required_handler)
    app.add_exception_handler(StarletteHTTPException, errors.http_error_handler)
    app.add_exception_handler(RequestValidationError, errors.validation_error_handler)
    app.add_exception_handler(Exception, errors.unexpected_error_handler)
    app.mount("/static", StaticFiles(directory=str(files("hetao").joinpath("web", "static"))), name="static")
    app.include_router(health.router)
    app.include_router(metrics.router)
    app.include_router(site.router)
    app.include_router(search_api.router)
    app.include_router(v1_api.router)
    app.include_router(journeys_api.router)
    app.include_router(dashboard_api.router)
    app.include_router(hsds_api.router)
    app.include_router(catalog_pages.router)
    app.include_router(directory_pages.router)
    app.include_router(search_pages.router)
    app.include_router(account_pages.router)
    app.include_router(privacy_pages.router)
    app.include_router(admin_pages.router)
    app.include_router(admin_catalogue.router)
    app.include_router(dashboard_pages.router)
    app.include_router(journey_pages.router)
    app.include_router(case_pages.router)
    app.include_router(officer_pages.router)
    app.include_router(hall_api.router)
    app.include_router(hall_overview.router)
    app.include_router(ticket_pages.router)
    app.include_router(board_pages.router)
    app.include_router(hall_console_pages.router)
    app.include_router(room_pages.router)
    app.include_router(event_pages.router)
    app.include_router(info_pages.router)
    app.include_router(rating_pages.router)
    app.include_router(appointment_pages.router)
    return app
