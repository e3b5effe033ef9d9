"""Small-area estimates on the dashboard (issue 12): next to the raw rate in the sub-unit table,
the print view and the counter breakdown, and labelled as the only estimate where the raw rate
is suppressed."""
from __future__ import annotations

from analysis.model import Rate, SmallArea
from tests.dashboard.conftest import PROVINCE


def test_sub_unit_table_shows_the_estimate_beside_the_raw_rate(as_admin) -> None:
    page = as_admin.get(f"/reports/{PROVINCE}/2026-10").get_data(as_text=True)
    table = page.split('id="table-children"')[1].split("</table>")[0]
    assert "Ước lượng khu vực nhỏ" in table
    assert table.count('class="num small-area"') == table.count("<tr>") - 1  # one per sub-unit row


def test_print_view_and_counter_breakdown_show_it_too(as_admin) -> None:
    printed = as_admin.get(f"/reports/{PROVINCE}/2026-10/print").get_data(as_text=True)
    assert "Ước lượng khu vực nhỏ" in printed and 'class="num small-area"' in printed
    counters = as_admin.get(f"/reports/{PROVINCE}/2026-10/by/counter").get_data(as_text=True)
    assert "Ước lượng khu vực nhỏ" in counters and 'class="num small-area"' in counters
    procedures = as_admin.get(f"/reports/{PROVINCE}/2026-10/by/procedure").get_data(as_text=True)
    assert 'class="num small-area"' not in procedures


def test_a_suppressed_rate_shows_only_its_labelled_estimate(app) -> None:
    suppressed = Rate(
        value=None, ci_low=None, ci_high=None, n=12, count=11, insufficient=True, status=None, target=0.95,
        small_area=SmallArea(value=0.874, ci_low=0.79, ci_high=0.94),
    )
    with app.test_request_context("/"):
        macros = app.jinja_env.get_template("dashboard/_macros.html").module
        cell = str(macros.small_area_cell(suppressed))
        assert "87,4" in cell or "87.4" in cell
        assert "chỉ có ước lượng khu vực nhỏ" in cell
        plain = Rate(value=None, ci_low=None, ci_high=None, n=0, count=0, insufficient=True, status=None, target=None)
        assert "—" in str(macros.small_area_cell(plain))


def test_counters_are_ordered_by_their_small_area_estimate(app) -> None:
    from analysis.model import GroupReport
    from surveyapp.dashboard.views import worst_first

    def counter(key: str, raw: float | None, estimate: float | None) -> GroupReport:
        overall = Rate(value=raw, ci_low=None, ci_high=None, n=40, count=0, insufficient=raw is None, status=None,
                       target=None, small_area=None if estimate is None else SmallArea(estimate, None, None))
        return GroupReport(n_responses=40, service_index=overall, overall=overall, elements={}, flags={},  # type: ignore[arg-type]
                           key=key, name=key, criteria={})

    rows = [counter("A", 1.0, 0.90), counter("B", 0.80, 0.85), counter("C", None, 0.70), counter("D", None, None)]
    assert [r.key for r in worst_first(rows)] == ["C", "B", "A", "D"]
