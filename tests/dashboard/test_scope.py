"""An official sees and exports only units inside their scope, whatever URL they type."""
from __future__ import annotations

import io

from sqlalchemy import select

from surveyapp.models import Counter, Unit, User
from surveyapp.services.accounts.accounts import scope_units
from tests.dashboard.conftest import COMMUNE, MONTH, OTHER_COMMUNE, OTHER_COUNTER, PROVINCE, WEAK_COUNTER

REPORT_PATHS = (
    "/reports/{code}/{month}", "/reports/{code}/{month}.csv", "/reports/{code}/{month}.xlsx", "/reports/{code}/{month}/print",
    "/reports/{code}/{month}/responses.csv", "/reports/{code}/{month}/responses.xlsx",
    "/reports/{code}/{month}/by/counter", "/reports/{code}/{month}/by/procedure", "/reports/{code}/{month}/by/channel",
    "/reports/{code}/{month}/criteria", "/reports/{code}/{month}/comments", "/reports/{code}/{month}/comments?unit=" + COMMUNE,
    "/reports/{code}/{month}/counters/" + OTHER_COUNTER, "/reports/{code}", "/reports/go?unit={code}&month={month}",
)


def test_commune_official_reads_and_exports_their_own_commune(as_commune):
    for template in REPORT_PATHS:
        url = template.format(code=COMMUNE, month=MONTH).replace(OTHER_COUNTER, WEAK_COUNTER)
        response = as_commune.get(url)
        assert response.status_code in (200, 302), url
        if response.status_code == 302:
            assert f"/reports/{COMMUNE}/" in response.headers["Location"], url


def test_commune_official_cannot_reach_another_commune_or_the_province_by_url(as_commune):
    for code in (OTHER_COMMUNE, PROVINCE, "DEMO-TTHCC"):
        for template in REPORT_PATHS:
            url = template.format(code=code, month=MONTH)
            assert as_commune.get(url).status_code == 403, url


def test_another_communes_counter_is_not_found_under_ones_own_unit(as_commune):
    assert as_commune.get(f"/reports/{COMMUNE}/{MONTH}/counters/{OTHER_COUNTER}").status_code == 404
    assert as_commune.get(f"/reports/{COMMUNE}/{MONTH}/counters/NO-SUCH").status_code == 404


def test_comment_filter_cannot_widen_the_scope(as_commune):
    # Issue 11 / docs/DASHBOARD.md: an out-of-scope `?unit=` is refused (403), not shown empty.
    page = as_commune.get(f"/reports/{COMMUNE}/{MONTH}/comments?unit={OTHER_COMMUNE}&counter={OTHER_COUNTER}")
    assert page.status_code == 403
    assert "Xã Bình Minh" not in page.get_data(as_text=True)
    for code in (PROVINCE, "DEMO-TTHCC"):
        assert as_commune.get(f"/reports/{COMMUNE}/{MONTH}/comments?unit={code}").status_code == 403, code
    assert as_commune.get(f"/reports/{COMMUNE}/{MONTH}/comments?unit=NO-SUCH-UNIT").status_code == 404
    assert as_commune.get(f"/reports/{COMMUNE}/{MONTH}/comments?unit={COMMUNE}").status_code == 200


def test_unknown_unit_and_malformed_month_are_not_found(as_admin):
    assert as_admin.get(f"/reports/NO-SUCH-UNIT/{MONTH}").status_code == 404
    assert as_admin.get(f"/reports/NO-SUCH-UNIT/{MONTH}.csv").status_code == 404
    for month in ("2026-13", "2026-1", "26-11", "latest"):
        assert as_admin.get(f"/reports/{COMMUNE}/{month}").status_code == 404, month
        assert as_admin.get(f"/reports/{COMMUNE}/{month}.csv").status_code == 404, month


def test_province_administrator_sees_every_unit(as_admin):
    for code in (PROVINCE, COMMUNE, OTHER_COMMUNE):
        assert as_admin.get(f"/reports/{code}/{MONTH}").status_code == 200, code
        assert as_admin.get(f"/reports/{code}/{MONTH}.csv").status_code == 200, code


def test_scope_is_the_units_subtree(db):
    tanlap = db.scalar(select(User).where(User.username == "tanlap"))
    admin = db.scalar(select(User).where(User.username == "admin"))
    assert [u.code for u in scope_units(db, tanlap)] == [COMMUNE]
    assert len(scope_units(db, admin)) == db.query(Unit).count()
    # a new sub-unit of the commune joins the official's scope
    commune = db.scalar(select(Unit).where(Unit.code == COMMUNE))
    db.add(Unit(code="TL-POINT-2", name="Điểm tiếp nhận số 2", parent_id=commune.id, path=commune.path + "999/"))
    db.commit()
    assert "TL-POINT-2" in [u.code for u in scope_units(db, tanlap)]


def test_viewer_reads_management_lists_of_their_units_only(as_commune):
    units = as_commune.get("/manage/units").get_data(as_text=True)
    counters = as_commune.get("/manage/counters").get_data(as_text=True)
    assert "Xã Tân Lập" in units and "Xã Bình Minh" not in units
    assert WEAK_COUNTER in counters and OTHER_COUNTER not in counters
    assert as_commune.get(f"/manage/counters/{WEAK_COUNTER}").status_code == 403  # viewers do not edit
    assert as_commune.get("/manage/units/new").status_code == 403


def test_manager_edits_inside_their_subtree_only(as_manager, db):
    assert as_manager.get(f"/manage/counters/{WEAK_COUNTER}").status_code == 200
    assert as_manager.get(f"/manage/counters/{OTHER_COUNTER}").status_code == 403
    assert as_manager.get(f"/manage/units/{OTHER_COMMUNE}").status_code == 403
    assert as_manager.post(f"/manage/counters/{OTHER_COUNTER}", data={"name": "hijacked", "unit_code": COMMUNE}).status_code == 403
    # a counter of their own commune: yes; one placed in another commune: refused
    made = as_manager.post("/manage/counters/new", data={"code": "TL-Q02", "name": "Quầy số 2", "unit_code": COMMUNE})
    assert made.status_code == 302
    refused = as_manager.post("/manage/counters/new", data={"code": "BM-Q09", "name": "Quầy lạ", "unit_code": OTHER_COMMUNE})
    assert refused.status_code == 400
    moved = as_manager.post(f"/manage/counters/{WEAK_COUNTER}", data={"name": "Quầy Một cửa", "unit_code": OTHER_COMMUNE})
    assert moved.status_code == 400
    db.expire_all()
    assert db.scalar(select(Counter).where(Counter.code == "TL-Q02")).unit.code == COMMUNE
    assert db.scalar(select(Counter).where(Counter.code == "BM-Q09")) is None
    assert db.scalar(select(Counter).where(Counter.code == WEAK_COUNTER)).unit.code == COMMUNE


def test_manager_cannot_move_their_unit_out_of_scope_or_touch_the_catalogue(as_manager, db):
    sub = as_manager.post("/manage/units/new", data={"code": "TL-AP1", "name": "Ấp 1", "parent_code": COMMUNE})
    assert sub.status_code == 302
    escape = as_manager.post(f"/manage/units/{COMMUNE}", data={"name": "Xã Tân Lập", "parent_code": ""})
    assert escape.status_code == 400
    elsewhere = as_manager.post("/manage/units/new", data={"code": "X-NEW", "name": "Mới", "parent_code": PROVINCE})
    assert elsewhere.status_code == 400
    for url in ("/manage/procedures/new", "/manage/procedures/1.000656", "/manage/import/procedures"):
        assert as_manager.get(url).status_code == 403, url
    db.expire_all()
    assert db.scalar(select(Unit).where(Unit.code == "TL-AP1")).parent.code == COMMUNE
    assert db.scalar(select(Unit).where(Unit.code == COMMUNE)).parent.code == PROVINCE


def test_manager_renames_their_own_top_unit_without_moving_it(as_manager, db):
    form = as_manager.get(f"/manage/units/{COMMUNE}").get_data(as_text=True)
    assert f'value="{PROVINCE}" selected' in form  # the current parent is offered, unchanged
    saved = as_manager.post(f"/manage/units/{COMMUNE}", data={"name": "UBND xã Tân Lập", "parent_code": PROVINCE})
    assert saved.status_code == 302
    db.expire_all()
    unit = db.scalar(select(Unit).where(Unit.code == COMMUNE))
    assert unit.name == "UBND xã Tân Lập" and unit.parent.code == PROVINCE


def _upload(client, kind: str, text: str):  # type: ignore[no-untyped-def]
    data = {"file": (io.BytesIO(("\ufeff" + text).encode("utf-8")), f"{kind}.csv")}
    return client.post(f"/manage/import/{kind}", data=data, content_type="multipart/form-data")


def test_manager_imports_counters_of_their_commune_but_not_elsewhere(as_manager, db):
    refused = _upload(as_manager, "counters", f"code,name,unit_code\nTL-Q05,Quầy 5,{COMMUNE}\nBM-Q05,Quầy lạ,{OTHER_COMMUNE}\n")
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "Không nhập dữ liệu nào: phát hiện 1 lỗi." in page
    assert "dòng 3, cột unit_code: ngoài phạm vi đơn vị của bạn" in page
    assert db.scalar(select(Counter).where(Counter.code == "TL-Q05")) is None  # all or nothing
    hijack = _upload(as_manager, "counters", f"code,name,unit_code\n{OTHER_COUNTER},Của tôi,{COMMUNE}\n")
    assert hijack.status_code == 400
    ok = _upload(as_manager, "counters", f"code,name,unit_code\nTL-Q05,Quầy 5,{COMMUNE}\n")
    assert ok.status_code == 200
    db.expire_all()
    assert db.scalar(select(Counter).where(Counter.code == "TL-Q05")).unit.code == COMMUNE
    assert db.scalar(select(Counter).where(Counter.code == OTHER_COUNTER)).unit.code == OTHER_COMMUNE


def test_manager_imports_sub_units_but_cannot_move_units_out(as_manager, db):
    escape = _upload(as_manager, "units", f"code,name,parent_code\n{COMMUNE},Xã Tân Lập,\n")
    steal = _upload(as_manager, "units", f"code,name,parent_code\n{OTHER_COMMUNE},Xã Bình Minh,{COMMUNE}\n")
    assert escape.status_code == steal.status_code == 400
    ok = _upload(as_manager, "units", f"code,name,parent_code\nTL-AP2,Ấp 2,{COMMUNE}\nTL-AP2-T1,Tổ 1,TL-AP2\n{COMMUNE},Xã Tân Lập,{PROVINCE}\n")
    assert ok.status_code == 200, ok.get_data(as_text=True)
    db.expire_all()
    assert db.scalar(select(Unit).where(Unit.code == "TL-AP2-T1")).parent.parent.code == COMMUNE
    assert db.scalar(select(Unit).where(Unit.code == OTHER_COMMUNE)).parent.code == PROVINCE
