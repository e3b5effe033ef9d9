"""Editing units, counters and procedures from the web, one record at a time, within a scope.

The CSV imports stay in surveyapp.services.organisation.imports (all or nothing); this module adds the
single-record forms and keeps the scope rule: a manager changes only their own subtree.
"""
from __future__ import annotations

from pathlib import Path

from flask_babel import LazyString, lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from surveyapp.models import Counter, Procedure, Response, Unit, User
from surveyapp.services.accounts.accounts import scope_path
from surveyapp.services.organisation.codes import CODE_PATTERN, PROCEDURE_CODE_PATTERN
from surveyapp.services.organisation.imports import rebuild_unit_paths
from surveyapp.services.organisation.lookups import counter_by_code, procedure_by_code, unit_by_code
from surveyapp.services.operations.tabular import RowError, read_table


class ManageError(ValueError):
    def __init__(self, message: str | LazyString):
        self.message = message
        super().__init__(str(message))


def _in_scope(user: User, unit: Unit) -> bool:
    prefix = scope_path(user)
    return prefix is None or unit.path.startswith(prefix)


def _check_code(code: str) -> None:
    if not CODE_PATTERN.match(code):
        raise ManageError(_l("a code may hold only letters, digits, '.', '_' and '-' (at most 64)"))


def _check_name(name: str, limit: int = 255) -> None:
    if not name:
        raise ManageError(_l("a value is required"))
    if len(name) > limit:
        raise ManageError(_l("longer than %(limit)s characters", limit=limit))


def counters_in_scope(session: Session, user: User) -> list[Counter]:
    query = select(Counter).join(Unit, Counter.unit_id == Unit.id).order_by(Unit.path, Counter.code)
    prefix = scope_path(user)
    if prefix is not None:
        query = query.where(Unit.path.startswith(prefix, autoescape=True))
    return list(session.scalars(query))


def response_counts_by_unit(session: Session) -> dict[int, int]:
    """Responses stored per unit (shown next to each unit; not a statistic, a record count)."""
    return dict(session.execute(select(Response.unit_id, func.count()).group_by(Response.unit_id)).all())  # type: ignore[arg-type]


def save_unit(session: Session, user: User, *, code: str, name: str, parent_code: str, existing: Unit | None) -> Unit:
    """Create (existing None) or edit a unit. The caller commits."""
    code, name, parent_code = code.strip(), name.strip(), parent_code.strip()
    _check_name(name)
    parent = unit_by_code(session, parent_code) if parent_code else None
    if parent_code and parent is None:
        raise ManageError(_l("unknown unit %(code)s", code=parent_code))
    # Keeping the current parent is always allowed (a manager renames their own top unit,
    # whose parent lies outside their scope); choosing a new one must stay inside the scope.
    unchanged = existing is not None and existing.parent_id == (parent.id if parent else None)
    if parent is None and user.role != "admin" and not unchanged:
        raise ManageError(_l("Only an administrator can create or move a top-level unit."))
    if parent is not None and not _in_scope(user, parent) and not unchanged:
        raise ManageError(_l("The parent unit is outside your units."))
    if existing is None:
        _check_code(code)
        if unit_by_code(session, code) is not None:
            raise ManageError(_l("The code %(code)s is taken.", code=code))
        unit = Unit(code=code, name=name, path="/", parent_id=parent.id if parent else None)
        session.add(unit)
    else:
        unit = existing
        if not _in_scope(user, unit):
            raise ManageError(_l("This unit is outside your units."))
        moving = (parent.id if parent else None) != unit.parent_id
        if moving and user.role != "admin" and scope_path(user) == unit.path:
            raise ManageError(_l("Only an administrator can move your own top unit."))
        if parent is not None and parent.path.startswith(unit.path):
            raise ManageError(_l("this parent would make a cycle in the unit tree"))
        unit.name = name
        unit.parent_id = parent.id if parent else None
    session.flush()
    rebuild_unit_paths(session)
    return unit


def save_counter(session: Session, user: User, *, code: str, name: str, unit_code: str, existing: Counter | None) -> Counter:
    code, name, unit_code = code.strip(), name.strip(), unit_code.strip()
    _check_name(name)
    unit = unit_by_code(session, unit_code)
    if unit is None:
        raise ManageError(_l("unknown unit %(code)s", code=unit_code))
    if not _in_scope(user, unit):
        raise ManageError(_l("This unit is outside your units."))
    if existing is None:
        _check_code(code)
        if counter_by_code(session, code) is not None:
            raise ManageError(_l("The code %(code)s is taken.", code=code))
        counter = Counter(code=code, name=name, unit_id=unit.id)
        session.add(counter)
    else:
        if not _in_scope(user, existing.unit):
            raise ManageError(_l("This counter is outside your units."))
        counter = existing
        counter.name, counter.unit_id = name, unit.id
    session.flush()
    return counter


def save_procedure(session: Session, *, code: str, name: str, field: str, existing: Procedure | None) -> Procedure:
    code, name, field = code.strip(), name.strip(), field.strip()
    _check_name(name, 500)
    _check_name(field)
    if existing is None:
        if not PROCEDURE_CODE_PATTERN.match(code):
            raise ManageError(_l("a procedure code looks like 1.001612"))
        if procedure_by_code(session, code) is not None:
            raise ManageError(_l("The code %(code)s is taken.", code=code))
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
            current = counters.get(row["code"])
            if current is not None and not current.unit.path.startswith(prefix):
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
            errors.append(RowError(number, "parent_code", _l("Only an administrator can create or move a top-level unit.")))
        elif parent_code in units and not units[parent_code].path.startswith(prefix):
            errors.append(RowError(number, "parent_code", outside))
        elif current is not None and current.path == prefix:
            errors.append(RowError(number, "parent_code", _l("Only an administrator can move your own top unit.")))
        elif parent_code not in units and parent_code not in in_file:
            continue  # unknown parent: the import itself reports it
    return errors
