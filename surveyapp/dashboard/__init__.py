"""The officials' dashboard: monthly reports of a unit, drill-downs, print and exports.

The pages are the `dashboard` blueprint of `routes.py`, registered by the app factory;
`init_app` adds what they need from the application: the `period` URL converter (before the
blueprint is registered) and the label helpers of the templates.
"""
from __future__ import annotations

from flask import Flask
from werkzeug.exceptions import NotFound
from werkzeug.routing import BaseConverter

from surveyapp import audit_labels, labels
from surveyapp.periods import MONTH_REGEX, PERIOD_SHAPE_REGEX, Period, PeriodError, month_label


class MonthConverter(BaseConverter):
    """`YYYY-MM` with a real month, so `/reports/X/2026-11.csv` never matches the HTML route."""

    regex = MONTH_REGEX


class PeriodNotFound(NotFound):
    """A report URL whose period is malformed: a 404 whose page says why (web/errors.py)."""

    def __init__(self, error: PeriodError) -> None:
        super().__init__()
        self.error = error

    def reason(self) -> str:
        return labels.period_error(self.error)


class PeriodConverter(BaseConverter):
    """A period of surveyapp.periods (`2026-11`, `2026-Q3`, `2026-H1`, `2026`, `2026-YTD`,
    `2026-01..2026-05`). Every month URL matches exactly as with the month converter, and
    `/reports/X/2026-Q3.csv` never matches the HTML route. A text of a period's shape that is not
    one (`2026-13`, `2026-Q5`, a backwards or too long range) is a 404 saying why."""

    regex = PERIOD_SHAPE_REGEX

    def to_python(self, value: str) -> str:
        try:
            Period.parse(value)
        except PeriodError as error:
            raise PeriodNotFound(error) from None
        return value


def role_label(role: str) -> str:
    from flask_babel import gettext as _

    return {"admin": _("Administrator"), "manager": _("Manager"), "viewer": _("Viewer")}.get(role, role)


def init_app(app: Flask) -> None:
    app.url_map.converters["month"] = MonthConverter
    app.url_map.converters["period"] = PeriodConverter
    app.jinja_env.globals.update(
        role_label=role_label,
        month_label=month_label,
        period_label=labels.period_label,
        flag_label=labels.flag_label,
        channel_label=labels.channel_label,
        group_label=labels.group_label,
        short_label=labels.short_label,
        status_label=labels.status_label,
        position_label=labels.position_label,
        weighting_label=labels.weighting_label,
        form_label=labels.form_label,
        note_label=labels.note_label,
        tier_label=labels.tier_label,
        audit_action_label=audit_labels.action_label,
        audit_detail_lines=audit_labels.detail_lines,
    )
