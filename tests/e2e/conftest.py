"""Browser journeys: the app served by uvicorn in a thread, driven by Playwright on Debian's Chromium."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("HETAO_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(engine, upload_dir, search_manager=None):
    """Serve the app on ``engine`` with uvicorn in a thread; yields its base URL."""
    import uvicorn

    from hetao.app import create_app
    from hetao.core.settings import Settings

    settings = Settings(database_url=str(engine.url), upload_dir=str(upload_dir), outbox_interval=0)
    app = create_app(settings, engine=engine)
    if search_manager is not None:
        app.state.search_manager = search_manager
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(seeded_engine, backend, search_manager, tmp_path_factory):
    """The site with its search index (for journeys that search)."""
    yield from _serve(seeded_engine, tmp_path_factory.mktemp("uploads"), search_manager)


@pytest.fixture(scope="session")
def lean_server(seeded_engine, backend, tmp_path_factory):
    """The site without a built search index, for journeys that never search (building the index
    with its vectors takes minutes on a small machine)."""
    yield from _serve(seeded_engine, tmp_path_factory.mktemp("uploads"))


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required for the browser journeys in CI ({CHROMIUM} is missing)")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-HK")
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    pg = context.new_page()
    yield pg
    context.close()
