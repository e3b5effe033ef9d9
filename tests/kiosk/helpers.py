"""Shared steps of the kiosk tests: pairing a tablet and building queued responses."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from surveyapp.db import get_session
from surveyapp.services.kiosk.devices import create_pairing_code
from surveyapp.services.organisation.lookups import counter_by_code

COMPLETE = {"overall": 5, "E1": 4, "E2": "5", "E3": 4, "E4": "na", "E5": 3, "trips": "1", "slip": "yes", "harassment": "none"}


def pairing_code(app: Flask, counter: str = "TT-Q01", hours: float = 24) -> str:
    with app.app_context():
        session = get_session()
        code = create_pairing_code(session, counter_by_code(session, counter), timedelta(hours=hours)).code
        session.commit()  # as the request or command that asks for a code does
        return code


def pair(app: Flask, client: FlaskClient, counter: str = "TT-Q01") -> dict[str, Any]:
    response = client.post("/api/kiosk/pair", json={"code": pairing_code(app, counter), "app_version": "test"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def item(answers: dict[str, Any] | None = None, when: datetime | None = None, **fields: Any) -> dict[str, Any]:
    moment = when or datetime.now(UTC)
    return {
        "id": uuid.uuid4().hex,
        "answered_at": moment.isoformat(),
        "language": "vi",
        "answers": dict(COMPLETE if answers is None else answers),
        **fields,
    }
