"""``hetao users add | grant | list`` and ``hetao outbox deliver``."""

from __future__ import annotations

import os

import typer
from sqlalchemy import select

from hetao import accounts, directory, notify
from hetao.core.db import utcnow
from hetao.core.errors import HetaoError, ValidationFailed
from hetao.core.settings import load_settings
from hetao.storage.database import make_engine, make_session_factory, unit_of_work
from hetao.storage.migrate import upgrade

users_app = typer.Typer(help="Accounts and roles.", no_args_is_help=True)
outbox_app = typer.Typer(help="The notification outbox.", no_args_is_help=True)


def _factory():
    settings = load_settings()
    engine = make_engine(settings)
    upgrade(engine)
    return settings, make_session_factory(engine)


def _fail(error: HetaoError) -> None:
    if isinstance(error, ValidationFailed):
        for p in error.problems:
            typer.echo(f"error: {p.render()}", err=True)
    else:
        typer.echo(f"error: {error}", err=True)
    raise typer.Exit(1)


def department_ids(session) -> dict[str, str]:
    """Slug → id of every department of the directory."""
    return {
        o.slug: o.id
        for o in session.scalars(
            select(directory.Organization).where(directory.Organization.kind == "department")
        )
    }


@users_app.command("add")
def add(
    email: str = typer.Argument(..., help="E-mail address of the new account."),
    name: str = typer.Option(..., help="Display name."),
    locale: str = typer.Option("zh-Hant", help="Language of the person's messages."),
) -> None:
    """Create an account. The password is read from HETAO_NEW_PASSWORD or asked for (not echoed)."""
    password = os.environ.get("HETAO_NEW_PASSWORD") or typer.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    _settings, factory = _factory()
    try:
        with unit_of_work(factory) as session:
            accounts.sign_up(
                session,
                email=email,
                display_name=name,
                password=password,
                confirm=password,
                locale=locale,
                now=utcnow(),
            )
    except HetaoError as error:
        _fail(error)
    typer.echo(f"Created the account {accounts.normalise_email(email)}.")


@users_app.command("grant")
def grant(
    email: str = typer.Argument(...),
    role: str = typer.Option(..., help="officer or admin."),
    department: str = typer.Option("", help="Slug of the department (officers)."),
) -> None:
    """Grant a role (the first administrator is made this way)."""
    _settings, factory = _factory()
    try:
        with unit_of_work(factory) as session:
            ids = department_ids(session)
            accounts.grant_role(
                session,
                None,
                email=email,
                role=role,
                department_id=ids.get(department) or (department or None),
                department_exists=set(ids.values()).__contains__,
                now=utcnow(),
            )
    except HetaoError as error:
        _fail(error)
    typer.echo(
        f"Granted {role}{' of ' + department if department else ''} to {accounts.normalise_email(email)}."
    )


@users_app.command("list")
def list_() -> None:
    """Accounts that hold a role."""
    _settings, factory = _factory()
    with unit_of_work(factory) as session:
        slugs = {v: k for k, v in department_ids(session).items()}
        for user in accounts.people_with_roles(session):
            roles = ", ".join(
                g.role if g.role == "admin" else f"officer of {slugs.get(g.department_id, g.department_id)}"
                for g in user.grants
            )
            typer.echo(f"{user.email}\t{user.display_name}\t{roles}")


@outbox_app.command("deliver")
def deliver(limit: int = typer.Option(200, min=1, help="At most this many messages.")) -> None:
    """Send the messages that are due, with the configured mail backend."""
    settings, factory = _factory()
    sent = notify.deliver_due(factory, notify.backend_from_settings(settings), limit=limit)
    typer.echo(f"Sent {sent} message(s).")
