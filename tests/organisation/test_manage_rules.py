"""The rules of editing units, counters and procedures, checked where they live
(surveyapp.services.organisation.manage): codes, names, and a manager's scope. Each refusal
names the form field it is about, so the page shows it beside that field."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from surveyapp.models import Counter, Procedure, Unit, User
from surveyapp.services.accounts import accounts
from surveyapp.services.organisation import manage
from surveyapp.services.organisation.lookups import counter_by_code, unit_by_code
from surveyapp.services.organisation.manage import ManageError

PROVINCE, COMMUNE, OTHER_COMMUNE = "DEMO", "DEMO-X-TANLAP", "DEMO-X-BINHMINH"
COUNTER, OTHER_COUNTER = "TL-Q01", "BM-Q01"


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}


@pytest.fixture
def admin(db) -> User:  # type: ignore[no-untyped-def]
    return accounts.create_user(db, "admin", "admin-password", "admin")


@pytest.fixture
def manager(db) -> User:  # type: ignore[no-untyped-def]
    return accounts.create_user(db, "tanlap-manager", "manager-password", "manager", COMMUNE)


@pytest.fixture
def viewer(db) -> User:  # type: ignore[no-untyped-def]
    return accounts.create_user(db, "tanlap", "viewer-password", "viewer", COMMUNE)


def _refusal(action) -> ManageError:  # type: ignore[no-untyped-def]
    with pytest.raises(ManageError) as caught:
        action()
    return caught.value


def _new_unit(db, user: User, code: str = "TL-AP1", name: str = "Ấp 1", parent: str = COMMUNE) -> Unit:  # type: ignore[no-untyped-def]
    return manage.save_unit(db, user, code=code, name=name, parent_code=parent, existing=None)


# ---------------------------------------------------------------- codes and names
@pytest.mark.parametrize("code", ["", "two words", "-dash-first", "mã-có-dấu", "A" * 65])
def test_a_unit_or_counter_code_is_letters_digits_dots_underscores_and_dashes(db, admin, code):
    assert _refusal(lambda: _new_unit(db, admin, code=code)).field == "code"
    assert _refusal(lambda: manage.save_counter(db, admin, code=code, name="Quầy", unit_code=COMMUNE, existing=None)).field == "code"


def test_a_code_is_taken_only_once(db, admin):
    refusal = _refusal(lambda: _new_unit(db, admin, code=OTHER_COMMUNE))
    assert refusal.field == "code" and str(refusal.message) == f"Mã {OTHER_COMMUNE} đã được dùng."
    assert _refusal(lambda: manage.save_counter(db, admin, code=OTHER_COUNTER, name="Quầy", unit_code=COMMUNE,
                                                existing=None)).field == "code"
    assert _refusal(lambda: manage.save_procedure(db, admin, code="1.001193", name="Trùng", field="Hộ tịch",
                                                  existing=None)).field == "code"


def test_a_name_is_required_and_fits_its_column(db, admin):
    assert str(_refusal(lambda: _new_unit(db, admin, name="   ")).message) == "cần có giá trị"
    too_long = _refusal(lambda: _new_unit(db, admin, name="x" * 256))
    assert too_long.field == "name" and str(too_long.message) == "dài quá 255 ký tự"
    assert _new_unit(db, admin, name="x" * 255).name == "x" * 255
    procedure = dict(code="1.999999", field="Hộ tịch", existing=None)
    assert _refusal(lambda: manage.save_procedure(db, admin, name="x" * 501, **procedure)).field == "name"
    assert _refusal(lambda: manage.save_procedure(db, admin, name="Thủ tục", **{**procedure, "field": ""})).field == "field"
    assert manage.save_procedure(db, admin, name="x" * 500, **procedure).code == "1.999999"


def test_a_procedure_code_has_the_national_catalogues_shape(db, admin):
    for code in ("1001612", "1.00161", "A.001612", "1.0016123"):
        refusal = _refusal(lambda code=code: manage.save_procedure(db, admin, code=code, name="Thủ tục", field="Hộ tịch", existing=None))
        assert refusal.field == "code" and str(refusal.message) == "mã thủ tục có dạng 1.001612"


def test_surrounding_spaces_are_not_part_of_a_code_or_a_name(db, admin):
    unit = _new_unit(db, admin, code="  TL-AP1 ", name=" Ấp 1  ", parent=f" {COMMUNE} ")
    assert (unit.code, unit.name, unit.parent.code) == ("TL-AP1", "Ấp 1", COMMUNE)


# ---------------------------------------------------------------- the unit tree
def test_a_parent_must_exist_and_a_unit_cannot_sit_under_its_own_subtree(db, admin):
    assert _refusal(lambda: _new_unit(db, admin, parent="NO-SUCH")).field == "parent_code"
    sub = _new_unit(db, admin)
    commune = unit_by_code(db, COMMUNE)
    cycle = _refusal(lambda: manage.save_unit(db, admin, code=COMMUNE, name=commune.name, parent_code=sub.code, existing=commune))
    assert cycle.field == "parent_code" and str(cycle.message) == "cấp trên này tạo vòng lặp trong cây đơn vị"


def test_a_new_unit_gets_its_path_under_its_parent(db, admin):
    unit = _new_unit(db, admin)
    assert unit.path.startswith(unit_by_code(db, COMMUNE).path) and unit.depth == unit.parent.depth + 1


# ---------------------------------------------------------------- a manager's scope
def test_a_manager_creates_units_and_counters_inside_their_subtree_only(db, manager):
    assert _new_unit(db, manager).parent.code == COMMUNE
    outside = _refusal(lambda: _new_unit(db, manager, code="BM-AP1", parent=OTHER_COMMUNE))
    assert outside.field == "parent_code" and str(outside.message) == "Đơn vị cấp trên nằm ngoài phạm vi của bạn."
    top = _refusal(lambda: _new_unit(db, manager, code="NEW-TOP", parent=""))
    assert top.field == "parent_code"
    assert manage.save_counter(db, manager, code="TL-Q09", name="Quầy 9", unit_code=COMMUNE, existing=None).unit.code == COMMUNE
    elsewhere = _refusal(lambda: manage.save_counter(db, manager, code="BM-Q09", name="Quầy lạ", unit_code=OTHER_COMMUNE, existing=None))
    assert elsewhere.field == "unit_code"
    assert counter_by_code(db, "BM-Q09") is None


def test_a_manager_renames_their_top_unit_but_cannot_move_it(db, manager):
    commune = unit_by_code(db, COMMUNE)
    renamed = manage.save_unit(db, manager, code=COMMUNE, name="UBND xã Tân Lập", parent_code=PROVINCE, existing=commune)
    assert renamed.name == "UBND xã Tân Lập" and renamed.parent.code == PROVINCE  # its parent lies outside their scope
    own_sub = _new_unit(db, manager)
    moved = _refusal(lambda: manage.save_unit(db, manager, code=COMMUNE, name="Xã Tân Lập", parent_code=own_sub.code, existing=commune))
    assert moved.field == "parent_code"
    to_top = _refusal(lambda: manage.save_unit(db, manager, code=COMMUNE, name="Xã Tân Lập", parent_code="", existing=commune))
    assert to_top.field == "parent_code"


def test_a_manager_cannot_edit_a_unit_or_counter_of_another_commune(db, manager):
    other = unit_by_code(db, OTHER_COMMUNE)
    refusal = _refusal(lambda: manage.save_unit(db, manager, code=OTHER_COMMUNE, name="Của tôi", parent_code=PROVINCE, existing=other))
    assert refusal.field is None  # about the record itself, shown above the form
    counter = counter_by_code(db, OTHER_COUNTER)
    assert _refusal(lambda: manage.save_counter(db, manager, code=OTHER_COUNTER, name="Của tôi", unit_code=COMMUNE,
                                                existing=counter)).field is None
    db.rollback()
    assert counter_by_code(db, OTHER_COUNTER).unit.code == OTHER_COMMUNE


def test_a_counter_stays_within_the_managers_units_when_edited(db, manager):
    counter = counter_by_code(db, COUNTER)
    assert _refusal(lambda: manage.save_counter(db, manager, code=COUNTER, name="Quầy", unit_code=OTHER_COMMUNE,
                                                existing=counter)).field == "unit_code"


def test_viewers_change_nothing_and_only_administrators_change_the_catalogue(db, viewer, manager, admin):
    assert str(_refusal(lambda: _new_unit(db, viewer)).message) == "Chỉ quản trị hệ thống và cán bộ quản lý mới thay đổi được đơn vị và quầy."
    assert _refusal(lambda: manage.save_counter(db, viewer, code="TL-Q09", name="Quầy", unit_code=COMMUNE, existing=None))
    procedure = dict(code="1.999999", name="Thủ tục mới", field="Hộ tịch", existing=None)
    assert str(_refusal(lambda: manage.save_procedure(db, manager, **procedure)).message) == "Chỉ quản trị hệ thống mới thay đổi được danh mục thủ tục."
    assert manage.save_procedure(db, admin, **procedure).code == "1.999999"
    db.commit()
    assert db.scalar(select(Procedure).where(Procedure.code == "1.999999")) is not None
    assert db.scalar(select(Unit).where(Unit.code == "TL-AP1")) is None
    assert db.scalar(select(Counter).where(Counter.code == "TL-Q09")) is None
