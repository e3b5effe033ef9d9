"""The counter tablet in a real Chromium: pair, answer, idle out, lose the network, reload, recover."""
from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from surveyapp.models import Response
from tests.kiosk.helpers import pairing_code

pytestmark = pytest.mark.browser

# Short timings so the whole story takes seconds: idle 2 s, thank-you 1 s, retries from 1 s,
# an answer highlighted 120 ms (still far longer than the gap inside a double tap).
KIOSK_QUERY = "?idle=2&thanks=1&retry=1&sync=2&step=120"
ANSWERS = [("overall", "4"), ("E1", "5"), ("E2", "4"), ("E3", "na"), ("E4", "3"), ("E5", "5"), ("trips", "1"), ("slip", "yes"), ("harassment", "none")]


@pytest.fixture
def tablet(browser):  # type: ignore[no-untyped-def]
    """A landscape tablet (1280 x 800, touch) with its own storage, like one at a counter."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, has_touch=True, reduced_motion="reduce")
    page = context.new_page()
    yield page
    context.close()


def kiosk_responses(db) -> list[Response]:  # type: ignore[no-untyped-def]
    db.expire_all()
    return list(db.scalars(select(Response).where(Response.channel == "kiosk").order_by(Response.id)))


def wait_for_count(db, expected: int, seconds: float = 10) -> list[Response]:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while True:
        found = kiosk_responses(db)
        if len(found) == expected or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def answer(page, item: str, code: str) -> None:  # type: ignore[no-untyped-def]
    button = page.locator(f'.question[data-item="{item}"] [data-code="{code}"]')
    button.wait_for()  # waiting first is quicker than click()'s own retry back-off
    button.click()


def start(page) -> None:  # type: ignore[no-untyped-def]
    page.locator("#start").click()
    page.locator('.question[data-item="overall"]').wait_for()


def answer_everything(page) -> None:  # type: ignore[no-untyped-def]
    start(page)
    for item, code in ANSWERS:
        answer(page, item, code)
    page.locator(".thanks").wait_for()
    page.locator("#start").wait_for()  # back to the attract screen by itself


def open_staff_panel(page):  # type: ignore[no-untyped-def]
    """The hidden gesture: five quick taps on the logo."""
    for _ in range(5):
        page.locator("#logo").click()
    page.locator("#staff").wait_for()
    return page.locator("#staff-queue")


def staff_queue_length(page) -> str:  # type: ignore[no-untyped-def]
    length = open_staff_panel(page).inner_text()
    page.locator("#staff-close").click()
    return length


def test_a_counter_tablet_from_pairing_to_an_offline_morning(live_server, tablet, db):
    page = tablet
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(f"{live_server.url}/kiosk/{KIOSK_QUERY}")
    page.locator("#pair-code").fill(pairing_code(live_server.app, "TT-Q04"))
    page.locator("#pair-button").click()

    # Attract screen, in Vietnamese, naming the counter.
    page.locator("#start").wait_for()
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("#start").inner_text() == "Chạm để bắt đầu"
    assert "Quầy số 4" in page.locator("#counter").inner_text()
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    # One citizen, in English, double-tapping the first answer: one answer, one response.
    page.locator("#lang").click()
    assert page.locator("#start").inner_text() == "Tap to start"
    start(page)
    assert page.locator(".question-text").inner_text() == "Overall, how satisfied are you with the service?"
    page.locator('.question[data-item="overall"] [data-code="4"]').dblclick()
    page.locator('.question[data-item="E1"]').wait_for()
    for item, code in ANSWERS[1:]:
        answer(page, item, code)
    page.locator(".thanks").wait_for()
    page.locator("#start").wait_for()
    assert page.locator("#start").inner_text() == "Chạm để bắt đầu"  # the next citizen starts in Vietnamese
    first = wait_for_count(db, 1)
    assert len(first) == 1
    assert first[0].language == "en" and first[0].counter.code == "TT-Q04"
    assert first[0].answers == {"overall": 4, "E1": 5, "E2": 4, "E3": "na", "E4": 3, "E5": 5, "trips": "1", "slip": "yes", "harassment": "none"}

    # Idle without `overall`: discarded. Idle after `overall`: kept with what was answered.
    start(page)
    page.locator("#start").wait_for(timeout=5000)
    start(page)
    answer(page, "overall", "2")
    answer(page, "E1", "1")
    page.locator('.question[data-item="E2"]').wait_for()
    page.locator("#start").wait_for(timeout=5000)
    kept = wait_for_count(db, 2)
    assert len(kept) == 2 and kept[1].answers == {"overall": 2, "E1": 1}

    # The network drops: three citizens answer, nothing reaches the server, the queue holds them.
    page.context.set_offline(True)
    for _ in range(3):
        answer_everything(page)
    time.sleep(0.5)
    assert len(kiosk_responses(db)) == 2
    assert staff_queue_length(page) == "3"

    # A reload while offline: the service worker serves the app, the queue survives.
    page.reload()
    page.locator("#start").wait_for()
    assert staff_queue_length(page) == "3"
    assert len(kiosk_responses(db)) == 2

    # The network returns: exactly three new responses, and the queue empties.
    page.context.set_offline(False)
    after = wait_for_count(db, 5)
    assert len(after) == 5
    assert len({r.uid for r in after}) == 5
    expect(open_staff_panel(page)).to_have_text("0")
    time.sleep(0.5)
    assert len(kiosk_responses(db)) == 5
    assert [text for text in console if "Content Security Policy" in text] == []
