"""A short, bounded fuzz of the kiosk API generated from docs/openapi.yaml (Schemathesis).

Every generated request, valid or not, must get an answer the document describes: no 5xx,
a documented status, a body matching the documented schema. The fuzz runs with a paired
device's credential and no rate limit, inside the app (WSGI): a few seconds.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import CHECKS

from tests.kiosk.helpers import pair

FUZZ_EXAMPLES = 25


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": False, "KIOSK_RATE_BURST": 100_000, "KIOSK_PAIR_BURST": 100_000}


@pytest.fixture
def device_headers(app, client):  # type: ignore[no-untyped-def]
    # Schemathesis's in-process (WSGI) transport advertises compression but does not decode it,
    # as real HTTP clients do; ask for plain bodies so the schema checks read the JSON.
    return {"Authorization": "Bearer " + pair(app, client)["token"], "Accept-Encoding": "identity"}


def test_the_api_answers_every_generated_request_as_documented(app, device_headers):  # type: ignore[no-untyped-def]
    schema = schemathesis.openapi.from_wsgi("/api/openapi.yaml", app)  # the served document
    # 413 is the documented answer to an over-long batch; Schemathesis's default list of
    # "rejections" lacks it, so its negative-data check is left out (the others all run).
    negative = [check for check in CHECKS.get_all() if check.__name__ == "negative_data_rejection"]
    operations = [result.ok() for result in schema.get_all_operations()]
    # (Schemathesis leaves out the document's own path; test_openapi.py covers it.)
    assert {op.path for op in operations} >= {"/api/kiosk/pair", "/api/kiosk/definition", "/api/kiosk/responses"}

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def answers_as_documented(case):  # type: ignore[no-untyped-def]
            response = case.call_and_validate(headers=device_headers, excluded_checks=negative)
            assert response.status_code < 500
            if response.status_code >= 400:
                assert "error" in response.json()

        answers_as_documented()
