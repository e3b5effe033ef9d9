"""The slips form and sheet in Chromium: they fit a 360 px phone, and the sheet prints two
columns of slips on A4 (issue 18, item 5)."""
from __future__ import annotations

import pytest

from tests.dashboard.conftest import OFFICIALS, WEAK_COUNTER

pytestmark = pytest.mark.browser

NO_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"


def test_the_slips_form_and_sheet_fit_a_phone_and_print_on_a4(live_server, phone):  # type: ignore[no-untyped-def]
    page = phone
    page.goto(f"{live_server.url}/login")
    page.fill("input[name=username]", "tanlap-manager")
    page.fill("input[name=password]", OFFICIALS["tanlap-manager"][0])
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/reports/**")
    page.goto(f"{live_server.url}/manage/slips")
    assert page.evaluate(NO_OVERFLOW)
    page.select_option("select[name=counter]", WEAK_COUNTER)
    page.fill("input[name=count]", "9")
    page.get_by_role("button", name="Tạo phiếu mời").click()
    page.locator(".slip-sheet").first.wait_for()
    assert page.locator("article.slip").count() == 9
    assert page.evaluate(NO_OVERFLOW)
    assert page.get_by_role("link", name="Tải tệp CSV").get_attribute("download") == f"slips-{WEAK_COUNTER}.csv"

    page.emulate_media(media="print")
    page.set_viewport_size({"width": 718, "height": 1000})  # A4 between 10 mm margins at 96 dpi
    assert not page.locator(".slips-toolbar").is_visible()
    lefts = {round(x) for x in page.evaluate("() => [...document.querySelectorAll('.slip-sheet:first-of-type .slip')]"
                                             ".map(s => s.getBoundingClientRect().left)")}
    assert len(lefts) == 2  # two columns of slips
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 2  # 9 slips: two sheets
