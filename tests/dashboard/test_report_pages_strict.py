"""Report pages read the typed report (analysis/model.py) by attribute, and a renamed or misspelt
field must fail here rather than render as an empty cell: Jinja normally shows an unknown
attribute as nothing, so these pages are rendered with StrictUndefined."""
from __future__ import annotations

import jinja2
import pytest

from tests.dashboard.conftest import MONTH, PROVINCE

PAGES = [
    f"/reports/{PROVINCE}/{MONTH}",
    f"/reports/{PROVINCE}/2026-10",
    f"/reports/{PROVINCE}/2025-01",  # no responses at all: no funnel, insufficient everywhere
    f"/reports/DEMO-X-TANLAP/{MONTH}",  # a leaf: no sub-units
    f"/reports/{PROVINCE}/{MONTH}/criteria",
    f"/reports/{PROVINCE}/{MONTH}/by/counter",
    f"/reports/{PROVINCE}/{MONTH}/by/procedure",
    f"/reports/{PROVINCE}/{MONTH}/by/channel",
    f"/reports/{PROVINCE}/{MONTH}/counters/TL-Q01",
    f"/reports/{PROVINCE}/2025-01/counters/TL-Q01",  # a counter without responses
    f"/reports/{PROVINCE}/{MONTH}/print",
    "/reports/DEMO-X-TANLAP/2025-01/print",
    f"/reports/{PROVINCE}/{MONTH}?funnel_center=target",
    f"/reports/{PROVINCE}/{MONTH}/print?funnel_center=target",
    # periods of several months (surveyapp/periods.py)
    f"/reports/{PROVINCE}/2026-Q3",
    f"/reports/{PROVINCE}/2026-H2/criteria",
    f"/reports/{PROVINCE}/2026/by/counter",
    f"/reports/{PROVINCE}/2026-YTD/counters/TL-Q01",
    f"/reports/{PROVINCE}/2026-06..2026-11",
    f"/reports/{PROVINCE}/2026-Q4/print",
    # rankings (issue 14)
    f"/reports/{PROVINCE}/{MONTH}/ranking",
    f"/reports/{PROVINCE}/2026-Q4/ranking/print?measure=E2&all_communes=1&against=target",
    f"/reports/{PROVINCE}/2025-01/ranking",  # no responses: nobody ranked
    "/reports/DEMO-X-TANLAP/2026-10/ranking/print",  # a leaf: nothing to rank
    # the help page, quoting a report's numbers (one with a funnel, one with too few answers)
    f"/help/reports?unit={PROVINCE}&period={MONTH}",
    f"/help/reports?unit={PROVINCE}&period=2025-01",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_report_page_renders_with_strict_undefined(app, as_admin, url: str) -> None:
    app.jinja_env.undefined = jinja2.StrictUndefined
    response = as_admin.get(url)
    assert response.status_code == 200, url  # an undefined name would have raised: a 500
    assert "tỉnh an phú" in response.get_data(as_text=True).lower()
