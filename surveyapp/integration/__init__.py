"""Surveys linked to dossiers (issue 15): the one-stop software's API under /api/v1/, the
dossier survey links under /d/, and the administrators' page of API clients.

The blueprints are registered by the app factory; `init_app` creates the per-client rate
limiter of the API (API_RATE_*, declared in surveyapp/settings.py).
"""
from __future__ import annotations

from flask import Flask

from surveyapp.kiosk.ratelimit import TokenBucket


def init_app(app: Flask) -> None:
    app.extensions["api_client_limiter"] = TokenBucket(
        app.config["API_RATE_BURST"], app.config["API_RATE_PER_MINUTE"] / 60
    )
