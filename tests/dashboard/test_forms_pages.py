"""The overview shows the service index by form and the note on pooled forms, in both languages
(issue 12, item 6)."""
from __future__ import annotations

from tests.dashboard.conftest import MONTH, PROVINCE


def test_overview_notes_pooled_forms_and_shows_each_forms_index(as_admin) -> None:
    vi = " ".join(as_admin.get(f"/reports/{PROVINCE}/{MONTH}").get_data(as_text=True).split())
    assert 'data-note="forms_pooled"' in vi and "gộp phiếu của nhiều mẫu phiếu khác nhau" in vi
    by_form = vi[vi.index('id="index-by-form"'):]
    by_form = by_form[: by_form.index("</p>")]
    assert "Phiếu đầy đủ" in by_form and "Phiếu kiosk" in by_form
    en = " ".join(as_admin.get(f"/reports/{PROVINCE}/{MONTH}?lang=en").get_data(as_text=True).split())
    assert "Responses to more than one questionnaire are pooled here" in en
    assert "Full form" in en and "Kiosk form" in en
