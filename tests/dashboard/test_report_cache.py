"""The report cache (surveyapp/services/reporting/report_cache.py): an unchanged period is computed
once; anything that changes what the report shows (a citizen's response, a rebuild of the
aggregates, a renamed unit, a dossier volume) is seen from the next view on."""
from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import delete, func, select

from surveyapp.models import DossierVolume, Response, Unit, unit_rollup
from surveyapp.periods import Period, this_month
from surveyapp.services.organisation.lookups import unit_by_code
from surveyapp.services.reporting import reports
from surveyapp.services.reporting.report_cache import ReportCache, freshness_key, rollup_revisions
from tests.dashboard.conftest import COMMUNE, MONTH, PROVINCE
from tests.survey.helpers import full_answers

RESPONSES_KPI = re.compile(r'<h2 class="kpi__title">[^<]+</h2>\s*<p class="kpi__value">([\d.,\s]+)</p>')


def _responses_shown(html: str) -> int:
    found = RESPONSES_KPI.search(html)
    assert found, "the overview shows no response count"
    return int(re.sub(r"\D", "", found.group(1)))


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The periods whose report was computed (not taken from the cache), in order."""
    calls: list[str] = []
    original = reports.period_report

    def counting(session: Any, unit: Unit, period: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(f"{unit.code}/{period}")
        return original(session, unit, period, *args, **kwargs)

    monkeypatch.setattr(reports, "period_report", counting)
    return calls


def _fresh_count(app: Any, code: str, month: str) -> int:
    with app.app_context():
        from surveyapp.db import get_session

        session = get_session()
        return reports.period_report(session, unit_by_code(session, code), month).n_responses


def test_an_unchanged_period_is_computed_once_and_shown_the_same(as_admin, computed) -> None:
    first = as_admin.get(f"/reports/{PROVINCE}/{MONTH}")
    second = as_admin.get(f"/reports/{PROVINCE}/{MONTH}")
    assert first.status_code == second.status_code == 200
    assert computed == [f"{PROVINCE}/{MONTH}"]
    # The same page, but for the sign-out form's CSRF token (signed with the time, per request).
    assert _without_csrf(first.get_data(as_text=True)) == _without_csrf(second.get_data(as_text=True))


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", html)


def test_a_citizens_response_shows_in_the_province_report_at_once(app, client, as_admin, computed) -> None:
    month = this_month()
    before = _responses_shown(as_admin.get(f"/reports/{PROVINCE}/{month}").get_data(as_text=True))
    assert before == _fresh_count(app, PROVINCE, month)
    computed.clear()

    assert client.post("/s/TL-Q01", data=full_answers(overall="5")).status_code == 303

    after = _responses_shown(as_admin.get(f"/reports/{PROVINCE}/{month}").get_data(as_text=True))
    assert after == before + 1
    assert computed == [f"{PROVINCE}/{month}"]  # computed again: the kept one was out of date
    # The CSV export is made from the same kept report: it shows the new count too.
    csv = as_admin.get(f"/reports/{PROVINCE}/{month}.csv").get_data(as_text=True)
    assert str(after) in csv


def test_a_quarter_sees_a_response_of_its_last_month(as_admin, client) -> None:
    year, month = map(int, this_month().split("-"))
    quarter = f"{year}-Q{(month - 1) // 3 + 1}"
    before = _responses_shown(as_admin.get(f"/reports/{PROVINCE}/{quarter}").get_data(as_text=True))
    assert client.post("/s/TL-Q01", data=full_answers()).status_code == 303
    assert _responses_shown(as_admin.get(f"/reports/{PROVINCE}/{quarter}").get_data(as_text=True)) == before + 1


def test_a_rebuild_of_the_aggregates_is_seen_by_the_next_view(app, db, runner, as_admin) -> None:
    before = _responses_shown(as_admin.get(f"/reports/{PROVINCE}/{MONTH}").get_data(as_text=True))
    # A response removed from the raw answers: the report reads the aggregates, so it changes
    # only once they are rebuilt from the answers.
    victim = db.scalar(select(Response.id).where(Response.month == MONTH).limit(1))
    db.execute(delete(Response).where(Response.id == victim))
    db.commit()
    assert _responses_shown(as_admin.get(f"/reports/{PROVINCE}/{MONTH}").get_data(as_text=True)) == before

    assert runner.invoke(args=["rebuild-aggregates", "--month", MONTH]).exit_code == 0
    assert _responses_shown(as_admin.get(f"/reports/{PROVINCE}/{MONTH}").get_data(as_text=True)) == before - 1


def test_a_renamed_sub_unit_is_shown_by_its_new_name(as_admin) -> None:
    page = as_admin.get(f"/reports/{PROVINCE}/{MONTH}").get_data(as_text=True)
    assert "Xã Tân Lập mới" not in page
    saved = as_admin.post(f"/manage/units/{COMMUNE}", data={"name": "Xã Tân Lập mới", "parent_code": PROVINCE})
    assert saved.status_code == 302
    page = as_admin.get(f"/reports/{PROVINCE}/{MONTH}").get_data(as_text=True)
    assert page.count("Xã Tân Lập mới") >= 2  # the sub-units' links above and the compared table below


def test_an_imported_dossier_volume_gives_the_kept_report_its_response_rate(db, as_admin) -> None:
    db.execute(delete(DossierVolume).where(DossierVolume.month == MONTH))
    db.commit()
    without = as_admin.get(f"/reports/{PROVINCE}/{MONTH}").get_data(as_text=True)
    province = unit_by_code(db, PROVINCE)
    db.add(DossierVolume(unit_id=province.id, month=MONTH, dossiers=123_457))
    db.commit()
    with_volume = as_admin.get(f"/reports/{PROVINCE}/{MONTH}").get_data(as_text=True)
    assert "123457 " not in without and "/ 123457 " in with_volume


def test_a_funnel_centre_and_a_language_are_kept_apart(as_admin, computed) -> None:
    as_admin.get(f"/reports/{PROVINCE}/{MONTH}")
    as_admin.get(f"/reports/{PROVINCE}/{MONTH}?funnel_center=target")
    english = as_admin.get(f"/reports/{PROVINCE}/{MONTH}?lang=en").get_data(as_text=True)
    assert len(computed) == 3
    assert "Sub-units compared" in english


def test_no_entries_keeps_nothing(app, as_admin, computed) -> None:
    app.config["REPORT_CACHE_ENTRIES"] = 0
    app.extensions.pop("report_cache", None)
    as_admin.get(f"/reports/{PROVINCE}/{MONTH}")
    as_admin.get(f"/reports/{PROVINCE}/{MONTH}")
    assert len(computed) == 2


# ------------------------------------------------------------------ the parts
def _revision_sum(db: Any, unit_id: int, month: str) -> tuple[int, int]:
    return rollup_revisions(db, [([unit_id], [month])])


def test_every_upsert_of_a_rollup_row_raises_its_revision_by_one(client, db) -> None:
    month = this_month()
    province, commune = unit_by_code(db, PROVINCE), unit_by_code(db, COMMUNE)
    before = {u.id: _revision_sum(db, u.id, month) for u in (province, commune)}
    db.rollback()
    for _ in range(2):
        assert client.post("/s/TL-Q01", data=full_answers()).status_code == 303
    for unit in (province, commune):
        rows, revisions = _revision_sum(db, unit.id, month)
        old_rows, old_revisions = before[unit.id]
        # Each response either raised its shard's row by one or added a row (revision 0).
        assert (rows - old_rows) + (revisions - old_revisions) == 2


def test_a_rebuild_starts_revisions_again_and_raises_the_generation(db) -> None:
    from surveyapp.services.reporting import rollups
    from surveyapp.services.survey.lookup_cache import current_generation

    province = unit_by_code(db, PROVINCE)
    key = freshness_key(db, province, Period.parse(MONTH), ())
    generation = current_generation(db)
    rollups.rebuild_from_tallies(db, [MONTH])
    db.flush()
    assert db.scalar(select(func.max(unit_rollup.c.revision)).where(unit_rollup.c.month == MONTH)) == 0
    assert current_generation(db) == generation + 1
    assert freshness_key(db, province, Period.parse(MONTH), ()) != key


def test_the_cache_keeps_the_most_recently_used_entries() -> None:
    cache = ReportCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recent
    cache.put("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
    assert len(cache) == 2


def test_a_value_computed_while_its_rows_changed_is_not_kept() -> None:
    cache = ReportCache(4)
    assert cache.fetch("k", lambda: "old data", still_fresh=lambda: False) == "old data"
    assert cache.get("k") is None
    assert cache.fetch("k", lambda: "data", still_fresh=lambda: True) == "data"
    assert cache.fetch("k", lambda: "recomputed", still_fresh=lambda: True) == "data"


# ------------------------------------------------------------------ conditional GET
def test_an_unchanged_overview_is_revalidated_with_a_304(client, as_admin, computed) -> None:
    url = f"/reports/{PROVINCE}/{this_month()}"
    first = as_admin.get(url)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and first.headers["Cache-Control"] == "private, no-cache"

    again = as_admin.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data and again.headers["ETag"] == etag

    assert client.post("/s/TL-Q01", data=full_answers()).status_code == 303
    after = as_admin.get(url, headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag
    assert len(computed) == 2


def test_each_official_and_language_has_their_own_tag(app, as_admin) -> None:
    url = f"/reports/{COMMUNE}/{MONTH}"
    admin_tag = as_admin.get(url).headers["ETag"]
    assert as_admin.get(url + "?lang=en").headers["ETag"] != admin_tag
    other = app.test_client()
    from tests.dashboard.conftest import sign_in

    assert sign_in(other, "tanlap").status_code == 302
    commune_view = other.get(url, headers={"If-None-Match": admin_tag})
    assert commune_view.status_code == 200 and commune_view.headers["ETag"] != admin_tag
