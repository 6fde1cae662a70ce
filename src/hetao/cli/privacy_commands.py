"""``hetao purge``: delete or anonymise personal data whose retention period is over."""

from __future__ import annotations

from pathlib import Path

import typer

from hetao import privacy
from hetao.core.db import utcnow
from hetao.core.settings import load_settings
from hetao.storage.database import make_engine, make_session_factory
from hetao.storage.migrate import upgrade


def purge_command(
    dry_run: bool = typer.Option(False, "--dry-run", help="Count what would go; change nothing."),
) -> None:
    """Apply the retention rules (HETAO_RETENTION_*): expired drafts, files of cases closed long
    ago, old sent messages, expired sessions and links, old queue tickets and cancelled visits.
    One transaction per batch; running it again changes nothing."""
    settings = load_settings()
    engine = make_engine(settings)
    upgrade(engine)
    try:
        report = privacy.purge(
            make_session_factory(engine),
            now=utcnow(),
            dry_run=dry_run,
            policy=privacy.RetentionPolicy.from_settings(settings),
            upload_dir=Path(settings.upload_dir),
        )
    finally:
        engine.dispose()
    verb = "would purge" if dry_run else "purged"
    for kind in privacy.KINDS:
        typer.echo(f"{kind}: {report.counts[kind]}")
    typer.echo(f"{verb} {report.total} in all" + (" (dry run: nothing was changed)" if dry_run else ""))
