"""The officials' dashboard: monthly reports of a unit, drill-downs, print and exports."""
from __future__ import annotations

from flask import Blueprint, Flask
from werkzeug.routing import BaseConverter

from surveyapp import labels
from surveyapp.periods import MONTH_REGEX, month_label

bp = Blueprint("dashboard", __name__)


class MonthConverter(BaseConverter):
    """`YYYY-MM` with a real month, so `/reports/X/2026-11.csv` never matches the HTML route."""

    regex = MONTH_REGEX


def role_label(role: str) -> str:
    from flask_babel import gettext as _

    return {"admin": _("Administrator"), "manager": _("Manager"), "viewer": _("Viewer")}.get(role, role)


def init_app(app: Flask) -> None:
    """Accounts (/login, /admin), the dashboard (/reports) and management (/manage)."""
    from surveyapp import auth
    from surveyapp.dashboard import routes  # noqa: F401  (routes registers the views on bp)
    from surveyapp.manage import bp as manage_bp

    app.url_map.converters["month"] = MonthConverter
    app.jinja_env.globals.update(
        role_label=role_label, month_label=month_label, flag_label=labels.flag_label, channel_label=labels.channel_label,
        status_label=labels.status_label, position_label=labels.position_label,
    )
    auth.init_app(app)
    app.register_blueprint(bp)
    app.register_blueprint(manage_bp)
