"""Monthly dossier volumes (from the one-stop software): import and look-up (docs/IMPORT.md)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from surveyapp.models import DossierVolume, Unit
from surveyapp.periods import month_from_cell
from surveyapp.services.operations.tabular import ImportRejected, RowError, read_table

MAX_DOSSIERS = 10_000_000


@dataclass(frozen=True)
class VolumeImportSummary:
    created: int
    updated: int


def import_volumes(session: Session, path: Path) -> VolumeImportSummary:
    """Columns `unit` (code), `month` (YYYY-MM), `dossiers` (whole number >= 0).

    An existing unit+month is replaced by the file's number (the one-stop software's latest
    count wins). Any bad row: nothing changes.
    """
    table = read_table(path, ("unit", "month", "dossiers"))
    units = {u.code: u.id for u in session.scalars(select(Unit))}
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    parsed: list[tuple[int, str, int]] = []
    for number, row in table.rows:
        ok = True
        if not row["unit"]:
            errors.append(RowError(number, "unit", _l("a value is required")))
            ok = False
        elif row["unit"] not in units:
            errors.append(RowError(number, "unit", _l("unknown unit %(code)s", code=row["unit"])))
            ok = False
        month = month_from_cell(row["month"])
        if month is None:
            errors.append(RowError(number, "month", _l("a month looks like 2026-11 (YYYY-MM)")))
            ok = False
        dossiers = row["dossiers"]
        if not dossiers.isdigit() or int(dossiers) > MAX_DOSSIERS:
            errors.append(
                RowError(number, "dossiers", _l("must be a whole number from 0 to %(max)s", max=MAX_DOSSIERS))
            )
            ok = False
        if ok and month is not None:
            key = (row["unit"], month)
            if key in seen:
                errors.append(
                    RowError(number, "month", _l("this unit and month already appear in row %(row)s", row=seen[key]))
                )
            else:
                seen[key] = number
                parsed.append((units[row["unit"]], month, int(dossiers)))
    if errors:
        raise ImportRejected(errors)
    existing = {(v.unit_id, v.month): v for v in session.scalars(select(DossierVolume))}
    created = updated = 0
    for unit_id, volume_month, volume_dossiers in parsed:
        volume = existing.get((unit_id, volume_month))
        if volume is None:
            session.add(DossierVolume(unit_id=unit_id, month=volume_month, dossiers=volume_dossiers))
            created += 1
        else:
            volume.dossiers = volume_dossiers
            updated += 1
    session.flush()
    return VolumeImportSummary(created=created, updated=updated)


def volumes_in(session: Session, unit_ids: list[int], month: str) -> dict[int, int]:
    """Known volumes of the given units for the month: {unit_id: dossiers}."""
    if not unit_ids:
        return {}
    rows = session.execute(
        select(DossierVolume.unit_id, DossierVolume.dossiers).where(
            DossierVolume.month == month, DossierVolume.unit_id.in_(unit_ids)
        )
    )
    return {unit_id: dossiers for unit_id, dossiers in rows}
