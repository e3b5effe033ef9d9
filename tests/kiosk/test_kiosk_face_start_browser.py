"""The kiosk's start screen in a real Chromium (issue 18, item 2): its five faces answer `overall`
and the tablet goes straight on to the next question; a double tap makes one answer and one
response."""
from __future__ import annotations

import pytest

from tests.kiosk.helpers import pairing_code
from tests.kiosk.test_kiosk_browser import ANSWERS, KIOSK_QUERY, answer, tablet, wait_for_count  # noqa: F401

pytestmark = pytest.mark.browser


def test_a_face_on_the_start_screen_answers_overall_and_a_double_tap_counts_once(live_server, tablet, db):  # noqa: F811
    page = tablet
    page.goto(f"{live_server.url}/kiosk/{KIOSK_QUERY}")
    page.locator("#pair-code").fill(pairing_code(live_server.app, "TT-Q04"))
    page.locator("#pair-button").click()
    page.locator("#start").wait_for()

    faces = page.locator(".attract-faces button.attract-face")
    assert faces.count() == 5
    assert page.locator('.attract-face[data-code="4"]').get_attribute("aria-label") == "Hài lòng"
    assert page.locator(".attract-faces").get_attribute("aria-label") == "Nhìn chung, Ông/Bà hài lòng thế nào với sự phục vụ?"

    # A double tap on "satisfied": overall is answered once, the next question is E1, and the
    # second tap does not answer E1.
    page.locator('.attract-face[data-code="4"]').dblclick()
    page.locator('.question[data-item="E1"]').wait_for()
    assert page.locator('.question[data-item="overall"]').count() == 0
    page.wait_for_timeout(300)
    assert page.locator('.question[data-item="E1"] .answer.chosen').count() == 0
    assert page.locator('.question[data-item="E1"]').count() == 1
    for item, code in ANSWERS[1:]:
        answer(page, item, code)
    page.locator(".thanks").wait_for()
    page.locator("#start").wait_for()

    stored = wait_for_count(db, 1)
    assert len(stored) == 1
    assert stored[0].answers == {"overall": 4, "E1": 5, "E2": 4, "E3": "na", "E4": 3, "E5": 5, "trips": "1",
                                 "slip": "yes", "harassment": "none"}

    # A face tap then walking away: the answered `overall` is kept, like any survey cut short.
    page.locator('.attract-face[data-code="2"]').click()
    page.locator('.question[data-item="E1"]').wait_for()
    page.locator("#start").wait_for(timeout=5000)
    kept = wait_for_count(db, 2)
    assert len(kept) == 2 and kept[1].answers == {"overall": 2}
