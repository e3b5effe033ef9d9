"""The alerts pages in a real Chromium: an administrator subscribes an address and adds a webhook
through the forms; both pages fit a 360-pixel phone and a 1366-pixel desk without sideways
scrolling (tables scroll inside their card)."""
from __future__ import annotations

import pytest

from surveyapp.db import get_session
from surveyapp.services.accounts import accounts
from tests.alerts.test_send_alerts import report_harassment, send_alerts

pytestmark = pytest.mark.browser

WIDTHS = (360, 1366)


@pytest.fixture
def admin(app):  # type: ignore[no-untyped-def]
    with app.app_context():
        session = get_session()
        accounts.create_user(session, "admin-1", "long-enough-passphrase", "admin", None)
        session.commit()


def open_as_admin(browser, url: str, width: int):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{url}/login")
    page.fill("input[name=username]", "admin-1")
    page.fill("input[name=password]", "long-enough-passphrase")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    return context, page


def test_an_administrator_subscribes_and_adds_a_webhook_on_a_phone(live_server, browser, admin):
    context, page = open_as_admin(browser, live_server.url, 360)
    page.goto(f"{live_server.url}/admin/alerts")
    form = page.locator("[data-testid=subscription-form]")
    form.locator("select[name=unit]").select_option("DEMO-TTHCC")
    form.locator("input[name=email]").fill("lanh.dao.trung.tam.phuc.vu.hanh.chinh.cong@anphu.gov.vn")
    form.get_by_role("button", name="Đăng ký").click()
    page.wait_for_load_state()
    assert "lanh.dao.trung.tam" in page.locator("[data-testid=subscriptions]").inner_text()
    hook = page.locator("[data-testid=webhook-form]")
    hook.locator("select[name=unit]").select_option("DEMO")
    hook.locator("input[name=url]").fill("https://mot-cua.anphu.gov.vn/api/hooks/khao-sat-hai-long/canh-bao/nhan")
    hook.locator("input[name=secret]").fill("a-long-enough-signing-secret")
    hook.get_by_role("button", name="Thêm webhook").click()
    page.wait_for_load_state()
    assert "mot-cua.anphu.gov.vn" in page.locator("[data-testid=webhooks]").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_alert_pages_never_scroll_sideways(live_server, browser, admin, runner, client, smtp, receiver, width):
    assert runner.invoke(args=["subscribe", "--unit", "DEMO", "--email", "lanh.dao@anphu.gov.vn",
                               "--kind", "alerts"]).exit_code == 0
    assert runner.invoke(args=["webhook", "add", "--unit", "DEMO", "--url", receiver.url,
                               "--secret", receiver.secret]).exit_code == 0
    report_harassment(client)
    send_alerts(runner)
    context, page = open_as_admin(browser, live_server.url, width)
    for path in ("/admin/alerts", "/admin/alerts/deliveries"):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("h1").first.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    assert "đã gửi" in page.locator("[data-testid=deliveries]").inner_text()
    context.close()
