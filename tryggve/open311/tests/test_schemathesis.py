"""schemathesis against /open311/v2/openapi.json: at least 5,000 generated calls, valid and
invalid, straight into the WSGI application; none may answer with a server error or with
anything the description does not promise (status, content type, JSON schema).

Slow (minutes; about three on an idle two-core machine): marked `slow`, and run in CI
like every other test.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# At least this many calls. CI runs the full 5,000 on SQLite and a shorter pass on
# PostgreSQL (.ci/run sets the three variables there) to keep the whole run short.
TOTAL = int(os.environ.get("OPEN311_MIN_CALLS", "5000"))
# Examples per operation and mode. Invalid calls cost about twice as much to generate, so
# they get fewer; discovery has no parameters (one distinct call, no invalid one).
EXAMPLES = {
    GenerationMode.POSITIVE: int(os.environ.get("OPEN311_POSITIVE", "300")),
    GenerationMode.NEGATIVE: int(os.environ.get("OPEN311_NEGATIVE", "120")),
}

pytestmark = pytest.mark.slow


@pytest.fixture
def same_connection():
    """Keep the test's database connection across the WSGI requests, as Django's test
    client does: the handler would otherwise close it at each request's start and end."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_openapi_holds_for_generated_calls(
    db, settings, same_connection, published, unpublished, key
):
    settings.PUBLIC_POST_LIMITS = {**settings.PUBLIC_POST_LIMITS, "open311": (100_000, 3600)}
    app = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi("/open311/v2/openapi.json", app)
    calls = 0
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 14
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @hypothesis_settings(
                max_examples=EXAMPLES[mode],
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def run(case):
                nonlocal calls
                if case.method == "POST" and isinstance(case.body, dict) and calls % 2:
                    # Half of the filings carry a real key, so the form's checks are reached.
                    case.body["api_key"] = key
                response = case.call()
                calls += 1
                case.validate_response(response, checks=CHECKS)

            try:
                run()
            except Unsatisfiable:
                # No invalid call exists for an operation without parameters (discovery).
                assert mode is GenerationMode.NEGATIVE and not operation.path_parameters
    assert calls >= TOTAL
