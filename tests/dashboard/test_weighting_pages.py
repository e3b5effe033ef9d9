"""The overview says whether its headline rates were weighted (issue 12, item 5)."""
from __future__ import annotations

from tests.dashboard.conftest import COMMUNE, MONTH, PROVINCE


def test_overview_says_the_rates_are_unweighted_and_why(as_admin) -> None:
    html = as_admin.get(f"/reports/{PROVINCE}/{MONTH}").get_data(as_text=True)
    note = html[html.index('id="weighting"'):]
    note = note[: note.index("</p>")]
    assert "Không có trọng số" in note
    assert "chưa có số hồ sơ của tháng này cho mọi đơn vị trực thuộc" in note
    english = as_admin.get(f"/reports/{COMMUNE}/{MONTH}?lang=en").get_data(as_text=True)
    assert "Unweighted: the unit has no sub-units." in " ".join(english.split())
