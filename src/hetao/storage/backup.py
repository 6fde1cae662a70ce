"""Backups: a consistent snapshot of the database plus the uploaded files, with a manifest.

A backup directory holds ``manifest.json`` (time, backend, schema revision, row counts per table,
SHA-256 of every file), the database (``database.sqlite3``, made with SQLite's online backup API, or
``database.pgdump``, ``pg_dump`` custom format) and ``uploads/`` (a copy of the upload directory).
On PostgreSQL the row counts are taken in the very snapshot ``pg_dump`` dumps (an exported snapshot),
so they describe exactly what was saved. Restoring checks every checksum before it changes anything,
then checks the restored row counts against the manifest."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import URL

from hetao.storage.migrate import alembic_config

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
UPLOADS = "uploads"
FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot be done; nothing was changed."""


@dataclass(frozen=True)
class Manifest:
    data: dict

    @property
    def tables(self) -> dict[str, int]:
        return self.data["tables"]

    @property
    def uploads(self) -> dict[str, str]:
        return self.data["uploads"]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


def _is_empty_dir(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(database)


def _pg_env(url: URL) -> dict[str, str]:
    """libpq settings for pg_dump/pg_restore (the password in the environment, not the command line)."""
    env = {**os.environ}
    for name, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
    ):
        if value is not None:
            env[name] = str(value)
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL client tools are needed).")
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def _pg_counts(conn) -> dict[str, int]:
    names = conn.execute(
        text(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
            "AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
    ).scalars()
    return {name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one() for name in names}


def take_backup(engine: Engine, *, upload_dir: Path, target: Path, now: datetime) -> Manifest:
    """Write a backup of the database behind ``engine`` and of ``upload_dir`` into ``target``
    (which must be missing or empty)."""
    if not _is_empty_dir(target):
        raise BackupError(f"{target} is not empty: back up into a new directory.")
    target.mkdir(parents=True, exist_ok=True)
    backend = engine.url.get_backend_name()
    if backend == "sqlite":
        database_file = target / SQLITE_FILE
        source = sqlite3.connect(_sqlite_path(engine))
        copy = sqlite3.connect(database_file)
        try:
            source.backup(copy)  # a consistent copy even while other processes write
            tables = _sqlite_counts(copy)
            revision = _sqlite_revision(copy)
        finally:
            copy.close()
            source.close()
    elif backend == "postgresql":
        database_file = target / PG_FILE
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                tables = _pg_counts(conn)
                revision = (
                    conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                    if "alembic_version" in tables
                    else None
                )
                _run(
                    ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={database_file}"],
                    _pg_env(engine.url),
                )
    else:
        raise BackupError(f"Backups of {backend} databases are not supported.")
    uploads: dict[str, str] = {}
    for path in _files(upload_dir):
        relative = path.relative_to(upload_dir).as_posix()
        destination = target / UPLOADS / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
        uploads[relative] = _sha256(destination)
    manifest = {
        "format": FORMAT,
        "created_at": now.isoformat(),
        "backend": backend,
        "schema_revision": revision,
        "database": {"file": database_file.name, "sha256": _sha256(database_file)},
        "tables": tables,
        "uploads": uploads,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return Manifest(manifest)


def _sqlite_revision(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


def read_manifest(source: Path) -> Manifest:
    """The manifest of the backup in ``source``, after checking every file against its checksum."""
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} holds no {MANIFEST}: not a backup.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(
            f"{path}: unknown backup format {data.get('format') if isinstance(data, dict) else None!r}."
        )
    database = source / data["database"]["file"]
    if not database.is_file() or _sha256(database) != data["database"]["sha256"]:
        raise BackupError(f"{database} is missing or does not match its checksum.")
    for relative, digest in data["uploads"].items():
        file = (source / UPLOADS / relative).resolve()
        if not file.is_relative_to((source / UPLOADS).resolve()):
            raise BackupError(f"{relative}: a file outside the backup.")
        if not file.is_file() or _sha256(file) != digest:
            raise BackupError(f"uploads/{relative} is missing or does not match its checksum.")
    return Manifest(data)


def _known_revisions(engine: Engine) -> set[str]:
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config(engine)).walk_revisions()}


def database_is_empty(engine: Engine) -> bool:
    return not inspect(engine).get_table_names()


def restore_backup(engine: Engine, *, upload_dir: Path, source: Path, force: bool = False) -> Manifest:
    """Bring the backup in ``source`` back into the database behind ``engine`` and ``upload_dir``.

    Refuses a database with tables or an upload directory with files unless ``force``; checks
    everything it can before changing anything, and the row counts afterwards."""
    manifest = read_manifest(source)
    backend = engine.url.get_backend_name()
    if manifest.data["backend"] != backend:
        raise BackupError(
            f"This is a {manifest.data['backend']} backup; it cannot be restored into a {backend} database."
        )
    revision = manifest.data["schema_revision"]
    if revision is not None and revision not in _known_revisions(engine):
        raise BackupError(f"The backup's schema revision {revision} is unknown to this version of the code.")
    if not force:
        if not database_is_empty(engine):
            raise BackupError("The database is not empty: restore into an empty one, or use --force.")
        if not _is_empty_dir(upload_dir):
            raise BackupError(f"{upload_dir} is not empty: restore into an empty one, or use --force.")
    database = source / manifest.data["database"]["file"]
    if backend == "sqlite":
        engine.dispose()
        path = _sqlite_path(engine)
        path.parent.mkdir(parents=True, exist_ok=True)
        backup, live = sqlite3.connect(database), sqlite3.connect(path)
        try:
            backup.backup(live)  # replaces the whole database in one step
            restored = _sqlite_counts(live)
        finally:
            live.close()
            backup.close()
    else:
        options = ["--clean", "--if-exists"] if force else []
        _run(
            [
                "pg_restore",
                "--single-transaction",
                "--exit-on-error",
                "--no-owner",
                *options,
                f"--dbname={engine.url.database}",
                str(database),
            ],
            _pg_env(engine.url),
        )
        engine.dispose()
        with engine.connect() as conn:
            restored = _pg_counts(conn)
    restored = {name: restored.get(name) for name in manifest.tables}
    if restored != manifest.tables:
        raise BackupError(
            "The restored row counts differ from the manifest: "
            + ", ".join(
                f"{name}: {restored.get(name)} != {count}"
                for name, count in manifest.tables.items()
                if restored.get(name) != count
            )
        )
    upload_dir.mkdir(parents=True, exist_ok=True)
    for relative in manifest.uploads:
        destination = upload_dir / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / UPLOADS / relative, destination)
    return manifest
