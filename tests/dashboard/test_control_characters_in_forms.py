"""Officials' forms (sign-in, accounts, management, tablets, filters) take text with control
characters without a 500: the characters are removed before any rule or query sees the value
(issue 11; surveyapp/textinput.py)."""
from __future__ import annotations

from sqlalchemy import select

from surveyapp.models import Counter, Unit, User
from tests.dashboard.conftest import COMMUNE, MONTH, OFFICIALS


def test_a_nul_byte_in_the_username_at_sign_in_is_no_500(client):
    assert client.post("/login", data={"username": "\x00", "password": "x"}).status_code in (400, 401)
    assert client.post("/login", data={"username": "nobody\x00", "password": "\x00"}).status_code in (400, 401)
    assert client.post("/login", data={"username": "nobody\x00", "password": "guess\x00"}).status_code == 401
    # removed, the characters leave the name the official meant
    reply = client.post("/login", data={"username": "tan\x00lap\x01", "password": OFFICIALS["tanlap"][0]})
    assert reply.status_code == 302


def test_an_administrator_creates_an_account_with_control_characters_in_its_name(as_admin, db):
    reply = as_admin.post("/admin/users", data={"username": "new\x00official", "full_name": "Nguyễn\x00 Văn\x1b A",
                                                "password": "a-long-enough-passphrase\x00", "role": "viewer",
                                                "unit": COMMUNE + "\x00"})
    assert reply.status_code in (302, 400)
    db.expire_all()
    user = db.scalar(select(User).where(User.username == "newofficial"))
    assert user is not None and user.full_name == "Nguyễn Văn A" and user.unit.code == COMMUNE


def test_management_forms_store_names_without_control_characters(as_admin, db):
    reply = as_admin.post("/manage/units/new", data={"code": "NUL\x00-UNIT", "name": "Xã\x00 Mới\x7f",
                                                     "parent_code": "DEMO\x00"})
    assert reply.status_code == 302, reply.get_data(as_text=True)
    reply = as_admin.post("/manage/counters/new", data={"code": "NUL-Q01\x00", "name": "Quầy\x00 một",
                                                        "unit_code": "NUL-UNIT"})
    assert reply.status_code == 302, reply.get_data(as_text=True)
    db.expire_all()
    assert db.scalar(select(Unit.name).where(Unit.code == "NUL-UNIT")) == "Xã Mới"
    assert db.scalar(select(Counter.name).where(Counter.code == "NUL-Q01")) == "Quầy một"


def test_filters_and_the_tablet_pairing_form_take_control_characters(as_admin):
    page = as_admin.get(f"/reports/{COMMUNE}/{MONTH}/comments?q=%00abc&counter=%00&page=%00")
    assert page.status_code == 200
    assert as_admin.get("/admin/audit?action=%00login").status_code == 200
    assert as_admin.post("/admin/kiosks/pairing-codes", data={"counter": "\x00TL-Q01"}).status_code in (200, 302, 400)
    assert as_admin.get(f"/reports/go?unit={COMMUNE}%00&month=2026-11%00&tab=report%00").status_code in (302, 404)
