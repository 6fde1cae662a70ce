"""A bounded schemathesis run over the whole OpenAPI document, in process (ASGI, no network): every
operation answers without a server error, with a declared status code, a declared content type and
a body that conforms to the declared schema. Derandomised and bounded, so CI runs it the same way
every time in a few minutes, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from hetao.core.settings import Settings

#: Examples per operation (25 operations): enough to reach every parameter's edge cases.
MAX_EXAMPLES = int(os.environ.get("HETAO_FUZZ_EXAMPLES", "40"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _served_schema():
    """The document the app serves at /openapi.json (it never touches the database, so an app on an
    unused in-memory database serves it at collection time; each test then calls its own app)."""
    from hetao.app import create_app

    app = create_app(Settings(database_url="sqlite://", outbox_interval=0, search_backend="none"))
    return schemathesis.openapi.from_asgi("/openapi.json", app)


# Not ``schemathesis.pytest.from_fixture``: its lazy loader reads a private pytest attribute that
# pytest 9 no longer has.
schema = _served_schema()


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_every_operation_conforms_to_the_schema(case, lexical_app):
    case.call_and_validate(app=lexical_app, checks=CHECKS)
