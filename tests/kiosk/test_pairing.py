"""Pairing a tablet once, refusing used, expired and revoked credentials, and the device list."""
from __future__ import annotations

import re

from sqlalchemy import select

from surveyapp.models import KioskDevice, KioskPairingCode
from tests.kiosk.helpers import auth, pair, pairing_code


def test_cli_prints_a_one_time_code_that_pairs_exactly_once(app, client, runner):
    result = runner.invoke(args=["pair-kiosk", "--counter", "TT-Q02"])
    assert result.exit_code == 0, result.output
    code = result.output.splitlines()[0]
    assert re.fullmatch(r"\d{4}-\d{4}", code)

    first = client.post("/api/kiosk/pair", json={"code": code, "app_version": "1.0.0"})
    assert first.status_code == 201
    body = first.get_json()
    assert body["counter"]["code"] == "TT-Q02" and len(body["token"]) >= 40

    again = client.post("/api/kiosk/pair", json={"code": code.replace("-", " ")})
    assert again.status_code == 403
    assert again.get_json() == {"error": "invalid_pairing_code"}


def test_only_hashes_are_stored(app, client, db):
    code = pairing_code(app)
    token = client.post("/api/kiosk/pair", json={"code": code}).get_json()["token"]
    stored = db.scalars(select(KioskPairingCode.code_hash)).all() + db.scalars(select(KioskDevice.token_hash)).all()
    assert stored and all(len(value) == 64 for value in stored)
    assert code.replace("-", "") not in stored and token not in stored


def test_unknown_counter_is_refused_by_the_cli(runner):
    result = runner.invoke(args=["pair-kiosk", "--counter", "NOPE"])
    assert result.exit_code != 0
    assert "NOPE" in result.output


def test_an_expired_code_does_not_pair(app, client):
    code = pairing_code(app, hours=-1)
    response = client.post("/api/kiosk/pair", json={"code": code})
    assert response.status_code == 403
    assert response.get_json()["error"] == "invalid_pairing_code"


def test_malformed_pairing_requests_get_json_errors(client):
    assert client.post("/api/kiosk/pair", data="{not json").get_json() == {"error": "malformed_json"}
    response = client.post("/api/kiosk/pair", json={"code": 12345678})
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_request"


def test_unknown_and_missing_credentials_get_401(client):
    missing = client.get("/api/kiosk/definition")
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = client.get("/api/kiosk/definition", headers=auth("not-a-real-token"))
    assert wrong.status_code == 401 and wrong.get_json() == {"error": "unauthorized"}


def test_devices_are_listed_and_a_revoked_one_is_refused(app, client, runner):
    paired = pair(app, client, "TT-Q03")
    headers = auth(paired["token"])
    assert client.get("/api/kiosk/definition", headers=headers).status_code == 200
    client.post("/api/kiosk/responses", headers=headers, json={"responses": [], "backlog": 7, "app_version": "1.2.3"})

    listing = runner.invoke(args=["kiosk-devices"])
    assert listing.exit_code == 0
    row = next(line for line in listing.output.splitlines() if line.startswith(str(paired["device_id"])))
    assert "TT-Q03" in row and "1.2.3" in row and " 7 " in row and re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", row)

    revoked = runner.invoke(args=["revoke-kiosk", "--device", str(paired["device_id"])])
    assert revoked.exit_code == 0, revoked.output
    for response in (
        client.get("/api/kiosk/definition", headers=headers),
        client.post("/api/kiosk/responses", headers=headers, json={"responses": []}),
    ):
        assert response.status_code == 403
        assert response.get_json() == {"error": "device_revoked"}
    assert str(paired["device_id"]) not in runner.invoke(args=["kiosk-devices", "--active"]).output


def test_revoking_an_unknown_device_fails(runner):
    result = runner.invoke(args=["revoke-kiosk", "--device", "999"])
    assert result.exit_code != 0
