"""The month and range pickers are selects whose options we label ourselves, so a Vietnamese page
shows "Tháng 07/2026" whatever language the browser speaks (issue 18, deliverable 9)."""
from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.dashboard.conftest import COMMUNE


def select_of(html: str, field_id: str) -> str:
    start = html.index(f'<select id="{field_id}"')
    return html[start:html.index("</select>", start)]


def test_month_pickers_name_months_in_the_pages_language_not_the_browsers(as_commune: FlaskClient) -> None:
    html = as_commune.get(f"/reports/{COMMUNE}/2026-Q3", headers={"Accept-Language": "en-US,en"}).get_data(as_text=True)
    assert 'type="month"' not in html
    assert '<option value="2026-09" selected>Tháng 09/2026</option>' in select_of(html, "month-input")
    assert '<option value="2026-07" selected>Tháng 07/2026</option>' in select_of(html, "range-start")
    assert '<option value="2026-09" selected>Tháng 09/2026</option>' in select_of(html, "range-end")

    english = as_commune.get(f"/reports/{COMMUNE}/2026-Q3?lang=en").get_data(as_text=True)
    assert '<option value="2026-07" selected>Month 07/2026</option>' in select_of(english, "range-start")


def test_the_month_picker_offers_no_future_month_and_goes_where_it_says(as_commune: FlaskClient) -> None:
    html = as_commune.get(f"/reports/{COMMUNE}/2026-11").get_data(as_text=True)
    values = re.findall(r'<option value="([^"]+)"', select_of(html, "month-input"))
    assert values[0] == "2026-11" and "2026-12" not in values and "2024-12" in values
    assert values == sorted(values, reverse=True)
    moved = as_commune.get(f"/reports/go?unit={COMMUNE}&tab=report&start=2026-07&end=2026-09")
    assert moved.status_code == 302 and moved.headers["Location"].endswith(f"/reports/{COMMUNE}/2026-07..2026-09")
