"""The campaign pages in a real Chromium, at a phone's 360 px and an office PC's 1366 px: an
administrator creates and draws a campaign, a sampled citizen answers through the emailed link,
and every page fits the window (tables scroll inside their card)."""
from __future__ import annotations

import re

import pytest

from surveyapp.db import get_session
from surveyapp.services.accounts import accounts
from tests.campaigns.helpers import post_frame

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [360, 1366])
def test_campaign_pages_fit_the_window(app, client, runner, smtp, live_server, browser, width):
    post_frame(app, client)
    with app.app_context():
        session = get_session()
        accounts.create_user(session, "admin", "admin-password-123", "admin", None)
        session.commit()
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    url = live_server.url

    def fits() -> None:
        assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url

    page.goto(f"{url}/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "admin-password-123")
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"{url}/admin/campaigns")
    fits()
    page.fill("input[name=name]", "Khảo sát đột xuất quý IV")
    page.select_option("select[name=unit]", "DEMO")
    page.fill("input[name=period]", "2026-10")
    page.fill("input[name=sample]", "10")
    page.get_by_role("button", name="Tạo đợt khảo sát").click()
    page.wait_for_url(re.compile(r"/admin/campaigns/\d+$"))
    fits()
    page.fill("input[name=seed]", "2026")
    page.get_by_role("button", name="Chọn mẫu").click()
    page.wait_for_selector("[data-testid=campaign-progress]")
    fits()
    assert "DEMO-TTHCC" in page.inner_text("[data-testid=campaign-progress]")

    assert runner.invoke(args=["send-invitations", "--at", "2026-11-27T21:00"]).exit_code == 0
    link = re.search(r"(/c/[A-Za-z0-9_-]{22})", smtp.messages[0].get_content()).group(1)
    citizen = context.new_page()
    citizen.goto(url + link)
    assert "dossier-facts" in citizen.content()
    assert citizen.evaluate("document.documentElement.scrollWidth") <= width

    page.get_by_role("link", name="Báo cáo đợt khảo sát").click()
    page.wait_for_selector("[data-testid=campaign-summary]")
    fits()
    page.get_by_role("link", name="In").click()
    page.wait_for_selector(".sheet")
    assert errors == []
    context.close()
