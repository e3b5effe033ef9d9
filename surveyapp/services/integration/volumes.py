"""Monthly dossier volumes posted by an API client: the same figures `import-volumes` loads,
one (unit, month) at a time, the latest figure replacing the stored one."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from surveyapp.models import ApiClient, DossierVolume
from surveyapp.periods import is_month
from surveyapp.services.integration.clients import unit_in_client_scope
from surveyapp.services.operations.volumes import MAX_DOSSIERS
from surveyapp.services.organisation.lookups import unit_by_code

FIELDS = ("unit", "month", "dossiers_returned")
OUT_OF_SCOPE = {"field": "unit", "message": "outside the units this client may post for"}


@dataclass
class VolumeResult:
    unit: str | None
    month: str | None
    status: int  # 201 created, 200 replaced or unchanged, 403 out of scope, 422 invalid
    errors: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"unit": self.unit, "month": self.month, "status": self.status, "errors": self.errors}


def _short(value: Any) -> str | None:
    return value if isinstance(value, str) and len(value) <= 64 else None


def post_volume(session: Session, client: ApiClient, item: Any) -> VolumeResult:
    if not isinstance(item, dict):
        return VolumeResult(None, None, 422, [{"field": "", "message": "expected an object"}])
    unit_code, month, dossiers = _short(item.get("unit")), _short(item.get("month")), item.get("dossiers_returned")
    errors = [{"field": name[:64], "message": "unknown field"} for name in sorted(map(str, item)) if name not in FIELDS]
    unit = unit_by_code(session, unit_code) if unit_code else None
    if unit is None:
        errors.append({"field": "unit", "message": "unknown unit code" if unit_code else "required"})
    if not is_month(month):
        errors.append({"field": "month", "message": "expected a month YYYY-MM"})
    if isinstance(dossiers, bool) or not isinstance(dossiers, int) or not 0 <= dossiers <= MAX_DOSSIERS:
        errors.append({"field": "dossiers_returned", "message": f"expected a whole number from 0 to {MAX_DOSSIERS}"})
    if unit is not None and not unit_in_client_scope(client, unit):
        return VolumeResult(unit_code, _short(month), 403, [OUT_OF_SCOPE])
    if errors or unit is None or month is None or not isinstance(dossiers, int):
        return VolumeResult(unit_code, _short(month), 422, errors)
    stored_figure = select(DossierVolume).where(DossierVolume.unit_id == unit.id, DossierVolume.month == month)
    existing = session.scalar(stored_figure)
    if existing is not None:
        existing.dossiers = dossiers
        session.flush()
        return VolumeResult(unit.code, month, 200)
    try:
        with session.begin_nested():
            session.add(DossierVolume(unit_id=unit.id, month=month, dossiers=dossiers))
    except IntegrityError:  # stored meanwhile by a concurrent request: replace its figure
        stored = session.scalar(stored_figure)
        if stored is None:
            raise
        stored.dossiers = dossiers
        session.flush()
        return VolumeResult(unit.code, month, 200)
    return VolumeResult(unit.code, month, 201)


def post_volumes(session: Session, client: ApiClient, items: list[Any]) -> list[VolumeResult]:
    return [post_volume(session, client, item) for item in items]
