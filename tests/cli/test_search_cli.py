"""`hetao search` and `hetao misses` against a real database of each backend (lexical backend, so the
test stays fast; the semantic path is covered by tests/search)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from hetao.catalog import load_sample
from hetao.cli import app
from hetao.core.settings import Settings
from hetao.storage.database import make_engine, make_session_factory, unit_of_work
from hetao.storage.migrate import upgrade

runner = CliRunner()


@pytest.fixture
def env(empty_db_url):
    engine = make_engine(Settings(database_url=empty_db_url))
    upgrade(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        load_sample(session)
    engine.dispose()
    return {"HETAO_DATABASE_URL": empty_db_url, "HETAO_SEARCH_BACKEND": "none"}


def test_search_prints_the_same_json_as_the_api(env):
    result = runner.invoke(
        app, ["search", "居住證", "--json", "--lang", "zh-Hant"], env=env, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert set(body) >= {"query", "normalized", "no_match", "did_you_mean", "results", "answer"}
    assert body["results"] and body["results"][0]["url"].startswith("/zh-hant/")


def test_unanswered_questions_are_listed_for_administrators(env):
    runner.invoke(app, ["search", "zzqx unknown wibble 91234567"], env=env, catch_exceptions=False)
    result = runner.invoke(app, ["misses", "--json"], env=env, catch_exceptions=False)
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert rows and rows[0]["count"] == 1 and "91234567" not in rows[0]["query"]


def test_an_empty_question_is_refused(env):
    result = runner.invoke(app, ["search", "   "], env=env)
    assert result.exit_code == 2
