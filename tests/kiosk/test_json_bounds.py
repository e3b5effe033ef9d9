"""Every JSON endpoint bounds the depth and size of what it parses: a hostile body is a 400 or
413 with a JSON error, never a 500 (issue 11)."""
from __future__ import annotations

import pytest

from surveyapp.web.jsonbody import MAX_JSON_DEPTH, nesting_depth, parse_json_body
from tests.kiosk.helpers import auth, item, pair


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": False, "KIOSK_RATE_BURST": 100_000, "KIOSK_PAIR_BURST": 100_000}


def _nested(depth: int, inner: str = "1") -> bytes:
    return ("[" * depth + inner + "]" * depth).encode()


@pytest.mark.parametrize("body", [
    _nested(5000),
    ('{"code": ' + "[" * 5000 + "]" * 5000 + "}").encode(),
    ('{"a":' * 5000 + "1" + "}" * 5000).encode(),
    _nested(MAX_JSON_DEPTH + 1),
    b"[" * 200_000,  # never closed
])
def test_deeply_nested_json_to_the_unauthenticated_pairing_is_a_json_400(client, body):
    reply = client.post("/api/kiosk/pair", data=body, content_type="application/json")
    assert reply.status_code in (400, 413)
    assert reply.get_json()["error"] in ("json_too_deep", "request_too_large")


def test_the_pairing_refuses_a_5000_deep_body_as_too_deep(client):
    reply = client.post("/api/kiosk/pair", data=_nested(5000), content_type="application/json")
    assert reply.status_code == 400 and reply.get_json() == {"error": "json_too_deep"}
    assert reply.headers["Cache-Control"] == "no-store"


def test_the_pairing_refuses_a_large_body_without_reading_it_as_json(client):
    body = b'{"code": "123456", "app_version": "' + b"x" * 5000 + b'"}'
    reply = client.post("/api/kiosk/pair", data=body, content_type="application/json")
    assert reply.status_code == 413 and reply.get_json()["error"] == "request_too_large"


def test_a_deep_batch_from_a_paired_tablet_is_a_json_400(app, client):
    token = pair(app, client)["token"]
    body = b'{"responses": [' + _nested(5000) + b"]}"
    reply = client.post("/api/kiosk/responses", data=body, content_type="application/json", headers=auth(token))
    assert reply.status_code == 400 and reply.get_json()["error"] == "json_too_deep"


def test_an_ordinary_batch_is_well_within_the_depth_bound(app, client):
    import json

    token = pair(app, client)["token"]
    body = json.dumps({"responses": [item()], "backlog": 1}).encode()
    assert nesting_depth(body, MAX_JSON_DEPTH) < MAX_JSON_DEPTH
    reply = client.post("/api/kiosk/responses", data=body, content_type="application/json", headers=auth(token))
    assert reply.status_code == 200 and reply.get_json()["stored"] == 1


def test_brackets_inside_strings_do_not_count_as_nesting():
    body = b'{"comment": "' + b"[{" * 1000 + b'\\" ]]"}'
    assert nesting_depth(body, MAX_JSON_DEPTH) == 1
    parsed, refusal = parse_json_body(body)
    assert refusal is None and parsed["comment"].startswith("[{[{")


def test_a_body_that_is_not_json_is_malformed():
    assert parse_json_body(b"\xff\xfe")[1].code == "malformed_json"
    assert parse_json_body(b"{")[1].code == "malformed_json"
