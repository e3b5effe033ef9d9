"""The officials' dashboard: monthly reports of a unit, drill-downs, print and exports."""
from __future__ import annotations

from flask import Blueprint, Flask
from werkzeug.routing import BaseConverter

bp = Blueprint("dashboard", __name__)


class MonthConverter(BaseConverter):
    """`YYYY-MM` with a real month, so `/reports/X/2026-11.csv` never matches the HTML route."""

    regex = r"\d{4}-(?:0[1-9]|1[0-2])"


def role_label(role: str) -> str:
    from flask_babel import gettext as _

    return {"admin": _("Administrator"), "manager": _("Manager"), "viewer": _("Viewer")}.get(role, role)


def month_label(month: str) -> str:
    """`2026-11` -> `11/2026`, the way Vietnamese documents write a month."""
    return f"{month[5:7]}/{month[:4]}" if len(month) == 7 else month


def init_app(app: Flask) -> None:
    """Accounts (/login, /admin), the dashboard (/reports) and management (/manage)."""
    from surveyapp import auth
    from surveyapp.dashboard import routes, views  # noqa: F401  (routes registers the views on bp)
    from surveyapp.manage import bp as manage_bp

    app.url_map.converters["month"] = MonthConverter
    app.jinja_env.globals.update(
        role_label=role_label, month_label=month_label, flag_label=views.flag_label, channel_label=views.channel_label
    )
    auth.init_app(app)
    app.register_blueprint(bp)
    app.register_blueprint(manage_bp)
