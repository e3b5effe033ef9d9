"""Consistent suppression on the pages and files (issue 12, item 7): the MIN_RESPONSES setting
decides, and below it the page, the print view and the exports hide a measure's value, count,
mean and distribution alike."""
from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest

from tests.dashboard.conftest import FAST_HASH, MONTH, PROVINCE


@pytest.fixture
def app_config() -> dict[str, Any]:
    # More answers than the whole demo province has: every measure falls below the minimum.
    return {"WTF_CSRF_ENABLED": False, **FAST_HASH, "MIN_RESPONSES": 100_000}


def test_below_the_setting_the_overview_hides_counts_mean_and_distribution(as_admin) -> None:
    html = as_admin.get(f"/reports/{PROVINCE}/{MONTH}").get_data(as_text=True)
    assert "Điểm trung bình" not in html  # the mean overall score
    flags = html[html.index('id="table-flags"'):]
    flags = flags[: flags.index("</table>")]
    cases = re.findall(r'<td class="num">(.*?) / \d+</td>', flags)
    assert len(cases) == 8 and set(cases) == {"—"}  # six flags and two channels
    assert "100000" in html or "100.000" in html  # the method note names the minimum in force


def test_below_the_setting_the_csv_hides_counts_and_distribution(as_admin) -> None:
    body = as_admin.get(f"/reports/{PROVINCE}/{MONTH}.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    header = rows[0] if rows[0][0] == "section" else rows[1]
    count, value = header.index("count"), header.index("value")
    distribution = [r for r in rows if r and r[0] == "overall_distribution"]
    assert len(distribution) == 5 and all(r[count] == "" for r in distribution)
    measured = [r for r in rows if r and r[0] in ("criterion", "flag", "element", "overall")]
    assert measured and all(r[count] == "" and r[value] == "" for r in measured)
