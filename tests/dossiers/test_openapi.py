"""docs/openapi.yaml describes /api/v1/: real answers validate, and a bounded fuzz with a real
client secret never gets an undocumented answer (the kiosk's pattern, tests/kiosk/)."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import CHECKS

from tests.dossiers.conftest import CONTACT_KEY
from tests.dossiers.helpers import api_client, bearer, dossier
from tests.kiosk.test_openapi import conforms, spec  # noqa: F401  (the fixture)

FUZZ_EXAMPLES = 25


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": False, "API_RATE_BURST": 100_000, "CONTACT_KEY": CONTACT_KEY}


def test_real_answers_validate_against_the_documented_schemas(app, client, spec):  # noqa: F811
    secret = api_client(app)
    dossiers, volumes = "/api/v1/dossiers", "/api/v1/volumes"
    batch = [dossier(code="A", contact={"email": "a@example.vn"}, consent=True), dossier(code="A"), {"x": 1}, 7,
             dossier(code="B", counter="NOPE")]
    conforms(spec, dossiers, "post", client.post(dossiers, json=batch, headers=bearer(secret)))
    conforms(spec, dossiers, "post", client.post(dossiers, json=dossier(code="C", returned_on=None), headers=bearer(secret)))
    conforms(spec, dossiers, "post", client.post(dossiers, json=[], headers=bearer(secret)))
    conforms(spec, dossiers, "post", client.post(dossiers, data="{", headers=bearer(secret)))
    conforms(spec, dossiers, "post", client.post(dossiers, json=[{}] * 501, headers=bearer(secret)))
    conforms(spec, dossiers, "post", client.post(dossiers, json=dossier(), headers=bearer("wrong")))
    good = {"unit": "DEMO", "month": "2026-10", "dossiers_returned": 3}
    conforms(spec, volumes, "post", client.post(volumes, json=[good, good, {"unit": 1}], headers=bearer(secret)))
    conforms(spec, volumes, "post", client.post(volumes, json=good))
    feedback = "/api/v1/feedback"
    complaint = {"unit": "DEMO", "code": "PAKN-1", "received_on": "2026-10-01", "due_on": "2026-10-10",
                 "handled_on": "2026-10-09", "dissatisfied": False, "dossier_code": "X"}
    outside = api_client(app, "commune", "DEMO-TTHCC")
    conforms(spec, feedback, "post", client.post(feedback, json=[complaint, complaint, {"unit": 1}, 7],
                                                 headers=bearer(secret)))
    conforms(spec, feedback, "post", client.post(feedback, json=complaint, headers=bearer(outside)))
    conforms(spec, feedback, "post", client.post(feedback, json=[{}] * 501, headers=bearer(secret)))


def test_the_api_answers_every_generated_request_as_documented(app):
    headers = {**bearer(api_client(app)), "Accept-Encoding": "identity"}
    schema = schemathesis.openapi.from_wsgi("/api/openapi.yaml", app)
    negative = [check for check in CHECKS.get_all() if check.__name__ == "negative_data_rejection"]
    operations = [op for op in (result.ok() for result in schema.get_all_operations()) if op.path.startswith("/api/v1/")]
    assert {op.path for op in operations} == {"/api/v1/dossiers", "/api/v1/volumes", "/api/v1/feedback"}

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def answers_as_documented(case):  # type: ignore[no-untyped-def]
            response = case.call_and_validate(headers=headers, excluded_checks=negative)
            assert response.status_code < 500

        answers_as_documented()
