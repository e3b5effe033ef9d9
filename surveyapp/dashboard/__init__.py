"""The officials' dashboard: monthly reports of a unit, drill-downs, print and exports.

The pages are the `dashboard` blueprint of `routes.py`, registered by the app factory;
`init_app` adds what they need from the application: the `month` URL converter (before the
blueprint is registered) and the label helpers of the templates.
"""
from __future__ import annotations

from flask import Flask
from werkzeug.routing import BaseConverter

from surveyapp import labels
from surveyapp.periods import MONTH_REGEX, month_label


class MonthConverter(BaseConverter):
    """`YYYY-MM` with a real month, so `/reports/X/2026-11.csv` never matches the HTML route."""

    regex = MONTH_REGEX


def role_label(role: str) -> str:
    from flask_babel import gettext as _

    return {"admin": _("Administrator"), "manager": _("Manager"), "viewer": _("Viewer")}.get(role, role)


def init_app(app: Flask) -> None:
    app.url_map.converters["month"] = MonthConverter
    app.jinja_env.globals.update(
        role_label=role_label, month_label=month_label, flag_label=labels.flag_label,
        channel_label=labels.channel_label,
        status_label=labels.status_label, position_label=labels.position_label,
        weighting_label=labels.weighting_label, form_label=labels.form_label, note_label=labels.note_label,
    )
