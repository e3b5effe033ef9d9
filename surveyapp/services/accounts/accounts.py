"""Officials' accounts: creation, password checks, who may change what, scope of units.

The rules of accounts live here, for the web pages and the CLI alike: the shape of a username,
the password policy (passwords.py), a unit for managers and viewers, and that nobody locks the administrators
out (an administrator cannot remove their own access; the last active administrator stays one).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from flask import current_app, has_app_context
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from surveyapp import settings
from surveyapp.models import ROLES, Unit, User
from surveyapp.models.base import utcnow
from surveyapp.services.accounts import throttle
from surveyapp.services.accounts.passwords import MIN_PASSWORD_LENGTH, is_common
from surveyapp.services.integration.dossiers import EMAIL
from surveyapp.services.organisation.lookups import unit_by_code

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")
FULL_NAME_LIMIT = 255
EMAIL_LIMIT = 254
BAD_EMAIL = _l("Enter an email address like name@example.gov.vn, or nothing.")
EDITOR_ROLES = ("admin", "manager")  # may change units and counters (managers: their subtree)
BAD_USERNAME = _l("A username has 2 to 64 letters, digits, '.', '_', '@' or '-'.")
SHORT_PASSWORD = _l("The password must have at least %(count)d characters.", count=MIN_PASSWORD_LENGTH)
COMMON_PASSWORD = _l("This password is one of the most common passwords (or one with digits or signs added): "
                     "choose another, for example a few unrelated words.")
# Checked against when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASHES: dict[str, str] = {}


class AccountError(ValueError):
    """A user-facing reason why an account change was refused; `field` names the form field it
    is about (None: the account as a whole)."""

    def __init__(self, message: str | LazyString, field: str | None = None):
        self.message = message
        self.field = field
        super().__init__(str(message))


def _hash_method() -> str:
    """PASSWORD_HASH_METHOD: scrypt (salted, memory-hard), or in the tests a cheap pbkdf2 so that
    hundreds of sign-ins stay fast. Outside an application, the declared default."""
    if has_app_context():
        return str(current_app.config["PASSWORD_HASH_METHOD"])
    return str(settings.BY_NAME["PASSWORD_HASH_METHOD"].default)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_hash_method())


def _dummy_hash() -> str:
    method = _hash_method()
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash("not-a-real-password", method=method)
    return _DUMMY_HASHES[method]


def check_password_strength(password: str) -> None:
    """At least MIN_PASSWORD_LENGTH characters and not a common password (passwords.py)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(SHORT_PASSWORD, "password")
    if is_common(password):
        raise AccountError(COMMON_PASSWORD, "password")


def _unit_for_role(session: Session, role: str, unit_code: str | None) -> Unit | None:
    if role not in ROLES:
        raise AccountError(_l("Unknown role %(role)s.", role=role), "role")
    if not unit_code:
        if role != "admin":
            raise AccountError(_l("A manager or viewer must belong to a unit."), "unit")
        return None
    unit = unit_by_code(session, unit_code)
    if unit is None:
        raise AccountError(_l("Unknown unit %(code)s.", code=unit_code), "unit")
    return unit


def create_user(
    session: Session, username: str, password: str, role: str, unit_code: str | None = None, full_name: str = "",
    email: str | None = None,
) -> User:
    """Create an account (the caller commits). Raises AccountError with a readable reason."""
    address = checked_email(email)
    username = username.strip()
    if not USERNAME_PATTERN.match(username):
        raise AccountError(BAD_USERNAME, "username")
    if user_by_username(session, username) is not None:
        raise AccountError(_l("The username %(name)s is taken.", name=username), "username")
    check_password_strength(password)
    unit = _unit_for_role(session, role, unit_code)
    user = User(
        username=username, full_name=full_name.strip()[:FULL_NAME_LIMIT], password_hash=hash_password(password),
        role=role, unit=unit, active=True, session_version=1, email=address,
    )
    session.add(user)
    session.flush()
    return user


def update_user(
    session: Session, user: User, *, changed_by: User | None, role: str, unit_code: str | None, active: bool,
    full_name: str,
) -> None:
    """Change an account's role, unit, status and name (the caller commits). `changed_by` is
    the administrator making the change (None from the command line)."""
    losing_admin = user.role == "admin" and user.active and (role != "admin" or not active)
    if losing_admin and changed_by is not None and changed_by.id == user.id:
        raise AccountError(_l("You cannot remove your own administrator access."))
    if losing_admin and other_active_admins(session, user) == 0:
        raise AccountError(_l("The last active administrator must stay an active administrator."))
    unit = _unit_for_role(session, role, unit_code)
    changed_access = (role, unit.id if unit else None, active) != (user.role, user.unit_id, user.active)
    user.role, user.unit, user.active = role, unit, active  # the relationship, so user.unit is current
    user.full_name = full_name.strip()[:FULL_NAME_LIMIT]
    if changed_access:
        revoke_sessions(user)  # the old scope must not survive in an open session


def checked_email(email: str | None) -> str | None:
    """The account's alert address as stored (trimmed, lower case), None for nothing."""
    address = (email or "").strip().lower()
    if not address:
        return None
    if len(address) > EMAIL_LIMIT or not EMAIL.fullmatch(address):
        raise AccountError(BAD_EMAIL, "email")
    return address


def set_email(user: User, email: str | None) -> None:
    """Where the account's alerts go (ALERTS_TO_ACCOUNTS_IN_SCOPE); empty removes it."""
    user.email = checked_email(email)


def set_password(user: User, password: str) -> None:
    check_password_strength(password)
    user.password_hash = hash_password(password)
    revoke_sessions(user)


def revoke_sessions(user: User) -> None:
    """End every open session of the account (each request checks the generation it was opened
    with: surveyapp/auth/__init__.py), e.g. on sign-out, so a copied cookie stops working too."""
    user.session_version += 1


def other_active_admins(session: Session, user: User) -> int:
    query = (
        select(func.count()).select_from(User).where(User.role == "admin", User.active.is_(True), User.id != user.id)
    )
    return int(session.scalar(query) or 0)


def user_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username.strip()))


def user_by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def all_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


class LoginOutcome(Enum):
    OK = "ok"
    BAD = "bad"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    user: User | None = None
    retry_after: int = 0


def authenticate(session: Session, username: str, password: str, keys: throttle.ThrottleKeys) -> LoginResult:
    """Check a sign-in, throttling repeated failures. The caller records the audit and commits."""
    wait = throttle.seconds_to_wait(session, keys)
    if wait > 0:
        return LoginResult(LoginOutcome.THROTTLED, retry_after=wait)
    user = user_by_username(session, username) if username else None
    valid = check_password_hash(user.password_hash if user else _dummy_hash(), password)
    if user is None or not valid or not user.active:
        throttle.record_failure(session, keys)
        return LoginResult(LoginOutcome.BAD, user=user)
    throttle.clear_account(session, keys)
    user.last_login_at = utcnow()
    return LoginResult(LoginOutcome.OK, user=user)


# ---------------------------------------------------------------- scope
def scope_path(user: User) -> str | None:
    """The unit path prefix the user may see; None means everything (administrators)."""
    if user.role == "admin":
        return None
    if user.unit is None:
        return "\x00no-unit"  # matches nothing: a non-admin without a unit sees nothing
    return user.unit.path


def unit_in_scope(user: User, unit: Unit) -> bool:
    prefix = scope_path(user)
    return prefix is None or unit.path.startswith(prefix)


def can_manage_unit(user: User, unit: Unit) -> bool:
    """Managers change their subtree; administrators everything; viewers nothing."""
    return user.role in EDITOR_ROLES and unit_in_scope(user, unit)


def scope_units(session: Session, user: User) -> list[Unit]:
    """Every unit the user may see, in tree order."""
    query = select(Unit).order_by(Unit.path)
    prefix = scope_path(user)
    if prefix is not None:
        query = query.where(Unit.path.startswith(prefix, autoescape=True))
    return list(session.scalars(query))


def scope_roots(session: Session, user: User) -> list[Unit]:
    """The top units of the user's scope: their own unit, or every root for administrators."""
    if user.role != "admin":
        return [user.unit] if user.unit is not None else []
    return list(session.scalars(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.code)))
