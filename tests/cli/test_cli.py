"""The hetao command line, against a real, empty database of each backend."""

from __future__ import annotations

import copy
import json

import pytest
from typer.testing import CliRunner

from hetao.catalog.sample import build_document
from hetao.cli import app

runner = CliRunner()


@pytest.fixture
def env(empty_db_url):
    return {"HETAO_DATABASE_URL": empty_db_url}


def _run(env, *args):
    return runner.invoke(app, list(args), env=env, catch_exceptions=False)


def test_import_export_round_trip_and_check(env, tmp_path):
    sample = tmp_path / "sample.json"
    sample.write_text(json.dumps(build_document(), ensure_ascii=False), encoding="utf-8")
    result = _run(env, "import", str(sample))
    assert result.exit_code == 0, result.output
    assert "created" in result.output
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert _run(env, "export", str(first)).exit_code == 0
    again = _run(env, "import", str(first))
    assert again.exit_code == 0 and "created {}, updated {}" in again.output
    assert _run(env, "export", str(second)).exit_code == 0
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")
    check = _run(env, "check")
    assert check.exit_code == 0, check.output
    assert "0 problem(s)" in check.output


def test_import_of_a_bad_file_lists_every_problem_and_changes_nothing(env, tmp_path):
    doc = build_document()
    bad = copy.deepcopy(doc)
    bad["services"][3]["organization_id"] = "00000000-0000-4000-8000-00000000dead"
    bad["services"][4]["hetao"]["category"] = "weather"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    result = _run(env, "import", str(path))
    assert result.exit_code == 1
    assert "$.services[3].organization_id" in result.output
    assert "$.services[4].hetao.category" in result.output
    assert "nothing was changed" in result.output
    out = tmp_path / "out.json"
    assert _run(env, "export", str(out)).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["services"] == []


def test_import_of_invalid_json_fails_cleanly(env, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    result = _run(env, "import", str(path))
    assert result.exit_code == 2 and "not valid UTF-8 JSON" in result.output


def test_import_never_adds_sample_data(env, tmp_path):
    path = tmp_path / "one.json"
    doc = build_document()
    one = {"language": "zh-Hant", "organizations": doc["organizations"][:1], "locations": doc["locations"]}
    one["organizations"][0]["hetao"]["location_id"] = None
    path.write_text(json.dumps(one, ensure_ascii=False), encoding="utf-8")
    assert _run(env, "import", str(path)).exit_code == 0
    out = tmp_path / "out.json"
    _run(env, "export", str(out))
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert len(exported["organizations"]) == 1 and exported["services"] == []


def test_db_upgrade(env):
    result = _run(env, "db", "upgrade")
    assert result.exit_code == 0 and "up to date" in result.output
