"""Kiosk mode (issue 5): the tablet client at /kiosk/, its JSON API under /api/, admin pages.

The blueprints are registered by the app factory; `init_app` creates the two in-process rate
limiters the API uses. The kiosk's settings (KIOSK_*) are declared in surveyapp/settings.py.
"""
from __future__ import annotations

from flask import Flask

from surveyapp.kiosk.ratelimit import TokenBucket


def init_app(app: Flask) -> None:
    app.extensions["kiosk_device_limiter"] = TokenBucket(
        app.config["KIOSK_RATE_BURST"], app.config["KIOSK_RATE_PER_MINUTE"] / 60
    )
    app.extensions["kiosk_pair_limiter"] = TokenBucket(
        app.config["KIOSK_PAIR_BURST"], app.config["KIOSK_PAIR_PER_MINUTE"] / 60
    )
