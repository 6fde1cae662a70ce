"""Checking a value of the merged application form against its field in the shared registry."""

from __future__ import annotations

import re
from datetime import date

from hetao.core.errors import Problem, ValidationFailed
from hetao.core.i18n import N_
from hetao.journeys.model import FieldSpec

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_field_value(spec: FieldSpec, raw: str, *, required: bool = True) -> str:
    """The cleaned value (surrounding spaces removed) of ``spec`` or ValidationFailed at its id.

    When the value does not match the field's pattern, the Problem carries the field's own
    ``invalid`` text per locale in ``params["hint"]`` (a ``Text``), so it can be shown with the message."""
    value = (raw or "").strip()
    if not value:
        if required:
            raise ValidationFailed([Problem(spec.id, N_("Answer this question."))])
        return value
    if spec.max_length is not None and len(value) > spec.max_length:
        raise ValidationFailed(
            [Problem(spec.id, N_("Enter at most %(maximum)s characters."), {"maximum": spec.max_length})]
        )
    if spec.kind == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            raise ValidationFailed(
                [Problem(spec.id, N_("Enter a date as year-month-day, for example 2026-03-02."))]
            ) from None
    if spec.kind == "email" and not _EMAIL.match(value):
        raise ValidationFailed([Problem(spec.id, N_("Enter an e-mail address such as name@example.com."))])
    if spec.pattern and not re.fullmatch(spec.pattern, value):
        params: dict[str, object] = {}
        if spec.invalid is not None:
            params["hint"] = spec.invalid
        raise ValidationFailed([Problem(spec.id, N_("This value is not in the expected form."), params)])
    return value
