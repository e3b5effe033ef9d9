"""Kiosk mode (issue 5): the tablet client at /kiosk/, its JSON API under /api/, admin pages.

`init_app` registers both blueprints and the kiosk's settings; each setting can be
overridden by an environment variable of the same name (see docs/KIOSK.md).
"""
from __future__ import annotations

import os

from flask import Flask

from surveyapp.resources import resource_path

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
    from surveyapp.extensions import csrf
    from surveyapp.kiosk.admin import bp as admin_bp
    from surveyapp.kiosk.api import bp as api_bp
    from surveyapp.kiosk.client import bp as client_bp
    from surveyapp.kiosk.ratelimit import TokenBucket

    for key, default in DEFAULTS.items():
        app.config.setdefault(key, int(os.environ.get(key, default)))
    app.config.setdefault("KIOSK_DIR", os.environ.get("KIOSK_DIR", str(resource_path("kiosk"))))
    app.config.setdefault("OPENAPI_PATH", str(resource_path("docs/openapi.yaml")))
    app.extensions["kiosk_device_limiter"] = TokenBucket(
        app.config["KIOSK_RATE_BURST"], app.config["KIOSK_RATE_PER_MINUTE"] / 60
    )
    app.extensions["kiosk_pair_limiter"] = TokenBucket(
        app.config["KIOSK_PAIR_BURST"], app.config["KIOSK_PAIR_PER_MINUTE"] / 60
    )
    # Bearer-authenticated JSON, never cookies: CSRF tokens do not apply.
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(client_bp)
    app.register_blueprint(admin_bp)
