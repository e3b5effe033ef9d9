"""Kiosk mode (issue 5): the tablet client at /kiosk/, its JSON API under /api/, admin pages.

The blueprints are registered by the app factory; `init_app` sets the kiosk's settings (each
can be overridden by an environment variable of the same name, see docs/KIOSK.md) and creates
the API's rate limiters.
"""
from __future__ import annotations

import os

from flask import Flask

from surveyapp.config import PROJECT_ROOT

DEFAULTS: dict[str, int] = {
    "KIOSK_IDLE_SECONDS": 60,  # a question left untouched this long sends the tablet back to the start
    "KIOSK_THANKS_SECONDS": 6,  # how long the thank-you stays before the attract screen
    "KIOSK_MAX_BATCH": 50,  # responses per request
    "KIOSK_MAX_AGE_DAYS": 30,  # older answered_at is refused (a tablet's clock gone wrong)
    "KIOSK_CLOCK_SKEW_SECONDS": 300,  # answered_at may be this far in the future
    "KIOSK_RATE_BURST": 30,  # requests a device may make at once ...
    "KIOSK_RATE_PER_MINUTE": 30,  # ... refilled at this rate
    "KIOSK_PAIR_BURST": 10,  # pairing attempts per client address at once ...
    "KIOSK_PAIR_PER_MINUTE": 5,  # ... refilled at this rate (guessing 8-digit codes is hopeless)
}


def init_app(app: Flask) -> None:
    from surveyapp.kiosk.ratelimit import TokenBucket

    for key, default in DEFAULTS.items():
        app.config.setdefault(key, int(os.environ.get(key, default)))
    app.config.setdefault("KIOSK_DIR", os.environ.get("KIOSK_DIR", str(PROJECT_ROOT / "kiosk")))
    app.config.setdefault("OPENAPI_PATH", str(PROJECT_ROOT / "docs" / "openapi.yaml"))
    app.extensions["kiosk_device_limiter"] = TokenBucket(
        app.config["KIOSK_RATE_BURST"], app.config["KIOSK_RATE_PER_MINUTE"] / 60
    )
    app.extensions["kiosk_pair_limiter"] = TokenBucket(
        app.config["KIOSK_PAIR_BURST"], app.config["KIOSK_PAIR_PER_MINUTE"] / 60
    )
