"""``hetao audit verify``: check the case audit chain."""

from __future__ import annotations

import typer

from hetao import cases
from hetao.core.settings import load_settings
from hetao.storage.database import make_engine, make_session_factory, unit_of_work
from hetao.storage.migrate import upgrade

audit_app = typer.Typer(help="The audit log of cases.", no_args_is_help=True)


@audit_app.command("verify")
def verify() -> None:
    """Recompute the hash chain; report the first edited, missing or misplaced entry (exit 1)."""
    engine = make_engine(load_settings())
    upgrade(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        result = cases.verify(session)
    engine.dispose()
    if result.ok:
        typer.echo(f"The audit log is intact: {result.checked} entries verified.")
        return
    typer.echo(
        f"The audit log is NOT intact: entry {result.first_bad}: {result.problem} "
        f"({result.checked} entries before it verified).",
        err=True,
    )
    raise typer.Exit(1)
