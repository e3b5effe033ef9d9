"""Editing units, counters and procedures from the web, one record at a time, within a scope.

The CSV imports stay in surveyapp.services.organisation.imports (all or nothing); this module adds the
single-record edits and keeps their rules: a manager changes only their own subtree, codes are
unique and well formed, names are present and fit. The forms check the shapes too (to show the
reason beside the field), but these functions are the rule for every caller.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from surveyapp.models import Counter, Procedure, Unit, User
from surveyapp.services.accounts.accounts import EDITOR_ROLES, scope_path
from surveyapp.services.operations.tabular import RowError, read_table
from surveyapp.services.organisation.codes import (
    BAD_CODE,
    BAD_PROCEDURE_CODE,
    CODE_PATTERN,
    NAME_LIMIT,
    PROCEDURE_CODE_PATTERN,
    PROCEDURE_NAME_LIMIT,
    REQUIRED,
    too_long,
)
from surveyapp.services.organisation.imports import rebuild_unit_paths
from surveyapp.services.organisation.lookups import counter_by_code, procedure_by_code, unit_by_code
from surveyapp.services.reporting.rollups import subtree_response_counts


class ManageError(ValueError):
    """A user-facing reason why a change was refused; `field` names the form field it is about
    (None: the record as a whole)."""

    def __init__(self, message: str | LazyString, field: str | None = None):
        self.message = message
        self.field = field
        super().__init__(str(message))


def _in_scope(user: User, unit: Unit) -> bool:
    prefix = scope_path(user)
    return prefix is None or unit.path.startswith(prefix)


def _require_editor(user: User) -> None:
    """Viewers read the lists; only managers (in their subtree) and administrators change them."""
    if user.role not in EDITOR_ROLES:
        raise ManageError(_l("Only administrators and managers change units and counters."))


def _check_code(code: str) -> None:
    if not code:
        raise ManageError(REQUIRED, "code")
    if not CODE_PATTERN.match(code):
        raise ManageError(BAD_CODE, "code")


def _check_name(name: str, field: str = "name", limit: int = NAME_LIMIT) -> None:
    if not name:
        raise ManageError(REQUIRED, field)
    if len(name) > limit:
        raise ManageError(too_long(limit), field)


def counters_in_scope(session: Session, user: User) -> list[Counter]:
    query = select(Counter).join(Unit, Counter.unit_id == Unit.id).order_by(Unit.path, Counter.code)
    prefix = scope_path(user)
    if prefix is not None:
        query = query.where(Unit.path.startswith(prefix, autoescape=True))
    return list(session.scalars(query))


@dataclass(frozen=True)
class UnitResponses:
    """What the units list shows: the responses of the unit's whole subtree, and of those, the
    ones given at the unit's own counters."""

    subtree: int
    own: int


def unit_response_counts(session: Session, units: Sequence[Unit]) -> dict[int, UnitResponses]:
    """Read from the per-unit rollups (one row per unit and month), not by counting responses:
    a unit's own count is its subtree's less its direct children's subtrees."""
    wanted = {u.id for u in units} | {c.id for u in units for c in u.children}
    subtree = subtree_response_counts(session, sorted(wanted))
    return {
        u.id: UnitResponses(
            subtree=subtree.get(u.id, 0),
            own=subtree.get(u.id, 0) - sum(subtree.get(c.id, 0) for c in u.children),
        )
        for u in units
    }


def save_unit(session: Session, user: User, *, code: str, name: str, parent_code: str, existing: Unit | None) -> Unit:
    """Create (existing None) or edit a unit. The caller commits."""
    _require_editor(user)
    code, name, parent_code = code.strip(), name.strip(), parent_code.strip()
    _check_name(name)
    parent = unit_by_code(session, parent_code) if parent_code else None
    if parent_code and parent is None:
        raise ManageError(_l("unknown unit %(code)s", code=parent_code), "parent_code")
    # Keeping the current parent is always allowed (a manager renames their own top unit,
    # whose parent lies outside their scope); choosing a new one must stay inside the scope.
    unchanged = existing is not None and existing.parent_id == (parent.id if parent else None)
    if parent is None and user.role != "admin" and not unchanged:
        raise ManageError(_l("Only an administrator can create or move a top-level unit."), "parent_code")
    if parent is not None and not _in_scope(user, parent) and not unchanged:
        raise ManageError(_l("The parent unit is outside your units."), "parent_code")
    if existing is None:
        _check_code(code)
        if unit_by_code(session, code) is not None:
            raise ManageError(_l("The code %(code)s is taken.", code=code), "code")
        unit = Unit(code=code, name=name, path="/", parent_id=parent.id if parent else None)
        session.add(unit)
    else:
        unit = existing
        if not _in_scope(user, unit):
            raise ManageError(_l("This unit is outside your units."))
        moving = (parent.id if parent else None) != unit.parent_id
        if moving and user.role != "admin" and scope_path(user) == unit.path:
            raise ManageError(_l("Only an administrator can move your own top unit."), "parent_code")
        if parent is not None and parent.path.startswith(unit.path):
            raise ManageError(_l("this parent would make a cycle in the unit tree"), "parent_code")
        unit.name = name
        unit.parent_id = parent.id if parent else None
    session.flush()
    rebuild_unit_paths(session)
    return unit


def save_counter(
    session: Session, user: User, *, code: str, name: str, unit_code: str, existing: Counter | None
) -> Counter:
    """Create (existing None) or edit a counter of a unit in the user's scope. The caller commits."""
    _require_editor(user)
    code, name, unit_code = code.strip(), name.strip(), unit_code.strip()
    _check_name(name)
    unit = unit_by_code(session, unit_code)
    if unit is None:
        raise ManageError(_l("unknown unit %(code)s", code=unit_code), "unit_code")
    if not _in_scope(user, unit):
        raise ManageError(_l("This unit is outside your units."), "unit_code")
    if existing is None:
        _check_code(code)
        if counter_by_code(session, code) is not None:
            raise ManageError(_l("The code %(code)s is taken.", code=code), "code")
        counter = Counter(code=code, name=name, unit_id=unit.id)
        session.add(counter)
    else:
        if not _in_scope(user, existing.unit):
            raise ManageError(_l("This counter is outside your units."))
        counter = existing
        counter.name, counter.unit_id = name, unit.id
    session.flush()
    return counter


def save_procedure(session: Session, user: User, *, code: str, name: str, field: str,
                   existing: Procedure | None) -> Procedure:
    """Create (existing None) or edit a procedure of the catalogue. The caller commits."""
    if user.role != "admin":  # the catalogue is shared by every unit
        raise ManageError(_l("Only an administrator changes the procedure catalogue."))
    code, name, field = code.strip(), name.strip(), field.strip()
    _check_name(name, limit=PROCEDURE_NAME_LIMIT)
    _check_name(field, "field")
    if existing is None:
        if not PROCEDURE_CODE_PATTERN.match(code):
            raise ManageError(BAD_PROCEDURE_CODE, "code")
        if procedure_by_code(session, code) is not None:
            raise ManageError(_l("The code %(code)s is taken.", code=code), "code")
        procedure = Procedure(code=code, name=name, field=field)
        session.add(procedure)
    else:
        procedure = existing
        procedure.name, procedure.field = name, field
    session.flush()
    return procedure


def import_scope_errors(session: Session, user: User, kind: str, path: Path) -> list[RowError]:
    """Rows of a units or counters file that reach outside a manager's subtree (none for an
    administrator). Checked before the all-or-nothing import, so a refused file changes nothing."""
    prefix = scope_path(user)
    if prefix is None:
        return []
    units = {u.code: u for u in session.scalars(select(Unit))}
    errors: list[RowError] = []
    outside = _l("outside your units")
    if kind == "counters":
        table = read_table(path, ("code", "name", "unit_code"))
        counters = {c.code: c for c in session.scalars(select(Counter))}
        for number, row in table.rows:
            unit = units.get(row["unit_code"])
            if unit is not None and not unit.path.startswith(prefix):
                errors.append(RowError(number, "unit_code", outside))
            counter = counters.get(row["code"])
            if counter is not None and not counter.unit.path.startswith(prefix):
                errors.append(RowError(number, "code", outside))
        return errors
    table = read_table(path, ("code", "name", "parent_code"))
    in_file = {row["code"] for _n, row in table.rows}
    for number, row in table.rows:
        current = units.get(row["code"])
        parent_code = row["parent_code"]
        if current is not None:
            if not current.path.startswith(prefix):
                errors.append(RowError(number, "code", outside))
                continue
            if parent_code == (current.parent.code if current.parent else ""):
                continue  # unchanged parent: renaming is fine, even for the manager's top unit
        if not parent_code:
            errors.append(
                RowError(number, "parent_code", _l("Only an administrator can create or move a top-level unit."))
            )
        elif parent_code in units and not units[parent_code].path.startswith(prefix):
            errors.append(RowError(number, "parent_code", outside))
        elif current is not None and current.path == prefix:
            errors.append(RowError(number, "parent_code", _l("Only an administrator can move your own top unit.")))
        elif parent_code not in units and parent_code not in in_file:
            continue  # unknown parent: the import itself reports it
    return errors
