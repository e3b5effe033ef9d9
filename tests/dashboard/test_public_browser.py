"""The public results page and the ranking page in Chromium: finished at 360 px (a cheap phone) and
1366 px, no horizontal overflow (tables scroll inside their panel), and the public page framed
by an allowed origin."""
from __future__ import annotations

from typing import Any

import pytest

from tests.dashboard.conftest import FAST_HASH, PROVINCE

pytestmark = pytest.mark.browser
PERIOD = "2026-10"


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"WTF_CSRF_ENABLED": False, **FAST_HASH}


@pytest.fixture
def published(runner) -> None:  # type: ignore[no-untyped-def]
    assert runner.invoke(args=["publish", "--unit", PROVINCE]).exit_code == 0


def _no_overflow(page, width: int) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [360, 1366])
def test_public_page_fits_the_screen(browser, live_server, published, width: int) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/public/{PROVINCE}/{PERIOD}")
    assert page.locator("h1").inner_text().startswith("Kết quả khảo sát sự hài lòng")
    assert page.locator("#public-trend tbody tr").count() == 12
    _no_overflow(page, width)
    for table in ("#public-elements", "#public-trend", "#public-children"):
        box = page.locator(table).locator("xpath=..").bounding_box()
        assert box is not None and box["x"] + box["width"] <= width
    context.close()


@pytest.mark.parametrize("width", [360, 1366])
def test_ranking_page_fits_the_screen(browser, live_server, width: int) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "admin-password")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/reports/{PROVINCE}/{PERIOD}/ranking")
    assert page.locator("#table-ranking tbody tr").count() >= 6
    _no_overflow(page, width)
    context.close()


def test_an_allowed_site_frames_the_public_page_and_no_other(browser, live_server, published, app) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/healthz")  # the framing document is of the live server's origin
    frame_html = f'<iframe id="f" src="{live_server.url}/public/{PROVINCE}/{PERIOD}" width="340" height="600"></iframe>'
    app.config["PUBLIC_FRAME_ANCESTORS"] = (live_server.url,)
    page.set_content(frame_html)
    assert page.frame_locator("#f").locator("h1").inner_text().startswith("Kết quả khảo sát sự hài lòng")
    app.config["PUBLIC_FRAME_ANCESTORS"] = ()  # not listed: the browser refuses to show it
    page.set_content(frame_html.replace(PERIOD, "2026-09"))  # another URL: not the cached reply
    page.wait_for_timeout(1000)
    frame = page.frame(url=lambda url: "/public/" in url)
    assert frame is None or "Kết quả khảo sát" not in frame.content()  # Chromium shows its own error page
    context.close()
