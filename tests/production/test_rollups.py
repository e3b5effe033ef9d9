"""Per-unit rollups: exact sums of each subtree, kept with every response, read by the reports.

The reports read one rollup row per (child, month): the rows a report reads do not grow with
the number of responses or with how finely they spread over counters, procedures and channels
(the property bench/reports.py measures at a million responses; here counted, never timed).
"""
from __future__ import annotations

import re
import threading
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import event, func, select

from analysis import sipas
from analysis.tally import slot
from surveyapp.db import get_session
from surveyapp.models import Counter, Response, SurveyDefinitionRecord, Unit, response_tally, unit_rollup
from surveyapp.services.operations.demo import load_demo
from surveyapp.services.organisation.imports import rebuild_unit_paths
from surveyapp.services.reporting import reports
from surveyapp.services.reporting.aggregates import add_pending, compare_with_raw, record_tallies, tally_of_one
from surveyapp.services.reporting.rollups import read_rollups
from tests.survey.helpers import full_answers

MONTH = "2026-05"


def _province(db: Any) -> Unit:
    return db.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))


def _scores() -> dict[str, int]:
    return {criterion: 4 for criterion in sipas.CRITERIA}


def _same(a: dict, b: dict) -> bool:
    return {k: v.tolist() for k, v in a.items()} == {k: v.tolist() for k, v in b.items()}


def test_a_submission_adds_to_its_unit_and_every_ancestor_in_the_same_transaction(client, db):
    reply = client.post("/s/TT-Q01", data=full_answers(overall="5"))
    assert reply.status_code == 303
    db.expire_all()
    response = db.scalar(select(Response))
    unit = db.get(Unit, response.unit_id)
    chain = [int(part) for part in unit.path.strip("/").split("/")]
    rows = read_rollups(db, chain, [response.month])
    assert sorted(unit_id for (_month, unit_id) in rows) == sorted(chain)
    assert all(int(vector[slot("n")]) == 1 and int(vector[slot("overall.5")]) == 1 for vector in rows.values())
    assert compare_with_raw(db) == []


def test_rollups_equal_the_raw_answers_summed_up_the_tree(db):
    load_demo(db, today=datetime(2026, 5, 20), months=3)
    assert compare_with_raw(db) == []  # checks every rollup row too
    province = _province(db)
    for unit in (province, *province.children):
        for group_by in (None, "child"):
            from_rollups = reports.load_tallies(db, unit, ["2026-04", MONTH], group_by)
            from_raw = reports.load_tallies_from_responses(db, unit, ["2026-04", MONTH], group_by)
            assert _same(from_rollups, from_raw), (unit.code, group_by)


def test_moving_a_unit_moves_its_sums_to_its_new_ancestors(db):
    load_demo(db, today=datetime(2026, 5, 20), months=2)
    province = _province(db)
    first, second = province.children[:2]
    moved_n = int(reports.load_tallies(db, first, [MONTH])[(MONTH, None)][slot("n")])
    second_n = int(reports.load_tallies(db, second, [MONTH])[(MONTH, None)][slot("n")])
    first.parent_id = second.id
    rebuild_unit_paths(db)
    db.commit()
    assert compare_with_raw(db) == []
    assert int(reports.load_tallies(db, second, [MONTH])[(MONTH, None)][slot("n")]) == second_n + moved_n
    children = reports.load_tallies(db, province, [MONTH], "child")
    assert (MONTH, first.id) not in children
    assert _same(children, reports.load_tallies_from_responses(db, province, [MONTH], "child"))


def test_check_names_a_damaged_rollup_and_the_rebuild_repairs_it(db, runner):
    load_demo(db, today=datetime(2026, 5, 20), months=2)
    province = _province(db)
    db.execute(unit_rollup.update().where(unit_rollup.c.unit_id == province.id, unit_rollup.c.month == MONTH).values(s_n=unit_rollup.c.s_n + 1))
    db.commit()
    assert [(p.table, p.key, p.slots) for p in compare_with_raw(db, MONTH)] == [("unit_rollup", (MONTH, province.id), ("n",))]
    check = runner.invoke(args=["rebuild-aggregates", "--check"])
    assert check.exit_code == 1
    assert f"unit_rollup ('{MONTH}', {province.id}): n" in check.output
    assert runner.invoke(args=["rebuild-aggregates", "--month", MONTH]).exit_code == 0
    assert runner.invoke(args=["rebuild-aggregates", "--check"]).exit_code == 0


class ReadCounter:
    """Every statement the session sends while counting, replayed afterwards to count the rows
    each one returns (no timing: the number of rows read is the property)."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self.statements: list[tuple[str, Any]] = []

    def __enter__(self) -> ReadCounter:
        event.listen(self.db.get_bind(), "after_cursor_execute", self._record)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.db.get_bind(), "after_cursor_execute", self._record)

    def _record(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        self.statements.append((statement, parameters))

    def tables(self) -> set[str]:
        found = set()
        for statement, _ in self.statements:
            found.update(re.findall(r"\b(response_tally|unit_rollup|response)\b", statement))
        return found

    def rows(self) -> int:
        connection = self.db.connection()
        return sum(
            len(connection.exec_driver_sql(statement, parameters).fetchall())
            for statement, parameters in self.statements
            if statement.lstrip().upper().startswith("SELECT")
        )


def _report_reads(db: Any, unit: Unit) -> ReadCounter:
    db.expire_all()
    unit = db.get(Unit, unit.id)
    with ReadCounter(db) as reads:
        reports.monthly_report(db, unit, MONTH)
        reports.trend(db, unit, MONTH)
    return reads


def _copy_month_on_a_new_channel(db: Any) -> int:
    """Every response of the month once more, filed on the `web` channel: twice the responses,
    and new fine-grained groups for each counter and procedure."""
    columns = [c for c in Response.__table__.columns if c.name != "id"]
    rows = [dict(row._mapping) for row in db.execute(select(*columns).where(Response.month == MONTH))]
    for row in rows:
        row.update(uid=uuid.uuid4().hex, channel="web")
    db.execute(Response.__table__.insert(), rows)
    record_tallies(db, rows)
    db.commit()
    return len(rows)


def test_the_rows_a_province_report_reads_do_not_grow_with_the_responses(db):
    load_demo(db, today=datetime(2026, 5, 20), months=3)
    province = _province(db)
    small = _report_reads(db, province)
    n_small = reports.monthly_report(db, province, MONTH).n_responses
    fine_groups_small = db.scalar(select(func.count()).select_from(response_tally).where(response_tally.c.month == MONTH))

    added = _copy_month_on_a_new_channel(db)
    large = _report_reads(db, province)
    assert reports.monthly_report(db, province, MONTH).n_responses == n_small + added
    fine_groups_large = db.scalar(select(func.count()).select_from(response_tally).where(response_tally.c.month == MONTH))
    assert fine_groups_large > fine_groups_small

    # The report and its trend read the rollups, never raw answers; the fine groups only through
    # one SQL sum per month and questionnaire (the service index by form, issue 12), whose
    # returned rows do not grow either...
    assert large.tables() == small.tables() == {"unit_rollup", "response_tally"}
    # ...with the same statements returning the same number of rows: one per (child, month).
    assert len(large.statements) == len(small.statements)
    assert large.rows() == small.rows()
    months_read = 2 + 12  # this and last month for the report, twelve for the trend
    assert large.rows() <= (len(province.children) + 1) * months_read + 20
    assert compare_with_raw(db) == []


def test_a_unit_moved_while_a_citizen_submits_leaves_every_rollup_exact(app, db):
    """A submission in flight when an official moves a unit, in a month with no aggregates yet
    (so the move's rebuild finds no month to lock). The move waits for the submission (on
    PostgreSQL through the unit tree's lock; SQLite has one writer at a time); its rebuild then
    includes the response, and every rollup equals the raw answers summed up the new tree."""
    counter = db.scalar(select(Counter).where(Counter.code == "TT-Q01"))
    moved = db.get(Unit, counter.unit_id)
    new_parent = db.scalar(select(Unit).where(Unit.code == "DEMO-P-ANPHU"))
    record = db.scalar(select(SurveyDefinitionRecord).where(SurveyDefinitionRecord.definition_id == "sipas-full"))
    response = {
        "uid": uuid.uuid4().hex, "definition_pk": record.id, "definition_id": record.definition_id,
        "definition_version": record.version, "unit_id": moved.id, "counter_id": counter.id, "procedure_id": None,
        "channel": "qr", "month": MONTH, "answers": {**_scores(), "overall": 5},
    }
    pending = tally_of_one(db, response)  # the submission holds its locks from here...
    db.execute(Response.__table__.insert().values(
        **response, language="vi", submitted_at=datetime(2026, 5, 20, 9, 0), comment=None,
    ))
    add_pending(db, pending)  # ...and has written, not yet committed

    finished = threading.Event()
    errors: list[BaseException] = []

    def move() -> None:
        try:
            with app.app_context():
                session = get_session()
                unit = session.get(Unit, moved.id)
                unit.parent_id = new_parent.id
                rebuild_unit_paths(session)
                session.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            finished.set()

    mover = threading.Thread(target=move)
    mover.start()
    assert not finished.wait(1.0), "the move must wait for the submission in flight"
    db.commit()
    mover.join(30)
    assert errors == []
    db.expire_all()
    assert compare_with_raw(db) == []
    chain = [int(part) for part in db.get(Unit, moved.id).path.strip("/").split("/")]
    assert new_parent.id in chain
    rows = read_rollups(db, chain, [MONTH])
    assert all(int(vector[slot("n")]) == 1 for vector in rows.values()) and len(rows) == len(chain)
