"""surveyapp: citizen satisfaction surveys for Vietnam's one-stop shops."""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from surveyapp import settings


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Application factory (the Flask tutorial's shape): settings, extensions, blueprints, CLI.

    Raises settings.SettingsError, naming each malformed setting, before anything else starts.
    """
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(settings.load(app.instance_path, test_config))
    os.makedirs(app.instance_path, exist_ok=True)

    # Imported here, not at the top: importing one submodule (a model in a migration, the
    # settings) must not load the whole web application.
    from surveyapp import auth, dashboard, db, i18n, integration, kiosk
    from surveyapp.alerts import admin as alert_pages
    from surveyapp.auth import admin as _account_pages  # noqa: F401  (its views attach to the auth blueprint)
    from surveyapp.auth import routes as sign_in_pages
    from surveyapp.campaigns import admin as campaign_pages
    from surveyapp.cli import register_commands
    from surveyapp.dashboard import routes as dashboard_pages
    from surveyapp.extensions import csrf
    from surveyapp.integration import admin as api_client_pages
    from surveyapp.integration import api as integration_api
    from surveyapp.kiosk import admin as kiosk_admin_pages
    from surveyapp.kiosk import api as kiosk_api
    from surveyapp.kiosk import client as kiosk_client
    from surveyapp.manage import activation as _activation  # noqa: F401  (its view attaches to the manage blueprint)
    from surveyapp.manage import routes as manage_pages
    from surveyapp.manage import slips as _slip_pages  # noqa: F401  (its view attaches to the manage blueprint)
    from surveyapp.manage import xlsform as _xlsform_page  # noqa: F401  (its view attaches to the manage blueprint)
    from surveyapp.public import routes as public_pages
    from surveyapp.survey import routes as survey_pages
    from surveyapp.web import compression, hardening, public_url
    from surveyapp.web import routes as site_pages
    from surveyapp.web.errors import register_error_handlers
    from surveyapp.web.filters import register_filters

    db.init_app(app)
    i18n.init_app(app)
    csrf.init_app(app)
    register_filters(app)
    register_error_handlers(app)
    auth.init_app(app)  # the signed-in official of each request
    dashboard.init_app(app)  # the `month` URL converter, label helpers of the templates
    kiosk.init_app(app)  # the kiosk API's rate limiters
    integration.init_app(app)  # the per-client rate limiter of the one-stop software's API

    # Every blueprint of the application.
    app.register_blueprint(site_pages.bp)  # home: /
    app.register_blueprint(survey_pages.bp)  # citizens: /s/<counter>, /t/<token>, /thanks, /posters/<counter>
    # officials: /login, /logout (auth/routes.py) and, on the same blueprint, the account pages
    # /admin/users, /admin/audit (auth/admin.py, imported above for them)
    app.register_blueprint(sign_in_pages.bp)
    app.register_blueprint(dashboard_pages.bp)  # reports: /reports/...
    app.register_blueprint(manage_pages.bp)  # units, counters, procedures, CSV imports, slips, /manage/xlsform
    app.register_blueprint(kiosk_api.bp)  # counter tablets' JSON API: /api/...
    csrf.exempt(kiosk_api.bp)  # bearer-authenticated JSON, never cookies: CSRF tokens do not apply
    app.register_blueprint(kiosk_client.bp)  # the tablet client: /kiosk/
    app.register_blueprint(kiosk_admin_pages.bp)  # pairing and revoking tablets: /admin/kiosks
    app.register_blueprint(integration_api.bp)  # the one-stop software's JSON API: /api/v1/...
    csrf.exempt(integration_api.bp)  # bearer-authenticated JSON, like the kiosk API
    app.register_blueprint(api_client_pages.bp)  # API clients of integrating systems: /admin/api-clients
    app.register_blueprint(campaign_pages.bp)  # ad-hoc survey campaigns: /admin/campaigns
    app.register_blueprint(public_pages.bp)  # published units' results, no sign-in: /public/...
    app.register_blueprint(alert_pages.bp)  # subscriptions, webhooks, rules, deliveries: /admin/alerts

    hardening.init_app(app)  # security headers, /healthz, rate limits, JSON request log
    compression.init_app(app)  # br/gzip/zstd for GET replies
    public_url.init_app(app)  # warns when PUBLIC_BASE_URL points at this machine
    register_commands(app)
    return app
