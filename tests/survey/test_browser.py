"""A citizen on a cheap phone, in a real Chromium: with JavaScript on and off, in both languages."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from analysis import sipas
from surveyapp.models import Response
from surveyapp.settings import PROJECT_ROOT

pytestmark = pytest.mark.browser


def stored(db) -> list[Response]:  # type: ignore[no-untyped-def]
    db.expire_all()
    return list(db.scalars(select(Response).order_by(Response.id)))


def tap(page, name: str, value: str) -> None:  # type: ignore[no-untyped-def]
    page.locator(f'label:has(input[name="{name}"][value="{value}"])').click()


def test_a_citizen_answers_step_by_step_on_a_phone(live_server, phone, db):
    phone.goto(f"{live_server.url}/s/TL-Q01")
    assert phone.locator("html").get_attribute("lang") == "vi"
    assert phone.locator(".progress").is_visible()
    # Only the first part is shown; the rest wait behind "Tiếp theo".
    assert phone.locator("#step-context").is_visible() and not phone.locator("#step-E1").is_visible()
    phone.fill("#f-procedure", "1.001193")
    tap(phone, "submit_channel", "direct")
    phone.get_by_role("button", name="Tiếp theo").first.click()

    # The facts part: required questions block "Next" until answered, with the message beside them.
    facts = phone.locator("#step-facts")
    assert facts.is_visible()
    facts.get_by_role("button", name="Tiếp theo").click()
    assert facts.locator("#error-trips").inner_text() == "Xin vui lòng trả lời câu hỏi này."
    assert facts.is_visible()
    tap(phone, "trips", "3")
    tap(phone, "slip", "yes")
    # Skip logic: the apology question appears only when the result was late.
    assert not phone.locator("#q-apology").is_visible()
    tap(phone, "ontime", "late")
    assert phone.locator("#q-apology").is_visible()
    tap(phone, "apology", "no")
    tap(phone, "harassment", "none")
    facts.get_by_role("button", name="Tiếp theo").click()

    for element in sipas.ELEMENTS:
        step = phone.locator(f"#step-{element}")
        assert step.is_visible()
        for criterion in sipas.CRITERIA_OF_ELEMENT[element]:
            tap(phone, criterion, "4")
        step.get_by_role("button", name="Tiếp theo").click()
    tap(phone, "overall", "5")
    tap(phone, "expect", "time")
    phone.fill("#f-comment", "Nhanh gọn")
    phone.get_by_role("button", name="Tiếp theo").last.click()
    phone.get_by_role("button", name="Gửi ý kiến").click()
    phone.wait_for_url("**/thanks")
    assert "Xin cảm ơn" in phone.content()

    [response] = stored(db)
    assert response.answers["trips"] == "3" and response.answers["apology"] == "no"
    assert response.answers["overall"] == 5 and response.answers["TC22"] == 4
    assert response.procedure.code == "1.001193" and response.comment == "Nhanh gọn"


def test_the_form_fits_a_360_pixel_screen_with_44_pixel_touch_targets(live_server, phone):
    phone.goto(f"{live_server.url}/s/TT-Q01")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    # Show every part to measure all targets.
    phone.evaluate("document.querySelectorAll('.step').forEach(s => s.hidden = false)")
    sizes = phone.evaluate(
        "[...document.querySelectorAll('.scale__opt, .scale__na, .opt, .button, .lang-switch button, input[list], textarea')]"
        ".filter(e => e.offsetParent).map(e => [e.getBoundingClientRect().width, e.getBoundingClientRect().height])"
    )
    assert len(sizes) > 150
    assert all(w >= 44 and h >= 44 for w, h in sizes), [s for s in sizes if s[0] < 44 or s[1] < 44][:5]
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_with_javascript_off_the_whole_form_works_and_keeps_answers(live_server, browser, db):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}/s/DS-Q01")
    assert page.locator("#step-respondent").is_visible()  # one long page, every part shown
    tap(page, "trips", "1")
    tap(page, "slip", "yes")
    tap(page, "harassment", "none")
    tap(page, "TC01", "2")
    page.get_by_role("button", name="Gửi ý kiến").click()
    # Overall was forgotten: the error sits beside it and nothing is lost.
    assert page.locator("#error-overall").inner_text() == "Xin vui lòng trả lời câu hỏi này."
    assert page.locator("#error-summary").is_visible()
    assert page.locator('input[name="TC01"][value="2"]').is_checked()
    assert stored(db) == []
    tap(page, "overall", "3")
    page.get_by_role("button", name="Gửi ý kiến").click()
    page.wait_for_url("**/thanks")
    [response] = stored(db)
    assert response.answers == {"trips": "1", "slip": "yes", "harassment": "none", "TC01": 2, "overall": 3}
    context.close()


def test_switching_to_english_mid_way_keeps_the_answers(live_server, browser, db):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}/s/DS-Q01")
    tap(page, "TC05", "5")
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator('input[name="TC05"][value="5"]').is_checked()
    assert page.get_by_text("The procedure is publicly posted in full").is_visible()
    tap(page, "trips", "2")
    tap(page, "slip", "no")
    tap(page, "harassment", "some")
    tap(page, "overall", "2")
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url("**/thanks")
    assert "Thank you!" in page.content()
    [response] = stored(db)
    assert response.language == "en" and response.answers["TC05"] == 5
    context.close()


def test_the_form_renders_for_a_screenshot(live_server, browser, tmp_path):
    """Renders the view shown in the README (docs/screenshots/survey-form-phone.png was taken
    this way; set SURVEYAPP_SCREENSHOTS=1 to refresh it)."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=1)
    page = context.new_page()
    page.goto(f"{live_server.url}/s/TT-Q01?lang=vi")
    page.get_by_role("button", name="Tiếp theo").first.click()
    for name, value in (("trips", "1"), ("slip", "yes"), ("harassment", "none")):
        tap(page, name, value)
    page.get_by_role("button", name="Tiếp theo").first.click()
    tap(page, "TC01", "5")
    tap(page, "TC02", "4")
    out = PROJECT_ROOT / "docs" / "screenshots" if os.environ.get("SURVEYAPP_SCREENSHOTS") else tmp_path
    target = Path(out / "survey-form-phone.png")
    page.screenshot(path=str(target))
    assert target.stat().st_size > 10_000
    context.close()


def test_the_procedure_is_found_when_typed_without_tone_marks(live_server, phone, db):
    phone.goto(f"{live_server.url}/s/TT-Q01")
    phone.fill("#f-procedure", "dang ky khai")
    suggestion = phone.get_by_role("option", name="Đăng ký khai sinh")
    suggestion.click()
    assert phone.input_value("#f-procedure") == "Đăng ký khai sinh"
    phone.evaluate("document.querySelectorAll('.step').forEach(s => s.hidden = false)")
    for name, value in (("trips", "1"), ("slip", "yes"), ("harassment", "none"), ("overall", "4")):
        tap(phone, name, value)
    phone.evaluate("document.querySelector('.submit-bar').hidden = false")
    phone.get_by_role("button", name="Gửi ý kiến").click()
    phone.wait_for_url("**/thanks")
    assert stored(db)[0].procedure.code == "1.001193"
