"""Report pages for any period (docs/DASHBOARD.md): `/reports/<unit>/<period>` with every suffix
and drill-down, the period picker, Vietnamese period names, the trend of the period's months, and
a malformed period answered with a 404 page that says why, in both languages."""
from __future__ import annotations

import csv
import io
import re

import pytest
from flask.testing import FlaskClient

from tests.dashboard.conftest import COMMUNE, PROVINCE

# The demo holds June to November 2026.
SUFFIXES = ["", ".csv", ".xlsx", "/print", "/responses.csv", "/responses.xlsx", "/criteria", "/comments",
            "/by/counter", "/by/procedure", "/by/channel", "/counters/TL-Q01"]


@pytest.mark.parametrize("period", ["2026-Q3", "2026-07..2026-10"])
def test_every_report_url_serves_a_period(as_admin: FlaskClient, period: str) -> None:
    for suffix in SUFFIXES:
        response = as_admin.get(f"/reports/{PROVINCE}/{period}{suffix}")
        assert response.status_code == 200, (period, suffix)


@pytest.mark.parametrize("period", ["2026-H2", "2026", "2026-YTD"])
def test_every_kind_of_period_has_its_report_and_files(as_admin: FlaskClient, period: str) -> None:
    for suffix in ("", ".csv", "/by/procedure"):
        response = as_admin.get(f"/reports/{PROVINCE}/{period}{suffix}")
        assert response.status_code == 200, (period, suffix)


def rows_of(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_a_quarters_counts_on_the_page_and_in_the_files_are_the_sums_of_its_months(as_commune: FlaskClient) -> None:
    def responses(period: str) -> int:
        rows = rows_of(as_commune.get(f"/reports/{COMMUNE}/{period}.csv"))
        return int(next(r for r in rows if r[:2] == ["summary", "n_responses"] or r[1:2] == ["n_responses"])[6])

    months = [responses(m) for m in ("2026-07", "2026-08", "2026-09")]
    assert responses("2026-Q3") == sum(months) > 0
    raw = rows_of(as_commune.get(f"/reports/{COMMUNE}/2026-Q3/responses.csv"))
    assert len(raw) - 1 == sum(months)
    assert {row[0] for row in raw[1:]} == {"2026-07", "2026-08", "2026-09"}


@pytest.mark.parametrize("period, vietnamese, english", [
    ("2026-11", "Tháng 11/2026", "Month 11/2026"),
    ("2026-Q3", "Quý 3/2026", "Quarter 3/2026"),
    ("2026-H1", "6 tháng đầu năm 2026", "First half of 2026"),
    ("2026-H2", "6 tháng cuối năm 2026", "Second half of 2026"),
    ("2026", "Năm 2026", "Year 2026"),
    ("2026-07..2026-10", "Từ tháng 07/2026 đến tháng 10/2026", "From 07/2026 to 10/2026"),
])
def test_the_period_is_named_in_the_readers_language(as_commune: FlaskClient, period: str, vietnamese: str,
                                                     english: str) -> None:
    html = as_commune.get(f"/reports/{COMMUNE}/{period}").get_data(as_text=True)
    assert f'<span class="report-head__month">{vietnamese}</span>' in html
    html_en = as_commune.get(f"/reports/{COMMUNE}/{period}?lang=en").get_data(as_text=True)
    assert f'<span class="report-head__month">{english}</span>' in html_en


def trend_rows(html: str) -> list[str]:
    table = html[html.index('id="table-trend"'):]
    table = table[:table.index("</table>")]
    return re.findall(r'<th scope="row">([^<]+)</th>', table)


def test_the_trend_shows_the_periods_months(as_commune: FlaskClient) -> None:
    year = trend_rows(as_commune.get(f"/reports/{COMMUNE}/2026").get_data(as_text=True))
    assert year == [f"{m:02d}/2026" for m in range(1, 13)]
    quarter = trend_rows(as_commune.get(f"/reports/{COMMUNE}/2026-Q3").get_data(as_text=True))
    assert quarter == ["07/2026", "08/2026", "09/2026"]
    month = trend_rows(as_commune.get(f"/reports/{COMMUNE}/2026-11").get_data(as_text=True))
    assert month == [f"{m:02d}/2025" for m in range(12, 13)] + [f"{m:02d}/2026" for m in range(1, 12)]


def test_the_period_picker_offers_quarters_half_years_years_and_ranges(as_commune: FlaskClient) -> None:
    html = as_commune.get(f"/reports/{COMMUNE}/2026-Q3/criteria").get_data(as_text=True)
    assert '<select id="period-input" name="period">' in html
    assert '<option value="2026-Q3" selected>Quý 3/2026</option>' in html
    for value in ("2026-YTD", "2026-H1", "2025", "2025-Q4"):
        assert f'<option value="{value}"' in html
    # The range is prefilled with the period's months (selects since issue 18: month names follow the page).
    start = html[html.index('<select id="range-start" name="start"'):]
    end = html[html.index('<select id="range-end" name="end"'):]
    assert '<option value="2026-07" selected>' in start[:start.index("</select>")]
    assert '<option value="2026-09" selected>' in end[:end.index("</select>")]
    # The arrows move by the period's length.
    assert f'href="/reports/{COMMUNE}/2026-Q2/criteria" rel="prev"' in html
    assert f'href="/reports/{COMMUNE}/2026-Q4/criteria" rel="next"' in html


def test_the_picker_goes_to_the_chosen_period_and_tab(as_commune: FlaskClient) -> None:
    going = as_commune.get(f"/reports/go?unit={COMMUNE}&period=2026-H2&tab=criteria")
    assert going.status_code == 302 and going.headers["Location"] == f"/reports/{COMMUNE}/2026-H2/criteria"
    ranged = as_commune.get(f"/reports/go?unit={COMMUNE}&start=2026-07&end=2026-09&tab=counter")
    assert ranged.headers["Location"] == f"/reports/{COMMUNE}/2026-07..2026-09/by/counter"
    month = as_commune.get(f"/reports/go?unit={COMMUNE}&month=2026-10&period=&tab=report")
    assert month.headers["Location"] == f"/reports/{COMMUNE}/2026-10"
    backwards = as_commune.get(f"/reports/go?unit={COMMUNE}&start=2026-09&end=2026-07")
    assert as_commune.get(backwards.headers["Location"]).status_code == 404  # and its page says why


@pytest.mark.parametrize("period, vietnamese, english", [
    ("2026-Q5", "không có quý 5", "there is no quarter 5"),
    ("2026-13", "không có tháng 13", "there is no month 13"),
    ("2026-H3", "không có nửa năm 3", "there is no half-year 3"),
    ("2026-05..2026-01", "kết thúc (2026-01) trước khi bắt đầu (2026-05)", "ends (2026-01) before it starts (2026-05)"),
    ("2020-01..2026-01", "gồm 73 tháng; một báo cáo chỉ gồm tối đa 36 tháng", "covers 73 months; a report covers at most 36"),
])
def test_a_malformed_period_is_a_404_page_that_says_why(as_commune: FlaskClient, period: str, vietnamese: str,
                                                        english: str) -> None:
    for suffix in ("", ".csv", ".xlsx", "/print", "/by/counter", "/responses.csv", "/comments"):
        response = as_commune.get(f"/reports/{COMMUNE}/{period}{suffix}?lang=vi")
        assert response.status_code == 404, suffix
        assert vietnamese in response.get_data(as_text=True)
        response_en = as_commune.get(f"/reports/{COMMUNE}/{period}{suffix}?lang=en")
        assert response_en.status_code == 404, suffix
        assert english in response_en.get_data(as_text=True)


def test_a_text_that_is_no_period_at_all_is_a_plain_404(as_commune: FlaskClient) -> None:
    assert as_commune.get(f"/reports/{COMMUNE}/<script>alert(1)</script>").status_code == 404
    assert as_commune.get(f"/reports/{COMMUNE}/2026-Q3x").status_code == 404


def test_the_printable_report_of_a_quarter_names_its_period(as_commune: FlaskClient) -> None:
    html = as_commune.get(f"/reports/{COMMUNE}/2026-Q3/print?lang=vi").get_data(as_text=True)
    assert "<title>Báo cáo mức độ hài lòng — " in html and "Quý 3/2026" in html
    assert "Số phiếu trong kỳ:" in html and "Theo từng tháng" in html
