"""The retention purge as periodic work of `hetao worker` (daily)."""

from __future__ import annotations

from datetime import timedelta

from hetao.core.settings import load_settings
from hetao.jobs import WorkContext, register_periodic
from hetao.privacy.retention import RetentionPolicy, purge

#: How often the worker applies the retention rules.
PURGE_EVERY = timedelta(days=1)


def purge_expired(ctx: WorkContext) -> int:
    """Apply the retention rules (each batch its own transaction); returns how much was purged."""
    settings = ctx.settings or load_settings()
    report = purge(
        ctx.factory,
        now=ctx.now,
        policy=RetentionPolicy.from_settings(settings),
        upload_dir=settings.upload_dir,
    )
    return report.total


register_periodic("privacy.purge", PURGE_EVERY, purge_expired)
