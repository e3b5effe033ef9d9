"""The funnel's centre line is chosen per report: `?funnel_center=parent|target` on the report
pages (issue 12); the page says which centre it uses and whether the limits allow for
overdispersion."""
from __future__ import annotations

from tests.dashboard.conftest import MONTH, PROVINCE


def test_the_parent_centre_is_the_default_and_the_page_says_so(as_admin) -> None:
    page = as_admin.get(f"/reports/{PROVINCE}/{MONTH}").get_data(as_text=True)
    assert 'id="funnel-note"' in page
    assert "Đường trung tâm: tỷ lệ của đơn vị cấp trên" in page
    assert "funnel_center=target" in page  # the switch to the other centre


def test_the_target_centre_on_request(as_admin) -> None:
    page = as_admin.get(f"/reports/{PROVINCE}/{MONTH}?funnel_center=target").get_data(as_text=True)
    assert "Đường trung tâm: chỉ tiêu của đơn vị" in page
    assert "funnel_center=parent" in page
    printed = as_admin.get(f"/reports/{PROVINCE}/{MONTH}/print?funnel_center=target").get_data(as_text=True)
    assert "Đường trung tâm: chỉ tiêu của đơn vị" in printed


def test_an_unknown_centre_falls_back_to_the_parent(as_admin) -> None:
    response = as_admin.get(f"/reports/{PROVINCE}/{MONTH}?funnel_center=%3Cscript%3E")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Đường trung tâm: tỷ lệ của đơn vị cấp trên" in page and "<script>" not in page.split("funnel-note")[1][:2000]


def test_the_funnel_note_is_in_english_too(as_admin) -> None:
    page = as_admin.get(f"/reports/{PROVINCE}/{MONTH}?lang=en").get_data(as_text=True)
    assert "Centre line: the parent unit&#39;s rate" in page or "Centre line: the parent unit's rate" in page
    assert "Đường trung tâm" not in page
