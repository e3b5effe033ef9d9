"""Dossier volumes from the one-stop software: `import-volumes FILE` (docs/IMPORT.md)."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from surveyapp.models import DossierVolume
from surveyapp.services.operations.tabular import ImportRejected
from surveyapp.services.operations.volumes import import_volumes
from tests.imports.helpers import fingerprint


def volumes_file(path: Path, lines: list[str]) -> Path:
    path.write_text("\ufeffunit,month,dossiers\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def stored(db) -> dict[tuple[str, str], int]:  # type: ignore[no-untyped-def]
    db.expire_all()
    return {(v.unit.code, v.month): v.dossiers for v in db.scalars(select(DossierVolume))}


def test_an_official_imports_monthly_volumes_and_a_later_file_updates_them(db, runner, tmp_path: Path) -> None:
    first = volumes_file(tmp_path / "v1.csv", ["DEMO-P-ANPHU,2026-10,120", "DEMO-X-BINHMINH,2026-10,80"])
    result = runner.invoke(args=["import-volumes", str(first)])
    assert result.exit_code == 0, result.output
    second = volumes_file(tmp_path / "v2.csv", ["DEMO-P-ANPHU,2026-10,125", "DEMO-P-ANPHU,2026-11,90"])
    summary = import_volumes(db, second)
    assert (summary.created, summary.updated) == (1, 1)
    assert stored(db) == {
        ("DEMO-P-ANPHU", "2026-10"): 125,
        ("DEMO-X-BINHMINH", "2026-10"): 80,
        ("DEMO-P-ANPHU", "2026-11"): 90,
    }


@pytest.mark.parametrize(
    "line, column",
    [
        ("NOWHERE,2026-10,10", "unit"),
        ("DEMO-P-ANPHU,2026-13,10", "month"),
        ("DEMO-P-ANPHU,10/2026,10", "month"),
        ("DEMO-P-ANPHU,2026-10,-5", "dossiers"),
        ("DEMO-P-ANPHU,2026-10,12.5", "dossiers"),
        ("DEMO-X-BINHMINH,2026-09,7", "month"),  # the same unit and month twice
    ],
)
def test_a_bad_volume_row_leaves_everything_unchanged(db, runner, tmp_path: Path, line: str, column: str) -> None:
    import_volumes(db, volumes_file(tmp_path / "v0.csv", ["DEMO-P-ANPHU,2026-09,50"]))
    db.commit()
    before = fingerprint(db)
    path = volumes_file(tmp_path / "bad.csv", ["DEMO-X-BINHMINH,2026-09,7", line])
    assert runner.invoke(args=["import-volumes", str(path)]).exit_code == 1
    with pytest.raises(ImportRejected) as caught:
        import_volumes(db, path)
    assert [(e.row, e.column) for e in caught.value.errors] == [(3, column)]
    assert fingerprint(db) == before
