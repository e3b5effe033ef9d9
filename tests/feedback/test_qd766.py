"""The QĐ 766 satisfaction group against a hand computation: the analysis on counts, and the
report of a unit whose dossiers were posted and answered and whose complaints were imported."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from analysis.qd766 import Qd766Counts, qd766_of
from surveyapp.models import Unit
from surveyapp.periods import previous_month, this_month
from surveyapp.services.reporting.reports import monthly_report
from tests.dossiers.helpers import api_client, bearer, dossier
from tests.survey.helpers import full_answers

CITIZEN_ONLY = {k: v for k, v in full_answers().items() if k not in ("submit_channel", "receive_channel", "ontime")}


def test_the_three_rates_and_the_points_on_counts():
    block = qd766_of(Qd766Counts(complaints=8, complaints_on_time=6, complaints_not_dissatisfied=4,
                                 dossiers_returned=50, dossiers_dissatisfied_or_complained=5))
    assert (block.complaints_on_time.value, block.complaints_on_time.count, block.complaints_on_time.n) == (0.75, 6, 8)
    assert block.complaints_not_dissatisfied.value == 0.5
    assert (block.dossiers_satisfied.value, block.dossiers_satisfied.count) == (0.9, 45)
    # Equal thirds of 18 points: 6 × (0.75 + 0.5 + 0.9) = 12.9.
    assert block.points == 12.9 and block.max_points == 18
    low, high = block.complaints_on_time.ci_low, block.complaints_on_time.ci_high
    assert low is not None and high is not None and low < 0.75 < high, "a Wilson interval around the rate"
    assert set(block.to_json()) == {"complaints_on_time", "complaints_not_dissatisfied", "dossiers_satisfied",
                                    "points", "max_points"}


def test_a_rate_with_nothing_to_count_earns_its_points_and_shows_n_0():
    block = qd766_of(Qd766Counts(0, 0, 0, 10, 10))
    assert block.complaints_on_time.n == 0 and block.complaints_on_time.value is None
    assert block.dossiers_satisfied.value == 0.0
    assert block.points == 12.0


def test_inconsistent_counts_are_refused():
    with pytest.raises(ValueError):
        qd766_of(Qd766Counts(2, 3, 0, 0, 0))


def _day(month: str, day: int) -> str:
    return date(int(month[:4]), int(month[5:7]), day).isoformat()


def _post_dossier(client, secret, code, returned_on):  # type: ignore[no-untyped-def]
    item = dossier(code=code, received_on=(date.fromisoformat(returned_on) - timedelta(days=5)).isoformat()
                   if returned_on else (date.today() - timedelta(days=40)).isoformat(),
                   due_on=returned_on or (date.today() - timedelta(days=30)).isoformat(), returned_on=returned_on)
    [result] = client.post("/api/v1/dossiers", json=item, headers=bearer(secret)).get_json()["results"]
    assert result["status"] == 201, result
    return result["url"].removeprefix("https://survey.example.vn")


def test_the_report_of_last_month_matches_the_hand_computation(app, client, runner, db, tmp_path: Path):
    month, before = previous_month(this_month()), previous_month(previous_month(this_month()))
    returned = _day(month, 20)
    secret = api_client(app)
    links = {code: _post_dossier(client, secret, code, returned) for code in ("D1", "D2", "D3", "D4", "D5")}
    _post_dossier(client, secret, "D6", _day(before, 20))  # returned the month before: not counted
    _post_dossier(client, secret, "D7", None)  # not returned yet: not counted
    for code, overall in (("D1", "1"), ("D2", "5"), ("D4", "2")):
        assert client.post(links[code], data={**CITIZEN_ONLY, "overall": overall}).status_code == 303

    csv = tmp_path / "pakn.csv"
    csv.write_text(
        "unit,code,received_on,due_on,handled_on,dissatisfied,dossier_code\n"
        f"DEMO-TTHCC,F1,{_day(month, 1)},{_day(month, 10)},{_day(month, 8)},no,\n"  # on time
        f"DEMO-TTHCC,F2,{_day(month, 1)},{_day(month, 10)},{_day(month, 10)},yes,D3\n"  # on time, dissatisfied
        f"DEMO-P-ANPHU,F3,{_day(month, 1)},{_day(month, 10)},{_day(month, 12)},no,D4\n"  # late
        f"DEMO-TTHCC,F4,{_day(month, 2)},{_day(month, 12)},,no,\n"  # still open, past due: overdue
        f"DEMO-TTHCC,F5,{_day(before, 2)},{_day(before, 12)},{_day(before, 3)},no,D6\n",  # due the month before
        encoding="utf-8",
    )
    result = runner.invoke(args=["import-feedback", str(csv)])
    assert result.exit_code == 0, result.output
    assert "5" in result.output

    unit = db.scalar(select(Unit).where(Unit.code == "DEMO"))
    block = monthly_report(db, unit, month).qd766
    assert block is not None
    # Hand computation. Complaints due in the month: F1..F4; on time F1, F2 (2 of 4); neither
    # dissatisfied nor overdue: F1 (1 of 4). Dossiers returned in the month: D1..D5; rated 1–2
    # or complained about: D1 (1), D3 (F2), D4 (2 and F3, counted once): 3, so 2 of 5 satisfied.
    assert (block.complaints_on_time.count, block.complaints_on_time.n) == (2, 4)
    assert (block.complaints_not_dissatisfied.count, block.complaints_not_dissatisfied.n) == (1, 4)
    assert (block.dossiers_satisfied.count, block.dossiers_satisfied.n) == (2, 5)
    assert block.points == pytest.approx(6 * (0.5 + 0.25 + 0.4))

    report_json = runner.invoke(args=["report", "--unit", "DEMO", "--month", month])
    assert '"qd766"' in report_json.output and '"max_points": 18' in report_json.output

    # A sub-unit's subtree: only its own complaints and dossiers (DEMO-P-ANPHU has F3 only).
    commune = db.scalar(select(Unit).where(Unit.code == "DEMO-P-ANPHU"))
    commune_block = monthly_report(db, commune, month).qd766
    assert commune_block is not None
    assert (commune_block.complaints_on_time.n, commune_block.dossiers_satisfied.n) == (1, 0)


def test_a_month_without_complaints_or_dossiers_has_no_block(app, db):
    unit = db.scalar(select(Unit).where(Unit.code == "DEMO"))
    assert monthly_report(db, unit, this_month()).qd766 is None
    assert "qd766" not in monthly_report(db, unit, this_month()).to_json()


def test_the_report_page_shows_the_group_beside_the_service_index(app, client, runner, db, tmp_path: Path):
    from surveyapp.services.accounts.accounts import create_user

    month = previous_month(this_month())
    csv = tmp_path / "pakn.csv"
    csv.write_text(
        "unit,code,received_on,due_on,handled_on,dissatisfied\n"
        f"DEMO-TTHCC,F1,{_day(month, 1)},{_day(month, 10)},{_day(month, 8)},no\n"
        f"DEMO-TTHCC,F2,{_day(month, 1)},{_day(month, 10)},{_day(month, 11)},no\n",
        encoding="utf-8",
    )
    assert runner.invoke(args=["import-feedback", str(csv)]).exit_code == 0
    create_user(db, "admin", "admin-password-766", "admin")
    db.commit()
    assert client.post("/login", data={"username": "admin", "password": "admin-password-766"}).status_code == 302
    page = client.get(f"/reports/DEMO/{month}").get_data(as_text=True)
    block = page.split('id="qd766"')[1].split("</article>")[0]
    # 6 × (1/2 + 1/2) + 6 for the dossiers (none returned: nothing failed) = 12 points.
    assert "12,0 / 18" in block or "12.0 / 18" in block, block
    assert "Nhóm chỉ số hài lòng theo QĐ 766" in block and "(1 / 2;" in block
    printed = client.get(f"/reports/DEMO/{month}/print").get_data(as_text=True)
    row = printed.split('id="print-qd766"')[1].split("</tr>")[0]
    assert "12,0 / 18" in row or "12.0 / 18" in row, row
