"""The procedure picker of a province's catalogue in a real Chromium, with JavaScript (the field
asks GET /procedures/search as one types) and without it (the search button re-shows the form)."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bench.catalogue_data import province_catalogue, write_catalogue_csv
from surveyapp.models import Response
from surveyapp.services.organisation.imports import import_procedures

pytestmark = pytest.mark.browser

BUILDING_PERMIT = next(code for code, name, _ in province_catalogue(1800) if name == "Cấp giấy phép xây dựng")


@pytest.fixture
def province(db, tmp_path: Path):  # type: ignore[no-untyped-def]
    import_procedures(db, write_catalogue_csv(tmp_path / "procedures.csv", 1800))
    db.commit()
    return db


def tap(page, name: str, value: str) -> None:  # type: ignore[no-untyped-def]
    page.locator(f'label:has(input[name="{name}"][value="{value}"])').click()


def answer_the_rest_and_send(page) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("document.querySelectorAll('.step').forEach(s => s.hidden = false)")
    for name, value in (("trips", "1"), ("slip", "yes"), ("harassment", "none"), ("overall", "4")):
        tap(page, name, value)
    page.evaluate("document.querySelector('.submit-bar').hidden = false")
    page.get_by_role("button", name="Gửi ý kiến").click()
    page.wait_for_url("**/thanks")


def stored_procedure(db) -> str:  # type: ignore[no-untyped-def]
    db.expire_all()
    return db.scalar(select(Response)).procedure.code


def test_with_javascript_the_field_finds_a_procedure_the_page_does_not_name(live_server, phone, province):
    phone.goto(f"{live_server.url}/s/TT-Q01")
    assert BUILDING_PERMIT not in phone.content()
    assert not phone.locator("#f-procedure-q").is_visible()  # the field itself searches
    phone.fill("#f-procedure", "cap giay phep xay dung")
    match = phone.locator("#procedure-suggest li", has_text=BUILDING_PERMIT)
    match.wait_for()
    assert phone.locator("#procedure-suggest li").first.inner_text().startswith("Cấp giấy phép xây dựng\n")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    match.click()
    assert phone.input_value("#f-procedure") == "Cấp giấy phép xây dựng"
    answer_the_rest_and_send(phone)
    assert stored_procedure(province) == BUILDING_PERMIT


def test_with_javascript_enter_picks_the_first_match_and_sends_nothing(live_server, phone, province):
    phone.goto(f"{live_server.url}/s/TT-Q01")
    phone.fill("#f-procedure", BUILDING_PERMIT)
    phone.locator("#procedure-suggest li", has_text=BUILDING_PERMIT).wait_for()
    phone.press("#f-procedure", "Enter")
    assert phone.input_value("#f-procedure") == "Cấp giấy phép xây dựng"
    assert phone.url.endswith("/s/TT-Q01")


def test_without_javascript_the_search_button_lists_the_matches_to_choose_from(live_server, browser, province):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}/s/TT-Q01")
    tap(page, "TC01", "5")
    page.fill("#f-procedure-q", "cap giay phep xay dung")
    page.get_by_role("button", name="Tìm", exact=True).click()
    assert page.get_by_text("khớp với “cap giay phep xay dung”").is_visible()
    assert page.locator('input[name="TC01"][value="5"]').is_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    tap(page, "procedure", BUILDING_PERMIT)
    for name, value in (("trips", "1"), ("slip", "yes"), ("harassment", "none"), ("overall", "4")):
        tap(page, name, value)
    page.get_by_role("button", name="Gửi ý kiến").click()
    page.wait_for_url("**/thanks")
    assert stored_procedure(province) == BUILDING_PERMIT
    context.close()
