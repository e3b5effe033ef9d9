"""The dashboard's GET forms: the month and period switch, the funnel's centre and the comment filter.

They read the query string (field names are a contract: `unit`, `month`, `tab`, and the period
picker's `period`, `start`, `end`; `funnel_center`; `unit`, `counter`, `max_overall`, `q`, `page`).
They change nothing, so a malformed value is not an error page: it falls back to the default (this
month, no filter, the first page). Whether the official may see a unit is the route's
`_visible_unit`, and a unit filter can only narrow the page's scope
(surveyapp.services.reporting.dashboard.comments_page).
"""
from __future__ import annotations

from wtforms import IntegerField, StringField
from wtforms.validators import AnyOf, NumberRange, Optional, Regexp

from analysis.model import CENTER_KINDS
from analysis.sipas import MEASURES
from surveyapp.periods import MONTH_REGEX, PERIOD_SHAPE_REGEX, this_month
from surveyapp.services.organisation.codes import CODE_PATTERN
from surveyapp.services.reporting.dashboard import CommentFilter
from surveyapp.web.forms import QueryForm, at_most, strip

TAB_ENDPOINTS = ("report", "criteria", "comments")  # tabs that are views of their own name
BREAKDOWNS = ("counter", "procedure", "channel")  # tabs of `/by/<breakdown>`
SEARCH_LIMIT = 100
SCORES = (1, 5)  # the overall score's scale


class MonthSwitchForm(QueryForm):
    unit = StringField(default="")
    month = StringField(default=this_month, validators=[Regexp(f"^{MONTH_REGEX}$")])
    tab = StringField(default="report", validators=[AnyOf((*TAB_ENDPOINTS, *BREAKDOWNS))])
    # The period picker: a quarter, half-year, year or year to date, or a range `start..end`.
    # Only their shape is checked here: a period of the right shape that is still not one (a
    # range ending before it starts) goes to its URL, whose 404 page says why.
    period = StringField(default="", validators=[Optional(), Regexp(f"^{PERIOD_SHAPE_REGEX}$")])
    start = StringField(default="", validators=[Optional(), Regexp(f"^{MONTH_REGEX}$")])
    end = StringField(default="", validators=[Optional(), Regexp(f"^{MONTH_REGEX}$")])

    def chosen_period(self) -> str:
        """The period asked for: the range if both its months are given, else the picked
        period, else the month."""
        start, end = self.value("start"), self.value("end")
        if start and end:
            return f"{start}..{end}"
        return str(self.value("period") or self.value("month"))


class FunnelCenterForm(QueryForm):
    """`funnel_center` of the report pages: the funnel's centre line, the parent's rate (default)
    or the unit's target; any other value falls back to the parent's rate."""

    funnel_center = StringField(default="parent", validators=[AnyOf(CENTER_KINDS)])


class CommentFilterForm(QueryForm):
    unit = StringField()
    counter = StringField()
    max_overall = IntegerField(validators=[Optional(), NumberRange(*SCORES)])
    q = StringField(filters=[strip, at_most(SEARCH_LIMIT)])
    page = IntegerField(default=1, validators=[NumberRange(min=1)])

    def chosen(self) -> CommentFilter:
        return CommentFilter(
            unit_code=self.value("unit") or None,
            counter_code=self.value("counter") or None,
            max_overall=self.value("max_overall"),
            text=self.value("q") or None,
        )

    def page_number(self) -> int:
        return int(self.value("page"))


class RankingForm(QueryForm):
    """The ranking page's query: `measure` (service index by default), `all_communes=1` (every
    commune of the subtree instead of the direct sub-units) and `against` (`parent` or `target`).
    A malformed value falls back to the default, as every link of the dashboard does."""

    measure = StringField(default="service_index", validators=[AnyOf(MEASURES)])
    all_communes = StringField(default="", validators=[Optional(), AnyOf(("", "0", "1"))])
    against = StringField(default="parent", validators=[AnyOf(("parent", "target"))])

    def wants_all_communes(self) -> bool:
        return self.value("all_communes") == "1"

    def query(self) -> dict[str, str]:
        """The chosen options as a query string for the page's exports and print view."""
        out = {"measure": str(self.value("measure")), "against": str(self.value("against"))}
        if self.wants_all_communes():
            out["all_communes"] = "1"
        return out
class HelpExampleForm(QueryForm):
    """`unit` and `period` of the help page (`/help/reports?unit=…&period=…`, linked from every
    report page): the report whose numbers the page uses as its examples. A malformed value only
    drops the examples."""

    unit = StringField(default="", validators=[Optional(), Regexp(CODE_PATTERN.pattern)])
    period = StringField(default="", validators=[Optional(), Regexp(f"^{PERIOD_SHAPE_REGEX}$")])
