"""Monthly aggregates are kept as responses arrive and equal a recomputation from raw answers."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from analysis.tally import slot
from surveyapp.models import Counter, Response, Unit, response_tally
from surveyapp.services.operations.demo import load_demo
from surveyapp.services.operations.response_import import import_responses
from surveyapp.services.organisation.lookups import unit_by_code
from surveyapp.services.reporting import reports
from surveyapp.services.reporting.aggregates import compare_with_raw, recompute_from_raw, stored_tallies, summed_tallies
from tests.survey.helpers import full_answers

IMPORT_CSV = """submitted_at,unit,counter,channel,survey,overall,E1,E2,E3,E4,E5,trips,slip,harassment
2026-03-02T09:00:00+07:00,{unit},{counter},paper,sipas-kiosk,5,4,4,5,3,2,1,yes,none
2026-03-05T10:30:00+07:00,{unit},{counter},paper,sipas-kiosk,2,1,2,,3,na,3,no,some
2026-04-01T00:10:00+07:00,{unit},,paper,sipas-kiosk,4,4,4,4,4,4,2,yes,none
"""


def _submit(client, counter: str, **answers: object) -> None:
    reply = client.post(f"/s/{counter}", data=full_answers(**answers))
    assert reply.status_code == 303, reply.get_data(as_text=True)[:500]


def test_aggregates_equal_a_recomputation_from_raw_responses_to_the_last_digit(app, client, db, tmp_path):
    load_demo(db, today=datetime(2026, 5, 20), months=3)
    for score in ("1", "3", "5", "4"):
        _submit(client, "TT-Q01", overall=score)
    _submit(client, "TT-Q02", overall="2", ontime="late", apology="no", trips="3", expect=None)
    counter = db.execute(select(Response.counter_id, Response.unit_id).limit(1)).one()
    code = db.get(Counter, counter.counter_id).code
    unit_code = db.get(Unit, counter.unit_id).code
    csv_file = tmp_path / "paper.csv"
    csv_file.write_text(IMPORT_CSV.format(unit=unit_code, counter=code), encoding="utf-8")
    with app.app_context():
        summary = import_responses(db, csv_file)
    assert summary.imported == 3

    stored = stored_tallies(db)
    raw = recompute_from_raw(db)
    assert stored.keys() == raw.keys()
    for key in raw:
        assert stored[key].tolist() == raw[key].tolist(), key
    assert compare_with_raw(db) == []
    total_n = sum(int(v[slot("n")]) for v in stored.values())
    assert total_n == db.scalar(select(func.count()).select_from(Response))


@pytest.mark.parametrize("group_by", [None, "child", "counter", "procedure", "channel"])
def test_report_tallies_from_aggregates_equal_those_from_raw_answers(db, group_by):
    load_demo(db, today=datetime(2026, 5, 20), months=3)
    province = db.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
    for unit in (province, *province.children[:2]):
        from_aggregates = reports.load_tallies(db, unit, ["2026-04", "2026-05"], group_by)
        from_raw = reports.load_tallies_from_responses(db, unit, ["2026-04", "2026-05"], group_by)
        assert from_aggregates.keys() == from_raw.keys()
        assert {k: v.tolist() for k, v in from_aggregates.items()} == {k: v.tolist() for k, v in from_raw.items()}


def test_a_month_is_summed_in_sql_from_that_months_rows_only(db):
    load_demo(db, today=datetime(2026, 5, 20), months=3)
    april = summed_tallies(db, ["2026-04"], by=("unit_id",))
    rows = db.scalar(select(func.count()).select_from(Response).where(Response.month == "2026-04"))
    assert sum(int(v[slot("n")]) for v in april.values()) == rows
    # Damage March's aggregates: April's sums do not move, so March's rows are not read.
    db.execute(response_tally.update().where(response_tally.c.month == "2026-03").values(s_n=response_tally.c.s_n + 1000))
    db.commit()
    assert {k: v.tolist() for k, v in summed_tallies(db, ["2026-04"], by=("unit_id",)).items()} == {
        k: v.tolist() for k, v in april.items()
    }


def test_rebuild_job_repairs_damaged_aggregates(db, runner):
    load_demo(db, today=datetime(2026, 5, 20), months=2)
    db.execute(response_tally.update().where(response_tally.c.month == "2026-05").values(s_n=response_tally.c.s_n + 7))
    db.commit()
    check = runner.invoke(args=["rebuild-aggregates", "--check"])
    assert check.exit_code == 1
    rebuilt = runner.invoke(args=["rebuild-aggregates", "--month", "2026-05"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert runner.invoke(args=["rebuild-aggregates", "--check"]).exit_code == 0
    assert compare_with_raw(db) == []


def test_rebuild_rejects_a_malformed_month(runner):
    result = runner.invoke(args=["rebuild-aggregates", "--month", "2026-13"])
    assert result.exit_code == 2


def test_workers_add_to_their_own_shard_of_a_group_and_reports_sum_them(client, db, monkeypatch):
    """Two gunicorn workers answering the same counter write different rows, so neither waits
    on the other's row lock; the group's numbers are the sum of its shards."""
    import surveyapp.services.reporting.aggregates as aggregates

    for fake_pid, score in ((8001, "5"), (8002, "2"), (8002, "4")):
        monkeypatch.setattr(aggregates.os, "getpid", lambda pid=fake_pid: pid)
        _submit(client, "TT-Q01", overall=score)
    db.expire_all()
    shards = db.execute(select(response_tally.c.shard, response_tally.c.s_n).order_by(response_tally.c.shard)).all()
    assert [(row.shard, row.s_n) for row in shards] == [(8001 % 8, 1), (8002 % 8, 2)]
    [(key, vector)] = stored_tallies(db).items()
    assert int(vector[slot("n")]) == 3 and int(vector[slot("overall.5")]) == 1
    assert compare_with_raw(db) == []
    month = key[0]
    # three responses: shown with a minimum n of 1 (the default 30 would suppress the count)
    report = reports.monthly_report(db, unit_by_code(db, "DEMO"), month, min_responses=1)
    assert report.n_responses == 3 and report.overall.count == 2
