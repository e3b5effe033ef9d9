#!/usr/bin/env python
"""Check that issue 12 (items 2, 5, 6, 7, 8) changed the golden report files only where it meant to.

    .venv/bin/python scripts/golden-diff-i12.py [BASE_REV]      # default: the branch's base 0e0cf66

Every file of tests/reports/golden/ at BASE_REV is transformed by the documented rules, and must
then equal today's file once the new top-level keys are set aside:

- flag statuses: meets/possibly_below/below → within/possibly_above/above; with a limit of 0:
  incidents (value > 0) or within (value 0)                                        (item 2)
- an insufficient rate's count, mean, distribution and items, and an insufficient expectation's
  count, become null (CSV/XLSX: blank)                                             (item 7)
- method.status is reworded for the limits                                         (item 2)
- new top-level keys of the app's report: directions, weighting, service_index_by_form, notes,
  year_on_year, trend_control; of analysis.build_report: directions                (items 2, 5, 6, 8)
Exit status 0 when every file matches, 1 otherwise (the differing paths are printed).
"""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

GOLDEN = Path("tests/reports/golden")
NEW_KEYS = ("directions", "weighting", "service_index_by_form", "notes", "year_on_year", "trend_control")
CHANGED_KEYS = {("method", "status")}
FLAG_STATUS = {"meets": "within", "possibly_below": "possibly_above", "below": "above"}
FLAG_WORDS = {
    "đạt chỉ tiêu": "trong ngưỡng", "có thể dưới chỉ tiêu": "có thể vượt ngưỡng", "dưới chỉ tiêu": "vượt ngưỡng",
}
MIN_N = 30


def flag_status(status: str | None, value: float | None, target: float | None) -> str | None:
    if status is None:
        return None
    if target == 0:
        return "incidents" if value else "within"
    return FLAG_STATUS.get(status, status)


def expected_json(obj: Any, in_flags: bool = False) -> Any:
    """The old JSON with the documented changes applied."""
    if isinstance(obj, list):
        return [expected_json(v, in_flags) for v in obj]
    if not isinstance(obj, dict):
        return obj
    out = {k: expected_json(v, in_flags=(k == "flags")) for k, v in obj.items()}
    if "insufficient" in out and "count" in out and out["insufficient"]:
        out["count"] = None
        for key in ("mean", "distribution", "items"):
            if key in out:
                out[key] = None
    if in_flags:
        for flag in out.values():
            if isinstance(flag, dict) and "status" in flag and "target" in flag:
                flag["status"] = flag_status(flag["status"], flag.get("value"), flag["target"])
    return out


def compare_json(old: Any, new: Any, path: str = "") -> list[str]:
    if isinstance(new, dict) and not path:
        new = {k: v for k, v in new.items() if k not in NEW_KEYS}
    if isinstance(old, dict) and isinstance(new, dict):
        problems = [f"{path}: keys {sorted(set(old) ^ set(new))}"] if set(old) != set(new) else []
        for key in old.keys() & new.keys():
            if (path.strip("/"), key) in CHANGED_KEYS:
                continue
            problems += compare_json(old[key], new[key], f"{path}/{key}")
        return problems
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            return [f"{path}: length {len(old)} != {len(new)}"]
        return [p for i, (a, b) in enumerate(zip(old, new, strict=True)) for p in compare_json(a, b, f"{path}[{i}]")]
    return [] if old == new else [f"{path}: {old!r} != {new!r}"]


def expected_rows(rows: list[list[Any]], blank: Any) -> list[list[Any]]:
    """CSV / XLSX rows: flag statuses (codes or Vietnamese words), and hidden counts."""
    header = next(r for r in rows if r and r[0] in ("section", "Phần"))
    col = {name: i for i, name in enumerate(("section", "id", "label", "value", "ci_low", "ci_high", "n", "count",
                                             "status", "target", "position"))}
    overall_n = next((r[col["n"]] for r in rows if len(r) > 6 and r[0] == "overall"), None)
    out = []
    for original in rows:
        row = list(original)
        if original is header or len(row) < len(col):
            out.append(row)
            continue
        section, value, n = row[0], row[col["value"]], row[col["n"]]
        number = int(n) if n not in (None, "") else None
        if section == "flag" and row[col["status"]] not in (None, ""):
            status = row[col["status"]]
            target = float(row[col["target"]]) if row[col["target"]] not in (None, "") else None
            val = float(value) if value not in (None, "") else None
            if status in FLAG_WORDS:
                row[col["status"]] = FLAG_WORDS[status] if target != 0 else (
                    f"{row[col['count']]} trường hợp được phản ánh" if val else "trong ngưỡng")
            else:
                row[col["status"]] = flag_status(status, val, target)
        insufficient = number is not None and number < MIN_N and section not in ("summary", "change", "child")
        if section == "overall_distribution":
            insufficient = overall_n not in (None, "") and int(overall_n) < MIN_N
        if insufficient:
            row[col["count"]] = blank
        out.append(row)
    return out


def main() -> int:
    base = sys.argv[1] if len(sys.argv) > 1 else "0e0cf66"
    failures = 0
    for path in sorted(GOLDEN.iterdir()):
        old_text = subprocess.run(["git", "show", f"{base}:{path}"], capture_output=True, text=True, check=True).stdout
        new_text = path.read_text(encoding="utf-8-sig")
        if path.suffix == ".csv":
            old_rows = list(csv.reader(io.StringIO(old_text.lstrip("\ufeff"))))
            new_rows = list(csv.reader(io.StringIO(new_text)))
            problems = compare_json(expected_rows(old_rows, ""), new_rows, "rows")
        elif path.name.endswith(".xlsx.json"):
            old_sheets, new_sheets = json.loads(old_text), json.loads(new_text)
            problems = []
            for i, (a, b) in enumerate(zip(old_sheets, new_sheets, strict=True)):
                a = {**a, "rows": expected_rows(a["rows"], None)}
                problems += compare_json(a, b, f"sheet{i}")
        else:
            problems = compare_json(expected_json(json.loads(old_text)), json.loads(new_text))
        failures += bool(problems)
        print(f"{'ok  ' if not problems else 'DIFF'} {path.name}")
        for problem in problems[:20]:
            print(f"     {problem}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
