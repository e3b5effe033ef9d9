"""The officials' dashboard: monthly reports of a unit, drill-downs, print and exports.

The pages are the `dashboard` blueprint of `routes.py`, registered by the app factory;
`init_app` adds what they need from the application: the `month` URL converter (before the
blueprint is registered) and the label helpers of the templates.
"""
from __future__ import annotations

from flask import Flask
from werkzeug.routing import BaseConverter

from surveyapp.dashboard import views


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
    app.url_map.converters["month"] = MonthConverter
    app.jinja_env.globals.update(
        role_label=role_label, month_label=month_label, flag_label=views.flag_label, channel_label=views.channel_label
    )
