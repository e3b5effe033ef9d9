"""Units, counters and procedures are looked up in one module (services/organisation/lookups)."""
from __future__ import annotations

import ast
from pathlib import Path

from surveyapp.services.organisation.lookups import (
    all_procedures,
    counter_by_code,
    procedure_by_code,
    unit_by_code,
    unit_chain,
)
from surveyapp.settings import PROJECT_ROOT

LOOKUPS = PROJECT_ROOT / "surveyapp/services/organisation/lookups.py"


def test_each_record_is_found_by_its_code_and_an_unknown_code_finds_nothing(db):
    assert unit_by_code(db, "DEMO-X-TANLAP").name == "Xã Tân Lập"
    assert counter_by_code(db, "TL-Q01").unit.code == "DEMO-X-TANLAP"
    assert procedure_by_code(db, "1.001193").name == "Đăng ký khai sinh"
    assert unit_by_code(db, "NO-SUCH") is counter_by_code(db, "NO-SUCH") is procedure_by_code(db, "9.999999") is None


def test_codes_are_matched_exactly(db):
    assert unit_by_code(db, "demo-x-tanlap") is None and unit_by_code(db, "DEMO-X-%") is None


def test_the_procedure_catalogue_is_listed_by_field_then_code(db):
    procedures = all_procedures(db)
    assert len(procedures) > 1
    assert [(p.field, p.code) for p in procedures] == sorted((p.field, p.code) for p in procedures)


def test_a_units_chain_runs_from_the_root_down_to_it(db):
    assert [u.code for u in unit_chain(unit_by_code(db, "DEMO-X-TANLAP"))] == ["DEMO", "DEMO-X-TANLAP"]
    assert [u.code for u in unit_chain(unit_by_code(db, "DEMO"))] == ["DEMO"]


def test_no_other_module_defines_a_look_up_by_code_or_lists_the_catalogue():
    duplicates = []
    for path in sorted((PROJECT_ROOT / "surveyapp").rglob("*.py")):
        if path == LOOKUPS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and (node.name.endswith("_by_code") or node.name == "all_procedures"):
                duplicates.append(f"{Path(path).relative_to(PROJECT_ROOT)}:{node.lineno} {node.name}")
    assert not duplicates, duplicates
