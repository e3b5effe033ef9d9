"""The pages issue 18 added or changed fit a 360 px phone and a 1366 px desk without sideways
scrolling: the audit log with its filters, the units list with its two counts, a counter's page
with its deactivate button, and the slips form."""
from __future__ import annotations

import pytest

from tests.dashboard.conftest import OFFICIALS, WEAK_COUNTER

pytestmark = pytest.mark.browser

PAGES = ["/admin/audit?action=login&since=01/11/2026", "/manage/units", f"/manage/counters/{WEAK_COUNTER}",
         "/manage/slips"]
NO_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.mark.parametrize("width", [360, 1366])
def test_the_pages_fit_the_screen(live_server, browser, width: int):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", OFFICIALS["admin"][0])
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/reports/**")
    for path in PAGES:
        assert page.goto(live_server.url + path).status == 200, path
        assert page.evaluate(NO_OVERFLOW), (path, width)
    context.close()
