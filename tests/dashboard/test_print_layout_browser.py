"""The printable report on A4 in a real Chromium: sub-unit and counter names stay readable (no
one word per line) and the date line names the place of REPORT_PLACE_NAME (issue 18, item 9)."""
from __future__ import annotations

from typing import Any

import pytest

from tests.dashboard.conftest import FAST_HASH, MONTH, OFFICIALS, PROVINCE

pytestmark = pytest.mark.browser


# How many lines a cell's text takes (its row may be taller than its text).
LINES_OF_TEXT = """e => { const range = document.createRange(); range.selectNodeContents(e);
  return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; }"""


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"WTF_CSRF_ENABLED": False, "REPORT_PLACE_NAME": "An Phú", **FAST_HASH}


def test_printed_unit_names_keep_their_width_and_the_date_line_names_the_place(live_server, browser):  # type: ignore[no-untyped-def]
    # A4 portrait between the page's margins (210 mm - 40 mm) at 96 dpi.
    context = browser.new_context(viewport={"width": 643, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", OFFICIALS["admin"][0])
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/reports/**")
    page.goto(f"{live_server.url}/reports/{PROVINCE}/{MONTH}/print")
    page.emulate_media(media="print")

    date_line = page.locator(".doc-head__date").inner_text()
    assert date_line.startswith("An Phú, ngày ") and " tháng " in date_line and " năm " in date_line

    names = page.locator("#print-children tbody th[scope=row], #print-counters tbody th[scope=row]")
    assert names.count() >= 2
    for index in range(names.count()):
        cell = names.nth(index)
        words = len(cell.inner_text().split())
        lines = cell.evaluate(LINES_OF_TEXT)
        assert lines < words or words == 1, (cell.inner_text(), lines)
        assert lines <= 2, (cell.inner_text(), lines)
    for table in page.locator("#print-children, #print-counters").all():
        overflow = table.evaluate("t => [t.id, t.getBoundingClientRect().right, t.closest('.sheet').getBoundingClientRect().right]")
        assert overflow[1] <= overflow[2] + 1, overflow
    context.close()
