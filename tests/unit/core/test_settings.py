"""Settings: every field is read from its HETAO_ variable and documented in docs/operations.md;
production refuses the development conveniences, each with a message naming the setting."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from hetao.core.settings import (
    DEV_SECRET_KEY,
    Settings,
    SettingsError,
    check_settings,
    load_settings,
    validate_settings,
)

OPERATIONS = Path(__file__).resolve().parents[3] / "docs" / "operations.md"
#: A value other than the default for each setting, as written in the environment.
SAMPLES = {
    "database_url": "postgresql+psycopg://u@db/hetao",
    "database_replica_url": "postgresql+psycopg://u@replica/hetao",
    "default_locale": "en",
    "search_backend": "none",
    "mail_backend": "smtp",
    "env": "production",
    "log_format": "json",
    "log_level": "DEBUG",
    "secure_cookies": "1",
    "sql_echo": "1",
    "smtp_starttls": "0",
    "smtp_port": "2525",
    "outbox_interval": "0.5",
    "worker_poll": "0.5",
    "retention_draft_days": "30",
    "retention_document_days": "365",
    "retention_outbox_days": "30",
    "retention_ticket_days": "7",
    "retention_appointment_days": "60",
    "max_body_bytes": "1048576",
    "page_cache": "0",
}
GOOD_PRODUCTION = Settings(
    env="production",
    database_url="postgresql+psycopg://hetao@db/hetao",
    secret_key="k" * 48,
    mail_backend="smtp",
    smtp_host="smtp.internal",
    secure_cookies=True,
)


def _variable(name: str) -> str:
    return f"HETAO_{name.upper()}"


def test_every_setting_is_read_from_its_variable():
    default = Settings()
    for field in dataclasses.fields(Settings):
        value = SAMPLES.get(field.name, "some-value")
        loaded = load_settings({_variable(field.name): value})
        assert getattr(loaded, field.name) != getattr(default, field.name), field.name


def test_every_setting_is_documented_and_every_documented_one_exists():
    text = OPERATIONS.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `(HETAO_[A-Z0-9_]+)` \|", text, flags=re.M))
    assert documented == {_variable(f.name) for f in dataclasses.fields(Settings)}


def test_development_defaults_start():
    assert check_settings(Settings()) == []
    assert check_settings(Settings(), workers=4) == []


def test_a_good_production_configuration_starts():
    assert check_settings(GOOD_PRODUCTION, workers=4) == []
    assert validate_settings(GOOD_PRODUCTION) is GOOD_PRODUCTION


@pytest.mark.parametrize(
    ("change", "workers", "names"),
    [
        ({"secret_key": DEV_SECRET_KEY}, 1, "HETAO_SECRET_KEY"),
        ({"secret_key": "short"}, 1, "HETAO_SECRET_KEY"),
        ({"database_url": "sqlite:///var/hetao.db"}, 2, "SQLite"),
        ({"mail_backend": "console"}, 1, "HETAO_MAIL_BACKEND=console"),
        ({"mail_backend": "memory"}, 1, "HETAO_MAIL_BACKEND=memory"),
        ({"smtp_host": ""}, 1, "HETAO_SMTP_HOST"),
        ({"secure_cookies": False}, 1, "HETAO_SECURE_COOKIES"),
        ({"database_replica_url": "sqlite:///var/replica.db"}, 1, "HETAO_DATABASE_REPLICA_URL"),
    ],
)
def test_production_refuses_each_unsafe_setting(change, workers, names):
    settings = dataclasses.replace(GOOD_PRODUCTION, **change)
    problems = check_settings(settings, workers=workers)
    assert len(problems) == 1 and names in problems[0]
    with pytest.raises(SettingsError) as raised:
        validate_settings(settings, workers=workers)
    assert names in str(raised.value)


def test_sqlite_with_one_worker_is_allowed_in_production():
    settings = dataclasses.replace(GOOD_PRODUCTION, database_url="sqlite:///var/hetao.db")
    assert check_settings(settings, workers=1) == []


def test_a_postgresql_replica_starts_in_production_and_one_naming_the_primary_is_harmless():
    replica = dataclasses.replace(
        GOOD_PRODUCTION, database_replica_url="postgresql+psycopg://hetao@db-ro/hetao"
    )
    assert check_settings(replica, workers=4) == []
    same = dataclasses.replace(GOOD_PRODUCTION, database_replica_url=GOOD_PRODUCTION.database_url)
    assert check_settings(same, workers=4) == []
    # Development may pair any two databases (the tests use two SQLite files).
    assert check_settings(Settings(database_replica_url="sqlite:///var/replica.db")) == []


def test_the_development_defaults_list_every_production_problem_at_once():
    problems = check_settings(Settings(env="production"), workers=3)
    assert len(problems) == 4


@pytest.mark.parametrize(
    ("change", "name"),
    [
        ({"env": "staging"}, "HETAO_ENV"),
        ({"log_format": "xml"}, "HETAO_LOG_FORMAT"),
        ({"log_level": "LOUD"}, "HETAO_LOG_LEVEL"),
        ({"mail_backend": "pigeon"}, "HETAO_MAIL_BACKEND"),
        ({"retention_draft_days": 0}, "HETAO_RETENTION_DRAFT_DAYS"),
        ({"retention_document_days": -1}, "HETAO_RETENTION_DOCUMENT_DAYS"),
        ({"max_body_bytes": 1000}, "HETAO_MAX_BODY_BYTES"),
    ],
)
def test_unknown_values_are_refused_everywhere(change, name):
    [problem] = check_settings(Settings(**change))
    assert problem.startswith(name)
