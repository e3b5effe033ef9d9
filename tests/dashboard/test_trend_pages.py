"""The overview draws the p-chart limits on the 12-month chart and lists them in its table, and
shows the year-on-year change (issue 12, item 8)."""
from __future__ import annotations

import json
import re

from tests.dashboard.conftest import MONTH, PROVINCE


def test_trend_chart_and_table_carry_the_control_limits(as_admin) -> None:
    html = as_admin.get(f"/reports/{PROVINCE}/{MONTH}").get_data(as_text=True)
    payload = json.loads(re.search(r'<script type="application/json" id="chart-trend">(.*?)</script>', html, re.S)[1])
    assert len(payload["lcl"]) == len(payload["ucl"]) == len(payload["months"]) == 12
    drawn = [i for i, low in enumerate(payload["lcl"]) if low is not None]
    assert drawn and all(payload["lcl"][i] <= payload["center"][i] <= payload["ucl"][i] for i in drawn)
    table = html[html.index('id="table-trend"'):]
    assert "Giới hạn kiểm soát (3σ)" in table[: table.index("</table>")]


def test_overview_shows_the_change_from_a_year_earlier(as_admin) -> None:
    html = as_admin.get(f"/reports/{PROVINCE}/{MONTH}?lang=en").get_data(as_text=True)
    assert "Change from 11/2025" in html or "Change from November 2025" in html
