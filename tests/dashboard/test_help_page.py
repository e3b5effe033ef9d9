"""The help page "Cách đọc báo cáo" (/help/reports): linked from every report page, in plain
Vietnamese and English, quoting the numbers of the report it was opened from."""
from __future__ import annotations

import html as html_module
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from surveyapp.db import get_session
from surveyapp.labels import position_label
from surveyapp.services.organisation.lookups import unit_by_code
from surveyapp.services.reporting.reports import period_report
from surveyapp.web.filters import decimal, percent
from tests.dashboard.conftest import COMMUNE, MONTH, OTHER_COMMUNE, PROVINCE, WEAK_COUNTER, sign_in

SECTIONS = ("rates", "insufficient", "targets", "funnel", "small-area", "changes")

REPORT_PAGES = [
    f"/reports/{PROVINCE}/{MONTH}",
    f"/reports/{PROVINCE}/{MONTH}/criteria",
    f"/reports/{PROVINCE}/{MONTH}/comments",
    f"/reports/{PROVINCE}/{MONTH}/by/counter",
    f"/reports/{PROVINCE}/{MONTH}/by/procedure",
    f"/reports/{PROVINCE}/{MONTH}/by/channel",
    f"/reports/{PROVINCE}/{MONTH}/counters/{WEAK_COUNTER}",
    f"/reports/{PROVINCE}/{MONTH}/print",
    f"/reports/{PROVINCE}/2026-Q4",
]


def text_of(page: str) -> str:
    """The page's words, as a reader sees them (tags dropped, entities decoded, spaces collapsed)."""
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.mark.parametrize("url", REPORT_PAGES)
def test_every_report_page_links_to_the_help_with_its_unit_and_period(as_admin: FlaskClient, url: str) -> None:
    page = as_admin.get(url).get_data(as_text=True)
    period = url.split("/")[3]
    link = re.search(r'<a [^>]*href="(/help/reports\?[^"]+)"[^>]*data-testid="help-link"[^>]*>([^<]+)</a>', page)
    assert link, f"{url} has no link to the help page"
    assert html_module.unescape(link[1]) == f"/help/reports?unit={PROVINCE}&period={period}"
    assert link[2] == "Cách đọc báo cáo"


def test_the_help_explains_every_topic_in_vietnamese_and_in_english(as_admin: FlaskClient) -> None:
    vietnamese = as_admin.get("/help/reports")
    assert vietnamese.status_code == 200
    page = vietnamese.get_data(as_text=True)
    for section in SECTIONS:
        assert f'id="{section}"' in page and f'href="#{section}"' in page
    words = text_of(page)
    for phrase in ("Cách đọc báo cáo", "Khoảng tin cậy 95%", "“Chưa đủ dữ liệu”", "ít hơn 30 câu trả lời",
                   "Chỉ tiêu và ngưỡng", "Biểu đồ phễu", "giới hạn 95% và 99,8%", "Ước lượng cho đơn vị nhỏ và xếp hạng"):
        assert phrase in words, phrase
    assert "Trong báo cáo này" not in words, "no report was named: no examples"
    english = text_of(as_admin.get("/help/reports?lang=en").get_data(as_text=True))
    for phrase in ("How to read the report", "A rate and its 95% interval", "“Insufficient data”",
                   "fewer than 30 answers", "The funnel plot", "Small-area estimates and rankings"):
        assert phrase in english, phrase


def test_opened_from_a_report_it_quotes_that_reports_numbers(app: Flask, as_admin: FlaskClient) -> None:
    words = text_of(as_admin.get(f"/help/reports?unit={PROVINCE}&period={MONTH}").get_data(as_text=True))
    with app.test_request_context("/"):
        session = get_session()
        province = unit_by_code(session, PROVINCE)
        assert province is not None
        report = period_report(session, province, MONTH, min_responses=30)
        overall = report.overall
        expected = (f"mức độ hài lòng chung là {percent(overall.value, 1)}, khoảng tin cậy 95% từ {percent(overall.ci_low, 1)} "
                    f"đến {percent(overall.ci_high, 1)}, tính trên {decimal(overall.n, 0)} câu trả lời")
        placed = [c for c in report.children if c.overall.value is not None and c.funnel.position is not None]
        outside = [c for c in placed if c.funnel.position != "inside"]
        shown = (outside or placed)[0]
        funnel_example = (f"{shown.name} đạt {percent(shown.overall.value, 1)} trên {decimal(shown.overall.n, 0)} câu trả lời: "
                          f"{position_label(shown.funnel.position)}")
        target = f"so với chỉ tiêu {percent(overall.target, 0)}"
    assert "Các ví dụ trên trang này là số liệu của Tỉnh An Phú (dữ liệu mẫu), Tháng 11/2026." in words
    assert expected in words
    assert target in words
    # the funnel's example is a sub-unit outside the limits if any, named, with its position in words
    assert funnel_example in words
    assert "ước lượng cho đơn vị nhỏ" in words and "tỷ lệ riêng" in words


def test_a_report_below_the_minimum_is_explained_with_its_own_count(as_admin: FlaskClient) -> None:
    words = text_of(as_admin.get(f"/help/reports?unit={COMMUNE}&period=2025-01").get_data(as_text=True))
    assert "mức độ hài lòng chung có 0 câu trả lời, ít hơn 30, nên hiển thị “chưa đủ dữ liệu”." in words


def test_a_unit_outside_the_officials_scope_or_a_bad_period_gives_the_page_without_examples(client: FlaskClient) -> None:
    assert sign_in(client, "tanlap").status_code == 302
    for query in (f"unit={OTHER_COMMUNE}&period={MONTH}", "unit=NO-SUCH-UNIT&period=2026-11",
                  f"unit={COMMUNE}&period=2026-13", f"unit={COMMUNE}&period=<script>", "unit=%00&period="):
        response = client.get(f"/help/reports?{query}")
        assert response.status_code == 200, query
        words = text_of(response.get_data(as_text=True))
        assert "Cách đọc báo cáo" in words and "Trong báo cáo này" not in words, query
    own = text_of(client.get(f"/help/reports?unit={COMMUNE}&period={MONTH}").get_data(as_text=True))
    assert "Trong báo cáo này" in own and "Xã Tân Lập" in own


def test_the_help_is_for_signed_in_officials(client: FlaskClient) -> None:
    response = client.get("/help/reports")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
