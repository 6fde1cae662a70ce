"""Each request gets an id (a well-formed incoming one is kept) that is echoed in the response and is
on its access-log line, which is one JSON object with the route template, status and duration."""

from __future__ import annotations

import io
import json
import logging
import logging.config

import pytest
from fastapi.testclient import TestClient

from hetao.app import create_app
from hetao.core.logging import JsonFormatter, RequestIdFilter, logging_config
from hetao.core.masking import MaskingFilter
from hetao.core.settings import Settings


@pytest.fixture
def light_app(seeded_engine, session_factory):
    app = create_app(
        Settings(database_url=str(seeded_engine.url), outbox_interval=0, search_backend="none"),
        engine=seeded_engine,
    )
    app.state.session_factory = session_factory
    return app


@pytest.fixture
def json_lines():
    """The JSON lines the access logger writes during the test."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(MaskingFilter())
    logger = logging.getLogger("hetao.access")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


def test_a_request_logs_one_json_line_with_its_request_id(light_app, json_lines):
    response = TestClient(light_app).get("/en/services/hk-driving-licence-exchange")
    assert response.status_code == 200
    request_id = response.headers["x-request-id"]
    assert len(request_id) == 32
    [line] = [entry for entry in json_lines() if entry["request_id"] == request_id]
    assert line["logger"] == "hetao.access" and line["level"] == "INFO"
    assert line["method"] == "GET" and line["status"] == 200
    assert line["route"] == "/{lp}/services/{slug}"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["time"].endswith("+00:00")
    assert "hk-driving-licence-exchange" not in json.dumps(line)


def test_a_well_formed_incoming_request_id_is_kept(light_app, json_lines):
    given = "lb-7f3a9c21-0001"
    response = TestClient(light_app).get("/healthz", headers={"X-Request-ID": given})
    assert response.headers["x-request-id"] == given
    assert any(entry["request_id"] == given for entry in json_lines())


@pytest.mark.parametrize("bad", ["short", "has spaces in it", "x" * 200, "<script>alert(1)</script>"])
def test_a_malformed_incoming_request_id_is_replaced(light_app, bad):
    response = TestClient(light_app).get("/healthz", headers={"X-Request-ID": bad})
    assert response.headers["x-request-id"] != bad and len(response.headers["x-request-id"]) == 32


def test_unexpected_errors_are_logged_with_status_500_and_echo_the_id(light_app, json_lines):
    def boom():
        raise RuntimeError("boom")

    light_app.add_api_route("/en/boom", boom)
    response = TestClient(light_app, raise_server_exceptions=False).get("/en/boom")
    assert response.status_code == 500
    request_id = response.headers["x-request-id"]
    [line] = [entry for entry in json_lines() if entry["request_id"] == request_id]
    assert line["status"] == 500 and line["route"] == "/en/boom"
    assert line["level"] == "ERROR" and "RuntimeError: boom" in line["exception"]


def test_the_process_configuration_masks_personal_data_in_json(capsys):
    config = logging_config(log_format="json", level="INFO")
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in config["loggers"])]
    saved = [(lg, lg.handlers[:], lg.level, lg.propagate) for lg in loggers]
    logging.config.dictConfig(config)
    try:
        logging.getLogger("hetao.test").warning("reset asked for %s", "chan@example.org")
        line = capsys.readouterr().err.strip().splitlines()[-1]
    finally:
        for logger, handlers, level, propagate in saved:
            logger.handlers[:] = handlers
            logger.setLevel(level)
            logger.propagate = propagate
    entry = json.loads(line)
    assert entry["message"] == "reset asked for [email]"
    assert entry["logger"] == "hetao.test" and entry["request_id"] == "-"


def test_text_format_is_the_default_for_development():
    config = logging_config()
    assert "format" in config["formatters"]["default"]
    assert Settings().log_format == "text"
