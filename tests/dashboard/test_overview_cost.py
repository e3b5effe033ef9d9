"""The overview's first view after a change computes only what it shows (issue 13, the cold page):
its report has its children as summary rows (no criteria, elements, flags or small-area
estimates but the overall one, which the page never shows), and the page is the same, byte for
byte, as one rendered from the full report. The print view, the exports and
the report of the JSON keep the full report."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from surveyapp.db import get_session
from surveyapp.services.exports.report import report_csv
from surveyapp.services.organisation.lookups import unit_by_code
from surveyapp.services.reporting import reports
from tests.dashboard.conftest import COMMUNE, MONTH, PROVINCE

OVERVIEWS = (
    f"/reports/{PROVINCE}/{MONTH}",
    f"/reports/{PROVINCE}/{MONTH}?funnel_center=target",
    f"/reports/{PROVINCE}/{MONTH}?lang=en",
    f"/reports/{PROVINCE}/2026-Q4",
    f"/reports/{PROVINCE}/2026-07..2026-11",
    f"/reports/{COMMUNE}/{MONTH}",
)


def _page(client: FlaskClient, url: str) -> str:
    reply = client.get(url)
    assert reply.status_code == 200
    # The sign-out form's CSRF token is signed with the time of each request.
    return re.sub(r'name="csrf_token" value="[^"]+"', "", reply.get_data(as_text=True))


@pytest.fixture
def uncached(app: Flask) -> Flask:
    """Every view computed and rendered (the report cache keeps nothing)."""
    app.config["REPORT_CACHE_ENTRIES"] = 0
    return app


def test_the_overview_asks_for_no_childrens_criteria_and_shows_the_same_page(
    uncached: Flask, as_admin: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = reports.period_report
    asked: list[bool] = []  # whether each report was asked for with the full children
    force_criteria = False

    def recording(*args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs.get("child_detail", "full") == "full")
        return original(*args, **{**kwargs, "child_detail": "full"} if force_criteria else kwargs)

    monkeypatch.setattr(reports, "period_report", recording)
    # Each page twice in a row (`?lang=en` switches the session's language for what follows).
    for url in OVERVIEWS:
        force_criteria = False
        lean = _page(as_admin, url)
        force_criteria = True
        full = _page(as_admin, url)
        assert "table-children" in lean or url.startswith(f"/reports/{COMMUNE}/")
        assert lean == full, url
    assert asked == [False] * (2 * len(OVERVIEWS))


def _province() -> tuple[Any, Any]:
    """The session of the current context and the demo province in it."""
    session = get_session()
    province = unit_by_code(session, PROVINCE)
    assert province is not None
    return session, province


def _without_estimate(rate: Any) -> Any:
    return replace(rate, small_area=None)


@pytest.mark.parametrize("period", [MONTH, "2026-Q4"])
def test_summary_children_are_the_full_children_but_for_what_the_overview_never_shows(app: Flask, period: str) -> None:
    with app.app_context():
        session, province = _province()
        full = reports.period_report(session, province, period)
        summary = reports.period_report(session, province, period, child_detail="summary")
    assert full.children and all(child.criteria is not None and len(child.criteria) == 22 for child in full.children)
    assert all(rate.small_area is not None for child in full.children for rate in (child.criteria or {}).values())
    assert all(child.overall.small_area is not None for child in summary.children)
    assert summary == replace(full, children=tuple(
        replace(child, criteria=None, elements={}, flags={}, service_index=_without_estimate(child.service_index))
        for child in full.children
    ))


def test_an_unknown_child_detail_is_refused(app: Flask) -> None:
    with app.app_context():
        session, province = _province()
        with pytest.raises(ValueError):
            reports.period_report(session, province, MONTH, child_detail="some")


def test_the_exports_and_print_view_keep_the_full_report(
    app: Flask, uncached: Flask, as_admin: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = reports.period_report
    asked: list[bool] = []

    def recording(*args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs.get("child_detail", "full") == "full")
        return original(*args, **kwargs)

    monkeypatch.setattr(reports, "period_report", recording)
    exported = as_admin.get(f"/reports/{PROVINCE}/{MONTH}.csv")
    assert exported.status_code == 200
    assert as_admin.get(f"/reports/{PROVINCE}/{MONTH}.xlsx").status_code == 200
    assert as_admin.get(f"/reports/{PROVINCE}/{MONTH}/print").status_code == 200
    assert asked and all(asked)  # every one of them asked for the children's criteria
    with app.app_context():
        session, province = _province()
        expected = report_csv(session, original(session, province, MONTH))
    assert exported.data == expected
    rows = list(csv.reader(io.StringIO(expected.decode("utf-8-sig"))))
    assert any(row and row[0] == "child" for row in rows)


#: The children's rows as the macros rendered them before the overview wrote them out.
MACRO_ROWS = """{% import "dashboard/_macros.html" as m %}{% for c in report.children %}
      <tr><th scope="row"><a href="{{ url_for('dashboard.report', code=c.code, month=month) }}">{{ c.name }}</a></th>
        {{ m.rate_cells(c.overall) }}{{ m.small_area_cell(c.overall) }}<td class="num">{{ m.value(c.service_index) }}</td>
        <td>{{ m.position_badge(c.funnel.position) }}</td><td>{{ m.change(c.change.overall) }}</td></tr>
    {% endfor %}"""
ROW = re.compile(r"<tr><th scope=\"row\"><a href=.*?</tr>", re.S)


def _children_of_every_kind(children: tuple[Any, ...]) -> tuple[Any, ...]:
    """The demo's children and variants of the first: suppressed, without an estimate, each
    status, each funnel position, changes up, down, not significant and unknown."""
    first = children[0]
    rate, change = first.overall, first.change.overall
    suppressed = replace(rate, value=None, ci_low=None, ci_high=None, count=None, insufficient=True, status=None)
    variants = [
        replace(first, overall=suppressed),
        replace(first, overall=replace(suppressed, small_area=None)),
        replace(first, overall=replace(rate, small_area=None)),
        replace(first, service_index=replace(first.service_index, value=None)),
        *(replace(first, overall=replace(rate, status=status)) for status in ("below", "possibly_below", "meets", None)),
        *(
            replace(first, funnel=replace(first.funnel, position=position))
            for position in ("above_998", "above_95", "inside", "below_95", "below_998", "insufficient", None)
        ),
        *(
            replace(first, change=replace(first.change, overall=replace(change, diff=diff, ci_low=low, ci_high=high,
                                                                       significant=significant)))
            for diff, low, high, significant in (
                (0.0512, 0.0101, 0.0923, True), (-0.0734, -0.1201, -0.0267, True), (0.0123, -0.02, 0.0446, False),
                (None, None, None, None), (-0.0004, -0.031, 0.0302, False),
            )
        ),
    ]
    return (*children, *variants)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_childrens_rows_are_what_the_macros_render(app: Flask, language: str) -> None:
    from flask import render_template

    from surveyapp.dashboard import views
    from surveyapp.labels import question_labels
    from surveyapp.periods import Period

    with app.test_request_context(f"/reports/{PROVINCE}/{MONTH}?lang={language}"):
        session, province = _province()
        report = reports.period_report(session, province, MONTH, child_detail="summary")
        report = replace(report, children=_children_of_every_kind(report.children))
        points, labels = reports.period_trend(session, province, MONTH), question_labels(session)
        page = render_template(
            "dashboard/_overview_body.html", report=report, trend=points, labels=labels,
            priorities=views.priorities(report, labels), charts=views.overview_charts(report, points, labels),
            unit=province, month=MONTH, period=Period.parse(MONTH),
        )
        by_macros = app.jinja_env.from_string(MACRO_ROWS).render(report=report, month=MONTH)
    rows = ROW.findall(page.split('id="table-children"', 1)[1].split("</tbody>", 1)[0])
    assert len(rows) == len(report.children) > 20
    assert rows == ROW.findall(by_macros)


@pytest.mark.parametrize("period", [MONTH, "2026-Q4", "2026-07..2026-11", "2026"])
def test_the_trend_read_once_gives_the_same_trend_and_control_chart(app: Flask, period: str) -> None:
    with app.app_context():
        session, province = _province()
        read_once = reports.trend_tallies(session, province, period)
        assert reports.period_trend(session, province, period, tallies=read_once) == reports.period_trend(
            session, province, period
        )
        assert reports.period_report(session, province, period, trend_tallies=read_once) == reports.period_report(
            session, province, period
        )
