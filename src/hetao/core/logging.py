"""Logging set-up: one JSON object per line in production, readable lines in development; the
request id of the request being served on every record; personal data masked (``core.masking``)."""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

from hetao.core.masking import MaskingFilter, mask_personal_data

#: The id of the request this code runs for ("-" outside requests); set by the HTTP adapter.
REQUEST_ID: ContextVar[str] = ContextVar("hetao_request_id", default="-")
#: Extra record attributes written as JSON fields when present (the access log sets them).
FIELDS = ("method", "route", "status", "duration_ms")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", "request_id", ...}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or REQUEST_ID.get(),
        }
        for name in FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_personal_data(self.formatException(record.exc_info))
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(request_id)s] %(message)s"


def logging_config(*, log_format: str = "text", level: str = "INFO") -> dict:
    """A :func:`logging.config.dictConfig` for the whole process (uvicorn's loggers included)."""
    formatter = (
        {"()": "hetao.core.logging.JsonFormatter"}
        if log_format == "json"
        else {"format": TEXT_FORMAT, "datefmt": "%Y-%m-%d %H:%M:%S"}
    )
    handler = {
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
        "formatter": "default",
        "filters": ["request_id", "masking"],
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "hetao.core.logging.RequestIdFilter"},
            "masking": {"()": "hetao.core.masking.MaskingFilter"},
        },
        "formatters": {"default": formatter},
        "handlers": {"default": handler},
        "root": {"handlers": ["default"], "level": level},
        "loggers": {
            **{
                name: {"handlers": [], "level": level, "propagate": True}
                for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "hetao")
            },
            # Alembic says "Context impl ..." on every readiness check.
            "alembic": {"handlers": [], "level": "WARNING", "propagate": True},
        },
    }


__all__ = ["REQUEST_ID", "JsonFormatter", "MaskingFilter", "RequestIdFilter", "logging_config"]
