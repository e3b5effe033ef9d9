"""Officials in a real Chromium: a commune official, a provincial administrator, a guesser."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.dashboard.conftest import COMMUNE, MONTH, OFFICIALS, OTHER_COMMUNE, PROVINCE, WEAK_COUNTER

pytestmark = pytest.mark.browser


@pytest.fixture
def desk(browser):  # type: ignore[no-untyped-def]
    """An office PC: a laptop-sized window that accepts downloads."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    yield page
    context.close()


def sign_in(page, url: str, username: str, password: str | None = None) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password or OFFICIALS[username][0])
    page.get_by_role("button", name="Đăng nhập").click()


def test_commune_official_reads_the_month_drills_into_the_weak_counter_prints_and_exports(live_server, desk):
    sign_in(desk, live_server.url, "tanlap")
    desk.wait_for_url(f"**/reports/{COMMUNE}/*")
    desk.goto(f"{live_server.url}/reports/{COMMUNE}/{MONTH}")
    assert desk.locator("html").get_attribute("lang") == "vi"
    assert "Xã Tân Lập" in desk.locator("h1").inner_text()
    kpis = desk.locator(".kpis").inner_text()
    assert "Chỉ số hài lòng về sự phục vụ" in kpis and "%" in kpis and "," in kpis
    desk.wait_for_selector("html[data-charts-ready]")
    assert desk.locator("canvas[data-drawn]").count() >= 2  # elements and trend
    assert desk.locator("#table-elements tbody tr").count() == 5  # the charts' table alternative

    # Drill down: by counter, then the weak counter.
    desk.get_by_role("link", name="Theo quầy").click()
    desk.get_by_role("link", name=WEAK_COUNTER).click()
    desk.wait_for_url(f"**/counters/{WEAK_COUNTER}")
    assert "22 tiêu chí, từ thấp nhất" in desk.content()
    assert desk.locator("table.data tbody tr td.is-below").count() > 0

    # Exports open: the XLSX of the report.
    with desk.expect_download() as download_info:
        desk.get_by_role("link", name="Báo cáo (XLSX)").click()
    workbook = load_workbook(io.BytesIO(open(download_info.value.path(), "rb").read()))
    assert workbook.worksheets[0].cell(row=1, column=2).value == COMMUNE

    # The printable report, in print media, fits A4 pages.
    desk.get_by_role("link", name="Báo cáo để in").click()
    desk.wait_for_selector("html[data-charts-ready]")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in desk.locator(".doc-head").inner_text()
    desk.emulate_media(media="print")
    assert not desk.locator(".print-toolbar").is_visible()
    desk.emulate_media(media="screen")  # page.pdf() lays the page out on A4 paper by itself
    pdf = desk.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 2
    assert desk.js_errors == []


def test_commune_official_cannot_open_another_commune_by_url(live_server, desk):
    sign_in(desk, live_server.url, "tanlap")
    desk.wait_for_url(f"**/reports/{COMMUNE}/*")
    for path in (f"/reports/{OTHER_COMMUNE}/{MONTH}", f"/reports/{OTHER_COMMUNE}/{MONTH}.xlsx", f"/reports/{PROVINCE}/{MONTH}/print"):
        if path.endswith(".xlsx"):
            response = desk.request.get(live_server.url + path)
        else:
            response = desk.goto(live_server.url + path)
        assert response.status == 403, path
    assert "Bạn không có quyền" in desk.content() or "quyền" in desk.content()


def test_provincial_administrator_sees_the_province_and_its_children_funnel(live_server, desk):
    sign_in(desk, live_server.url, "admin")
    desk.wait_for_url(f"**/reports/{PROVINCE}/*")
    desk.goto(f"{live_server.url}/reports/{PROVINCE}/{MONTH}")
    desk.wait_for_selector("html[data-charts-ready]")
    assert desk.locator('canvas[data-chart="chart-funnel"][data-drawn]').count() == 1
    children = desk.locator("#table-children tbody tr")
    assert children.count() == 6
    assert "Xã Tân Lập" in desk.locator("#table-children").inner_text()
    # the administrator's menu has the accounts and the audit log
    desk.get_by_role("link", name="Nhật ký hệ thống").click()
    assert "Đăng nhập" in desk.locator("table.data").inner_text()  # the sign-in, in words since issue 18
    assert desk.js_errors == []


def test_wrong_password_many_times_is_slowed_down(live_server, desk):
    for _ in range(5):
        sign_in(desk, live_server.url, "tanlap", "not-my-password")
        assert "Sai tên đăng nhập hoặc mật khẩu" in desk.locator("#login-error").inner_text()
    sign_in(desk, live_server.url, "tanlap")  # even the right password must wait now
    assert "Quá nhiều lần đăng nhập sai" in desk.locator("#login-error").inner_text()
    assert "/login" in desk.url
