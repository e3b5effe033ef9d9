"""The rules of accounts, checked where they live (surveyapp.services.accounts.accounts): the
same for the administrators' pages and the command line."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from surveyapp.models import Unit, User
from surveyapp.services.accounts import accounts
from surveyapp.services.accounts.accounts import AccountError

COMMUNE, OTHER_COMMUNE = "DEMO-X-TANLAP", "DEMO-X-BINHMINH"


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}


def _user(db, username: str, role: str, unit: str | None = None) -> User:  # type: ignore[no-untyped-def]
    user = accounts.create_user(db, username, f"{username}-password", role, unit)
    db.commit()
    return user


def _refusal(action) -> AccountError:  # type: ignore[no-untyped-def]
    with pytest.raises(AccountError) as caught:
        action()
    return caught.value


def _keep(user: User, **changes: Any) -> dict[str, Any]:
    """update_user's arguments that leave the account as it is, but for `changes`."""
    current = {"role": user.role, "unit_code": user.unit.code if user.unit else None, "active": user.active,
               "full_name": user.full_name}
    return {**current, **changes}


# ---------------------------------------------------------------- creating an account
@pytest.mark.parametrize("username", ["x", "two words", "tên-có-dấu", "-starts-with-dash", "a" * 65])
def test_a_username_has_2_to_64_plain_characters(db, username):
    refusal = _refusal(lambda: accounts.create_user(db, username, "long-enough-passphrase", "admin"))
    assert refusal.field == "username"
    assert str(refusal.message) == "Tên đăng nhập gồm 2 đến 64 chữ cái, chữ số, '.', '_', '@' hoặc '-'."


def test_a_username_is_taken_only_once(db):
    _user(db, "dong-son", "viewer", COMMUNE)
    refusal = _refusal(lambda: accounts.create_user(db, "dong-son", "long-enough-passphrase", "admin"))
    assert refusal.field == "username" and "dong-son" in str(refusal.message)


def test_a_password_has_at_least_twelve_characters(db):
    for short in ("1234567", "12345678", "abcdefghijk"):
        refusal = _refusal(lambda short=short: accounts.create_user(db, "short-pass", short, "admin"))
        assert refusal.field == "password"
    assert accounts.create_user(db, "long-pass", "quiet-river-lamp", "admin").username == "long-pass"


def test_a_common_password_is_refused_even_when_long_enough(db):
    for common in ("password1234", "Password1234!", "qwertyuiop123", "1q2w3e4r5t6y", "123qweasdzxc", "aaaaaaaaaaaa"):
        refusal = _refusal(lambda common=common: accounts.create_user(db, "common-pass", common, "admin"))
        assert refusal.field == "password", common
        assert refusal.message is accounts.COMMON_PASSWORD
    assert db.scalar(select(User).where(User.username == "common-pass")) is None


def test_changing_a_password_follows_the_same_policy(db):
    user = accounts.create_user(db, "changer", "quiet-river-lamp", "admin")
    for weak in ("password", "password1234"):
        assert _refusal(lambda weak=weak: accounts.set_password(user, weak)).field == "password"
    accounts.set_password(user, "another-quiet-river")


def test_managers_and_viewers_belong_to_an_existing_unit_and_roles_are_known(db):
    for role in ("manager", "viewer"):
        assert _refusal(lambda role=role: accounts.create_user(db, "no-unit", "long-enough-passphrase", role)).field == "unit"
    assert _refusal(lambda: accounts.create_user(db, "lost", "long-enough-passphrase", "viewer", "NO-SUCH-UNIT")).field == "unit"
    assert _refusal(lambda: accounts.create_user(db, "boss", "long-enough-passphrase", "boss")).field == "role"
    assert db.scalar(select(User).where(User.username.in_(["no-unit", "lost", "boss"]))) is None
    assert accounts.create_user(db, "province", "long-enough-passphrase", "admin").unit is None


# ---------------------------------------------------------------- nobody locks the administrators out
def test_an_administrator_cannot_remove_their_own_administrator_access(db):
    me = _user(db, "me-admin", "admin")
    _user(db, "other-admin", "admin")  # not the last one: the rule is about oneself
    for change in ({"role": "viewer", "unit_code": COMMUNE}, {"role": "manager", "unit_code": COMMUNE}, {"active": False}):
        refusal = _refusal(lambda change=change: accounts.update_user(db, me, changed_by=me, **_keep(me, **change)))
        assert str(refusal.message) == "Không thể tự bỏ quyền quản trị của chính mình."
        db.rollback()
    db.expire_all()
    assert (me.role, me.active) == ("admin", True)


def test_an_administrator_may_change_their_own_name(db):
    me = _user(db, "me-admin", "admin")
    accounts.update_user(db, me, changed_by=me, **_keep(me, full_name="Nguyễn Văn A"))
    assert me.full_name == "Nguyễn Văn A" and me.role == "admin"


def test_another_administrator_may_be_demoted_or_deactivated_by_an_administrator(db):
    me = _user(db, "me-admin", "admin")
    other = _user(db, "other-admin", "admin")
    accounts.update_user(db, other, changed_by=me, **_keep(other, role="viewer", unit_code=COMMUNE))
    assert other.role == "viewer" and other.unit.code == COMMUNE
    third = _user(db, "third-admin", "admin")
    accounts.update_user(db, third, changed_by=me, **_keep(third, active=False))
    assert not third.active


def test_the_last_active_administrator_cannot_be_demoted_or_deactivated(db):
    last = _user(db, "last-admin", "admin")
    retired = _user(db, "retired-admin", "admin")
    accounts.update_user(db, retired, changed_by=last, **_keep(retired, active=False))
    db.commit()  # an inactive administrator does not count
    for change in ({"role": "viewer", "unit_code": COMMUNE}, {"active": False}):
        # changed_by None: the command line or a script, where the rule on oneself does not apply
        refusal = _refusal(
            lambda change=change: accounts.update_user(db, last, changed_by=None, **_keep(last, **change))
        )
        assert str(refusal.message) == "Quản trị hệ thống cuối cùng đang hoạt động phải giữ quyền quản trị và trạng thái hoạt động."
        db.rollback()
    db.expire_all()
    assert (last.role, last.active) == ("admin", True)
    # once another administrator is active again, the first may step down
    accounts.update_user(db, retired, changed_by=last, **_keep(retired, active=True))
    accounts.update_user(db, last, changed_by=None, **_keep(last, role="viewer", unit_code=COMMUNE))
    assert last.role == "viewer"


def test_changing_role_unit_or_status_ends_the_accounts_sessions_but_a_new_name_does_not(db):
    admin = _user(db, "admin", "admin")
    official = _user(db, "tanlap", "viewer", COMMUNE)
    version = official.session_version
    accounts.update_user(db, official, changed_by=admin, **_keep(official, full_name="Tân Lập"))
    assert official.session_version == version
    accounts.update_user(db, official, changed_by=admin, **_keep(official, unit_code=OTHER_COMMUNE))
    assert official.session_version == version + 1


# ---------------------------------------------------------------- who may change which unit
def test_administrators_manage_every_unit_managers_their_subtree_and_viewers_none(db):
    admin = _user(db, "admin", "admin")
    manager = _user(db, "tanlap-manager", "manager", COMMUNE)
    viewer = _user(db, "tanlap", "viewer", COMMUNE)
    commune, other = (db.scalar(select(Unit).where(Unit.code == code)) for code in (COMMUNE, OTHER_COMMUNE))
    assert accounts.can_manage_unit(admin, commune) and accounts.can_manage_unit(admin, other)
    assert accounts.can_manage_unit(manager, commune) and not accounts.can_manage_unit(manager, other)
    assert not accounts.can_manage_unit(manager, commune.parent)  # the province above is not theirs
    assert not accounts.can_manage_unit(viewer, commune)
