"""PostgreSQL restarted under load: the running site recovers by itself. Requests in flight during the
restart may fail, but cleanly (a 503 response at once, never a dropped connection nor a hang); every
request after the restart succeeds on the same app process (stale pooled connections are caught by
pool_pre_ping)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import httpx
import pytest

from tests.faults.conftest import free_port

pytestmark = pytest.mark.faults
PATHS = ["/readyz", "/api/v1/services?per_page=1", "/en/services", "/zh-hant/"]


def _wait_up(base: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(base + "/readyz", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert proc.poll() is None, "server ended"
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.3)


def test_the_site_recovers_by_itself_after_postgresql_restarts(own_postgres, tmp_path):
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    env = {**os.environ, "HETAO_DATABASE_URL": own_postgres.url, "HETAO_UPLOAD_DIR": str(tmp_path / "up")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hetao", "serve", "--port", str(port), "--no-sample"],
        env=env,
        # A file, not a pipe: nobody reads a pipe while the server logs its tracebacks, and a full
        # pipe would block the server (it did: that looked like an app that never recovers).
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    results: list[tuple[float, str, int | str]] = []
    stop = threading.Event()

    def load(offset: int) -> None:
        with httpx.Client(base_url=base, timeout=15) as client:
            i = offset
            while not stop.is_set():
                path = PATHS[i % len(PATHS)]
                i += 1
                try:
                    status: int | str = client.get(path).status_code
                except httpx.TimeoutException:
                    status = "timeout"
                except httpx.TransportError as exc:
                    status = type(exc).__name__
                results.append((time.monotonic(), path, status))

    try:
        _wait_up(base, proc)
        threads = [threading.Thread(target=load, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        time.sleep(2)
        restart_began = time.monotonic()
        own_postgres.restart()
        restart_ended = time.monotonic()
        time.sleep(3)
        stop.set()
        for t in threads:
            t.join(timeout=30)
        assert not any(t.is_alive() for t in threads), "a request hung"
        after = [httpx.get(base + p, timeout=15).status_code for p in PATHS * 5]
        assert proc.poll() is None, "the app process died"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()

    before = [r for r in results if r[0] < restart_began]
    settled = [r for r in results if r[0] > restart_ended + 1]
    failed = [r for r in results if r[2] != 200]
    assert before and settled and all(r[2] == 200 for r in before)
    # Failures only around the restart and never a hang; afterwards everything succeeds again
    # without restarting the app.
    assert not [r for r in failed if r[2] == "timeout"], failed
    assert all(restart_began - 1 <= r[0] <= restart_ended + 1 for r in failed), failed
    assert all(r[2] == 200 for r in settled), [r for r in settled if r[2] != 200]
    assert after == [200] * len(after)
    # In-flight failures are clean: 503 Service Unavailable at once, never a 500, never a dropped
    # connection (which is what an unhandled error became: uvicorn closes the connection after it).
    assert all(r[2] == 503 for r in failed), [r for r in failed if r[2] != 503]
