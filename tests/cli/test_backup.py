"""`hetao backup` and `hetao restore`: a snapshot of a database with content and uploads, restored
into an empty instance of the same backend, gives the same rows and the same files; a non-empty
target needs --force; a damaged backup is refused before anything changes."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text
from typer.testing import CliRunner

from hetao.cases.uploads import store
from hetao.catalog import load_sample
from hetao.cli import app
from hetao.core.settings import Settings
from hetao.storage.database import make_engine, make_session_factory, unit_of_work
from hetao.storage.migrate import head_revision, upgrade
from tests.cases.helpers import PDF, PNG, person
from tests.conftest import _create_pg_database, _drop_pg_database

runner = CliRunner()


@pytest.fixture
def second_db_url(backend, tmp_path):
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    name = f"hetao_r_{uuid.uuid4().hex[:10]}"
    url = _create_pg_database(name)
    try:
        yield url
    finally:
        _drop_pg_database(name)


def _counts(url: str) -> dict[str, int]:
    engine = make_engine(Settings(database_url=url))
    try:
        with engine.connect() as conn:
            return {
                name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                for name in inspect(conn).get_table_names()
            }
    finally:
        engine.dispose()


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def instance(empty_db_url, tmp_path):
    """A database with the sample catalogue, a person and two uploads, and its upload directory."""
    uploads = tmp_path / "uploads"
    engine = make_engine(Settings(database_url=empty_db_url))
    upgrade(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        load_sample(session)
        person(session, "backup@example.org")
        store(session, uploads, PDF)
        store(session, uploads, PNG)
    engine.dispose()
    return {"HETAO_DATABASE_URL": empty_db_url, "HETAO_UPLOAD_DIR": str(uploads)}


def _run(env, *args):
    return runner.invoke(app, list(args), env=env)


def test_a_backup_restores_into_an_empty_instance(instance, second_db_url, tmp_path):
    target = tmp_path / "backup"
    result = _run(instance, "backup", str(target))
    assert result.exit_code == 0, result.output
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    original = _counts(instance["HETAO_DATABASE_URL"])
    assert manifest["tables"] == original
    assert manifest["tables"]["services"] >= 120 and manifest["tables"]["uploads"] == 2
    assert len(manifest["uploads"]) == 2
    assert manifest["schema_revision"] == head_revision(make_engine(Settings(database_url=second_db_url)))

    restored_env = {"HETAO_DATABASE_URL": second_db_url, "HETAO_UPLOAD_DIR": str(tmp_path / "restored")}
    result = _run(restored_env, "restore", str(target))
    assert result.exit_code == 0, result.output
    assert _counts(second_db_url) == original
    assert _files(tmp_path / "restored") == _files(Path(instance["HETAO_UPLOAD_DIR"]))
    engine = make_engine(Settings(database_url=second_db_url))
    with unit_of_work(make_session_factory(engine)) as session:
        from hetao.accounts.models import User

        assert session.scalar(select(func.count()).where(User.email == "backup@example.org")) == 1
    engine.dispose()

    again = _run(restored_env, "restore", str(target))
    assert again.exit_code == 1 and "not empty" in again.output
    forced = _run(restored_env, "restore", str(target), "--force")
    assert forced.exit_code == 0, forced.output
    assert _counts(second_db_url) == original


def test_a_damaged_backup_is_refused_before_anything_changes(instance, second_db_url, tmp_path):
    target = tmp_path / "backup"
    assert _run(instance, "backup", str(target)).exit_code == 0
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    damaged = target / "uploads" / next(iter(manifest["uploads"]))
    damaged.write_bytes(b"not what was uploaded")
    restored_env = {"HETAO_DATABASE_URL": second_db_url, "HETAO_UPLOAD_DIR": str(tmp_path / "restored")}
    result = _run(restored_env, "restore", str(target))
    assert result.exit_code == 1 and "checksum" in result.output
    assert _counts(second_db_url) == {}
    assert not (tmp_path / "restored").exists()


def test_backing_up_into_a_non_empty_directory_is_refused(instance, tmp_path):
    target = tmp_path / "full"
    target.mkdir()
    (target / "something").write_text("x")
    result = _run(instance, "backup", str(target))
    assert result.exit_code == 1 and "not empty" in result.output


def test_a_directory_without_a_manifest_is_not_a_backup(second_db_url, tmp_path):
    result = _run({"HETAO_DATABASE_URL": second_db_url}, "restore", str(tmp_path))
    assert result.exit_code == 1 and "not a backup" in result.output
