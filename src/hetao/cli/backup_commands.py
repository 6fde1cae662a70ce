"""``hetao backup DIR`` and ``hetao restore DIR [--force]``."""

from __future__ import annotations

from pathlib import Path

import typer

from hetao.core.db import utcnow
from hetao.core.settings import load_settings
from hetao.storage.backup import BackupError, restore_backup, take_backup
from hetao.storage.database import make_engine


def backup_command(
    directory: Path = typer.Argument(..., help="A new or empty directory to write the backup into."),
) -> None:
    """Take a consistent snapshot of the database and copy the uploaded files, with a manifest."""
    settings = load_settings()
    engine = make_engine(settings)
    try:
        manifest = take_backup(engine, upload_dir=Path(settings.upload_dir), target=directory, now=utcnow())
    except BackupError as exc:
        typer.echo(f"Backup failed: {exc}", err=True)
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
    typer.echo(
        f"Backed up {sum(manifest.tables.values())} rows in {len(manifest.tables)} tables "
        f"(schema {manifest.data['schema_revision']}) and {len(manifest.uploads)} uploaded files to {directory}."
    )


def restore_command(
    directory: Path = typer.Argument(..., help="A directory written by `hetao backup`."),
    force: bool = typer.Option(
        False, "--force", help="Overwrite a database or upload directory that is not empty."
    ),
) -> None:
    """Check the backup's checksums, then restore the database and the uploaded files."""
    settings = load_settings()
    engine = make_engine(settings)
    try:
        manifest = restore_backup(engine, upload_dir=Path(settings.upload_dir), source=directory, force=force)
    except BackupError as exc:
        typer.echo(f"Restore failed: {exc}", err=True)
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
    typer.echo(
        f"Restored {sum(manifest.tables.values())} rows in {len(manifest.tables)} tables "
        f"(schema {manifest.data['schema_revision']}; `hetao db upgrade` brings it up to date) and "
        f"{len(manifest.uploads)} uploaded files."
    )
