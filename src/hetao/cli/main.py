"""``hetao serve | db upgrade | import | export | check``. Each command is one transaction."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import typer
from tqdm import tqdm

from hetao.accounts.demo import DEMO_PASSWORD, create_demo_accounts
from hetao.catalog import catalogue_is_empty, export_document, import_document, load_sample
from hetao.catalog.checks import check_database
from hetao.cli.backup_commands import backup_command, restore_command
from hetao.cli.case_commands import audit_app
from hetao.cli.privacy_commands import purge_command
from hetao.cli.search_commands import eval_app, index_app, misses_command, search_command
from hetao.cli.user_commands import department_ids, outbox_app, users_app
from hetao.cli.worker_commands import jobs_app, worker_app
from hetao.core.db import utcnow
from hetao.core.errors import ValidationFailed
from hetao.core.locales import LOCALES
from hetao.core.logging import logging_config
from hetao.core.settings import check_settings, load_settings
from hetao.hall import load_hall_sample
from hetao.search import IndexManager
from hetao.storage.database import make_engine, make_session_factory, unit_of_work
from hetao.storage.migrate import upgrade

app = typer.Typer(help="Hetao One-Stop: trilingual one-stop service platform.", no_args_is_help=True)
db_app = typer.Typer(help="Database commands.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(index_app, name="index")
app.add_typer(eval_app, name="eval")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.add_typer(outbox_app, name="outbox")
app.add_typer(worker_app, name="worker")
app.add_typer(jobs_app, name="jobs")
app.command("search")(search_command)
app.command("misses")(misses_command)
app.command("backup")(backup_command)
app.command("restore")(restore_command)
app.command("purge")(purge_command)

MAX_IMPORT_BYTES = 200 * 1024 * 1024


def _factory():
    settings = load_settings()
    engine = make_engine(settings)
    return settings, engine, make_session_factory(engine)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply all database migrations."""
    _settings, engine, _ = _factory()
    upgrade(engine)
    typer.echo("Database is up to date.")


@app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(1, min=1, help="Number of worker processes."),
    sample: bool = typer.Option(
        True, "--sample/--no-sample", help="Load the sample data into an empty catalogue."
    ),
) -> None:
    """Migrate the database, load the sample data if the catalogue is empty, and serve the site."""
    import uvicorn

    settings = load_settings()
    problems = check_settings(settings, workers=workers)
    if problems:
        typer.echo(f"Refusing to start ({settings.env}):", err=True)
        for problem in problems:
            typer.echo(f"  - {problem}", err=True)
        raise typer.Exit(2)
    settings, engine, factory = _factory()
    upgrade(engine)
    if sample:
        with unit_of_work(factory) as session:
            if catalogue_is_empty(session):
                report = load_sample(session)
                typer.echo(f"Loaded the illustrative sample data: {dict(report.created)}")
            hall_report = load_hall_sample(session)
            if hall_report:
                typer.echo(f"Loaded the hall's illustrative sample content: {hall_report}")
            created = (
                []
                if settings.env == "production"
                else create_demo_accounts(session, department_ids=department_ids(session), now=utcnow())
            )
            if created:
                typer.echo(
                    f"Created demonstration accounts {', '.join(created)} with the password "
                    f"{DEMO_PASSWORD!r}. For local trials only: never serve them in production.",
                    err=True,
                )
    # Analysed search terms are stored once here, so every app process starts without segmenting
    # the whole catalogue (vectors are computed in the background or by `hetao index build`).
    stored = IndexManager(engine, backend_name="none", background=False).store_terms()
    if stored:
        typer.echo(f"Stored the analysed search terms of {stored} documents.")
    engine.dispose()
    if workers > 1 and settings.is_sqlite:
        typer.echo("Note: several workers share one SQLite file; use PostgreSQL in production.", err=True)
    _prepare_metrics_dir(workers)
    typer.echo(f"Serving on http://{host}:{port}/")
    uvicorn.run(
        "hetao.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level.lower(),
        log_config=logging_config(log_format=settings.log_format, level=settings.log_level),
        access_log=False,  # the app writes its own access log, with the request id and route
    )


def _prepare_metrics_dir(workers: int) -> None:
    """Prometheus' multiprocess mode: each worker writes its samples to files in
    ``PROMETHEUS_MULTIPROC_DIR``; those of an earlier run must go before the workers start."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        if workers > 1:
            typer.echo(
                "Note: set PROMETHEUS_MULTIPROC_DIR so that /metrics adds up the samples of all workers.",
                err=True,
            )
        return
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()


def _read_document(path: Path):
    if not path.is_file():
        raise typer.BadParameter(f"{path} is not a file.")
    if path.stat().st_size > MAX_IMPORT_BYTES:
        raise typer.BadParameter(f"{path} is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB.")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        typer.echo(f"{path}: not valid UTF-8 JSON: {exc}", err=True)
        raise typer.Exit(2) from exc


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="An HSDS 3.1 + Hetao profile JSON document."),
    quiet: bool = typer.Option(False, help="Do not print warnings."),
) -> None:
    """Validate the whole file, then upsert everything in one transaction (nothing on any error)."""
    doc = _read_document(file)
    _settings, engine, factory = _factory()
    upgrade(engine)
    total = (
        sum(len(doc.get(k) or []) for k in ("organizations", "locations", "services", "taxonomy_terms"))
        if isinstance(doc, dict)
        else 0
    )
    try:
        with (
            unit_of_work(factory) as session,
            tqdm(
                total=total, unit="obj", disable=total < 200 or not sys.stderr.isatty(), file=sys.stderr
            ) as bar,
        ):
            report = import_document(session, doc, progress=bar.update)
    except ValidationFailed as failed:
        errors = [p for p in failed.problems if p.severity == "error"]
        typer.echo(f"{file}: not imported; {len(errors)} problem(s) found, nothing was changed:", err=True)
        for p in failed.problems:
            typer.echo(f"  {p.severity}: {p.render()}", err=True)
        raise typer.Exit(1) from failed
    if not quiet:
        for p in report.warnings:
            typer.echo(f"  warning: {p.render()}", err=True)
    typer.echo(
        f"Imported {file}: created {dict(report.created)}, updated {dict(report.updated)}, "
        f"unchanged {sum(report.unchanged.values())} objects, {len(report.warnings)} warning(s)."
    )


@app.command("export")
def export(
    file: Path = typer.Argument(..., help="Where to write the JSON document ('-' for standard output)."),
    language: str = typer.Option("zh-Hant", help="Base language of the text fields: " + ", ".join(LOCALES)),
) -> None:
    """Write the catalogue and directory as one HSDS 3.1 + Hetao profile document."""
    if language not in LOCALES:
        raise typer.BadParameter(f"language must be one of {', '.join(LOCALES)}")
    _settings, engine, factory = _factory()
    upgrade(engine)
    with unit_of_work(factory) as session:
        doc = export_document(session, language=language)
    text = json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    if str(file) == "-":
        sys.stdout.write(text)
    else:
        file.write_text(text, encoding="utf-8")
        typer.echo(
            f"Exported {len(doc['services'])} services and {len(doc['organizations'])} organisations to {file}."
        )


@app.command("check")
def check(strict: bool = typer.Option(False, help="Treat warnings as problems too.")) -> None:
    """Validate the database content and report every problem."""
    _settings, engine, factory = _factory()
    upgrade(engine)
    with unit_of_work(factory) as session:
        problems = check_database(session)
    errors = [p for p in problems if p.severity == "error" or strict]
    for p in problems:
        typer.echo(f"{p.severity}: {p.render()}")
    typer.echo(f"{len(errors)} problem(s), {len(problems) - len(errors)} warning(s).")
    if errors:
        raise typer.Exit(1)


def main() -> None:
    app()
