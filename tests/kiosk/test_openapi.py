"""docs/openapi.yaml says what the server does: same paths and methods, real answers validate."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.exceptions import MethodNotAllowed, NotFound

from surveyapp.settings import PROJECT_ROOT
from tests.kiosk.helpers import auth, item, pair, pairing_code

DOC_PATH = PROJECT_ROOT / "docs" / "openapi.yaml"
URI = "urn:surveyapp:openapi"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return yaml.safe_load(Path(DOC_PATH).read_text(encoding="utf-8"))


def validator(spec: dict[str, Any], path: str, method: str, status: int) -> Draft202012Validator:
    """The documented JSON schema of one answer, with its $refs resolvable."""
    answer = spec["paths"][path][method]["responses"][str(status)]
    if "$ref" in answer:
        answer = spec["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    schema = answer["content"]["application/json"]["schema"]
    registry = Registry().with_resource(URI, Resource.from_contents(spec, default_specification=DRAFT202012))
    if "$ref" in schema:
        schema = {"$ref": URI + schema["$ref"]}
    return Draft202012Validator(schema, registry=registry)


def conforms(spec, path, method, response) -> None:  # type: ignore[no-untyped-def]
    assert str(response.status_code) in spec["paths"][path][method]["responses"], (path, method, response.status_code)
    errors = list(validator(spec, path, method, response.status_code).iter_errors(response.get_json()))
    assert not errors, [e.message for e in errors]


def test_the_document_is_served_at_api_openapi_yaml(client):
    response = client.get("/api/openapi.yaml")
    assert response.status_code == 200
    assert response.mimetype == "application/yaml"
    assert response.data == DOC_PATH.read_bytes()


def test_every_documented_operation_exists_and_every_api_route_is_documented(app, spec):
    adapter = app.url_map.bind("localhost")
    for path, operations in spec["paths"].items():
        for method in operations:
            try:
                adapter.match(path, method=method.upper())
            except (NotFound, MethodNotAllowed) as error:
                pytest.fail(f"{method.upper()} {path} is documented but not served: {error}")
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert method.lower() in spec["paths"].get(rule.rule, {}), f"{method} {rule.rule} is not documented"


def test_the_schemas_are_valid_json_schema(spec):
    for schema in spec["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_real_answers_validate_against_the_documented_schemas(app, client, spec):
    pairing = "/api/kiosk/pair"
    paired = client.post(pairing, json={"code": pairing_code(app), "app_version": "1.0.0"})
    conforms(spec, pairing, "post", paired)
    conforms(spec, pairing, "post", client.post(pairing, json={"code": "0000-0000"}))
    conforms(spec, pairing, "post", client.post(pairing, json={"code": 5}))
    conforms(spec, pairing, "post", client.post(pairing, data="{"))
    headers = auth(paired.get_json()["token"])

    definition = "/api/kiosk/definition"
    conforms(spec, definition, "get", client.get(definition, headers=headers))
    conforms(spec, definition, "get", client.get(definition))

    responses = "/api/kiosk/responses"
    good, bad = item(), item({"overall": 7})
    conforms(spec, responses, "post", client.post(responses, headers=headers, json={"responses": [good, bad, good], "backlog": 3}))
    conforms(spec, responses, "post", client.post(responses, headers=headers, json={"responses": "nope"}))
    conforms(spec, responses, "post", client.post(responses, headers=headers, json={"responses": [good] * 51}))
    conforms(spec, responses, "post", client.post(responses, headers=headers, data="[" * 300_000))
    conforms(spec, responses, "post", client.post(responses, headers=auth("wrong"), json={"responses": []}))


def test_a_valid_batch_by_the_document_is_stored(app, client, spec):
    headers = auth(pair(app, client)["token"])
    batch = {"responses": [item(), item({"overall": 1, "trips": "3", "slip": "no", "harassment": "many"})], "backlog": 2, "app_version": "1.0.0"}
    request_schema = {"$ref": URI + "#/components/schemas/Batch"}
    registry = Registry().with_resource(URI, Resource.from_contents(spec, default_specification=DRAFT202012))
    assert not list(Draft202012Validator(request_schema, registry=registry).iter_errors(batch))
    body = client.post("/api/kiosk/responses", headers=headers, json=batch).get_json()
    assert body["stored"] == 2
