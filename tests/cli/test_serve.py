"""The README's first command: `hetao serve` on an empty database migrates, loads the sample and serves."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_loads_the_sample_into_an_empty_database_and_serves_it(empty_db_url):
    port = _free_port()
    env = {**os.environ, "HETAO_DATABASE_URL": empty_db_url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hetao", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                home = httpx.get(base + "/zh-hant/", timeout=5)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        proc.stdout.read() if proc.stdout else "server did not start"
                    ) from None
                time.sleep(0.3)
        assert home.status_code == 200 and "政務" in home.text
        services = httpx.get(base + "/api/v1/services?per_page=1").json()
        assert services["total"] >= 120
        assert httpx.get(base + "/en/services/hk-driving-licence-exchange").status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serve_no_sample_keeps_the_catalogue_empty(empty_db_url):
    port = _free_port()
    env = {**os.environ, "HETAO_DATABASE_URL": empty_db_url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hetao", "serve", "--port", str(port), "--no-sample"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                body = httpx.get(f"http://127.0.0.1:{port}/api/v1/services", timeout=5).json()
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.3)
        assert body["total"] == 0
    finally:
        proc.terminate()
        proc.wait(timeout=20)
