"""The page where a manager sets a counter's usual procedures, in a real Chromium on a phone and
on an office PC: nothing overflows the screen."""
from __future__ import annotations

import pytest

from tests.dashboard.conftest import OFFICIALS, WEAK_COUNTER

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [360, 1366])
def test_the_counter_procedures_page_fits_the_screen_and_saves(live_server, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/login")
    page.fill("input[name=username]", "tanlap-manager")
    page.fill("input[name=password]", OFFICIALS["tanlap-manager"][0])
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/manage/counters/{WEAK_COUNTER}/procedures")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_label("Thủ tục thường gặp tại quầy này").fill("1.000894\n1.001193")
    page.get_by_role("button", name="Lưu").click()
    assert page.get_by_text(f"Đã lưu các thủ tục của quầy {WEAK_COUNTER}.").is_visible()
    assert page.locator("table.data tbody tr").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
