"""surveyapp: citizen satisfaction surveys for Vietnam's one-stop shops."""
from __future__ import annotations

import os
from typing import Any, Mapping

from flask import Flask

from surveyapp.config import load_config


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Application factory (the Flask tutorial's shape): config, extensions, blueprints, CLI."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(load_config(app.instance_path))
    if test_config is not None:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)

    # Imported inside the factory: these modules import `surveyapp` submodules themselves.
    from surveyapp import dashboard, db, i18n, kiosk
    from surveyapp.cli import register_commands
    from surveyapp.extensions import csrf
    from surveyapp.survey import bp as survey_bp
    from surveyapp.web import bp as web_bp
    from surveyapp.web import compression, hardening
    from surveyapp.web.errors import register_error_handlers
    from surveyapp.web.filters import register_filters

    db.init_app(app)
    i18n.init_app(app)
    csrf.init_app(app)
    register_filters(app)
    register_error_handlers(app)
    app.register_blueprint(web_bp)  # home
    app.register_blueprint(survey_bp)  # citizens: /s/<counter>, /t/<token>, /posters/<counter>
    dashboard.init_app(app)  # officials: /login, /reports, /manage, /admin
    kiosk.init_app(app)  # counter tablets: /kiosk/ and the JSON API under /api/
    hardening.init_app(app)  # security headers, /healthz, rate limits, JSON request log
    compression.init_app(app)  # br/gzip/zstd for GET replies
    register_commands(app)
    return app
