"""Units, counters and procedures: CSV imports (all or nothing)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from surveyapp.models import Counter, Procedure, Unit
from surveyapp.services.operations.tabular import ImportRejected, RowError, read_table
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
from surveyapp.services.reporting.aggregates import rebuild_rollups


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int


def _check_code(number: int, column: str, value: str, errors: list[RowError]) -> None:
    if not value:
        errors.append(RowError(number, column, REQUIRED))
    elif not CODE_PATTERN.match(value):
        errors.append(RowError(number, column, BAD_CODE))


def _check_name(number: int, column: str, value: str, errors: list[RowError], limit: int = NAME_LIMIT) -> None:
    if not value:
        errors.append(RowError(number, column, REQUIRED))
    elif len(value) > limit:
        errors.append(RowError(number, column, too_long(limit)))


def _check_unique(number: int, column: str, value: str, seen: dict[str, int], errors: list[RowError]) -> None:
    if value in seen:
        message = _l("code %(code)s already appears in row %(row)s", code=value, row=seen[value])
        errors.append(RowError(number, column, message))
    else:
        seen[value] = number


def import_units(session: Session, path: Path) -> ImportSummary:
    """Columns `code`, `name`, `parent_code` (empty for a root). Parents may come later in the
    file or already exist. Existing codes are updated. Any bad row: nothing changes."""
    table = read_table(path, ("code", "name", "parent_code"))
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for number, row in table.rows:
        _check_code(number, "code", row["code"], errors)
        _check_name(number, "name", row["name"], errors)
        _check_unique(number, "code", row["code"], seen, errors)
        if row["parent_code"] and row["parent_code"] == row["code"]:
            errors.append(RowError(number, "parent_code", _l("a unit cannot be its own parent")))

    existing = {u.code: u for u in session.scalars(select(Unit))}
    parent_of = {code: (u.parent.code if u.parent else "") for code, u in existing.items()}
    for number, row in table.rows:
        parent = row["parent_code"]
        if parent and parent not in seen and parent not in existing:
            errors.append(RowError(number, "parent_code", _l("unknown unit %(code)s", code=parent)))
        parent_of[row["code"]] = parent
    if not errors:
        for number, row in table.rows:
            if _has_cycle(row["code"], parent_of):
                errors.append(RowError(number, "parent_code", _l("this parent would make a cycle in the unit tree")))
    if errors:
        raise ImportRejected(errors)

    created = updated = 0
    by_code = dict(existing)
    for _number, row in table.rows:
        unit = by_code.get(row["code"])
        if unit is None:
            unit = Unit(code=row["code"], name=row["name"], path="/")
            session.add(unit)
            by_code[row["code"]] = unit
            created += 1
        else:
            unit.name = row["name"]
            updated += 1
    session.flush()
    for _number, row in table.rows:
        parent = row["parent_code"]
        by_code[row["code"]].parent_id = by_code[parent].id if parent else None
    session.flush()
    rebuild_unit_paths(session)
    return ImportSummary(created=created, updated=updated)


def _has_cycle(code: str, parent_of: dict[str, str]) -> bool:
    seen = {code}
    current = parent_of.get(code, "")
    while current:
        if current in seen:
            return True
        seen.add(current)
        current = parent_of.get(current, "")
    return False


def rebuild_unit_paths(session: Session) -> None:
    """Recompute every unit's `/id/id/` path from the parent links (a few thousand rows at most).

    When a unit that already had a place in the tree moves, the per-unit rollups (sums over
    each subtree) are recomputed from the stored tallies in the same transaction."""
    units = list(session.scalars(select(Unit)))
    parent_of = {u.id: u.parent_id for u in units}
    cache: dict[int, str] = {}

    def path_of(unit_id: int) -> str:
        if unit_id not in cache:
            parent = parent_of[unit_id]
            cache[unit_id] = (path_of(parent) if parent else "/") + f"{unit_id}/"
        return cache[unit_id]

    moved = False
    for unit in units:
        path = path_of(unit.id)
        moved = moved or (unit.path not in ("/", path))  # "/": a unit created in this transaction
        unit.path = path
    session.flush()
    if moved:
        rebuild_rollups(session)


def import_counters(session: Session, path: Path) -> ImportSummary:
    """Columns `code`, `name`, `unit_code` (an existing unit). Existing codes are updated."""
    table = read_table(path, ("code", "name", "unit_code"))
    units = {u.code: u for u in session.scalars(select(Unit))}
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for number, row in table.rows:
        _check_code(number, "code", row["code"], errors)
        _check_name(number, "name", row["name"], errors)
        _check_unique(number, "code", row["code"], seen, errors)
        if not row["unit_code"]:
            errors.append(RowError(number, "unit_code", REQUIRED))
        elif row["unit_code"] not in units:
            errors.append(RowError(number, "unit_code", _l("unknown unit %(code)s", code=row["unit_code"])))
    if errors:
        raise ImportRejected(errors)
    existing = {c.code: c for c in session.scalars(select(Counter))}
    created = updated = 0
    for _number, row in table.rows:
        counter = existing.get(row["code"])
        if counter is None:
            session.add(Counter(code=row["code"], name=row["name"], unit_id=units[row["unit_code"]].id))
            created += 1
        else:
            counter.name, counter.unit_id = row["name"], units[row["unit_code"]].id
            updated += 1
    session.flush()
    return ImportSummary(created=created, updated=updated)


def import_procedures(session: Session, path: Path) -> ImportSummary:
    """Columns `code` (catalogue shape `1.001612`), `name`, `field`. Existing codes are updated."""
    table = read_table(path, ("code", "name", "field"))
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for number, row in table.rows:
        if not PROCEDURE_CODE_PATTERN.match(row["code"]):
            errors.append(RowError(number, "code", BAD_PROCEDURE_CODE))
        _check_unique(number, "code", row["code"], seen, errors)
        _check_name(number, "name", row["name"], errors, limit=PROCEDURE_NAME_LIMIT)
        _check_name(number, "field", row["field"], errors)
    if errors:
        raise ImportRejected(errors)
    existing = {p.code: p for p in session.scalars(select(Procedure))}
    created = updated = 0
    for _number, row in table.rows:
        procedure = existing.get(row["code"])
        if procedure is None:
            session.add(Procedure(code=row["code"], name=row["name"], field=row["field"]))
            created += 1
        else:
            procedure.name, procedure.field = row["name"], row["field"]
            updated += 1
    session.flush()
    return ImportSummary(created=created, updated=updated)
