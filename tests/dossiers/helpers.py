"""Shared steps of the dossier tests: an API client and a well-formed dossier."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask

from surveyapp.db import get_session
from surveyapp.services.integration.clients import create_client


def api_client(app: Flask, name: str = "mot-cua", unit: str = "DEMO") -> str:
    """A client's secret, as `create-api-client` prints it."""
    with app.app_context():
        session = get_session()
        secret = create_client(session, name, unit).secret
        session.commit()  # as the command that creates it does
        return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def dossier(code: str = "000.00.01.H01-261127-0001", **fields: Any) -> dict[str, Any]:
    today = date.today()
    item: dict[str, Any] = {
        "dossier_code": code,
        "procedure": "1.001193",
        "counter": "TT-Q01",
        "submit_channel": "direct",
        "receive_channel": "postal",
        "received_on": (today - timedelta(days=10)).isoformat(),
        "due_on": (today - timedelta(days=3)).isoformat(),
        "returned_on": (today - timedelta(days=1)).isoformat(),
        "apology_slip": True,
    }
    item.update(fields)
    return {key: value for key, value in item.items() if value is not None}
