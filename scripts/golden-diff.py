"""Compare the golden report files (tests/reports/golden/*.json) with an earlier commit's.

    .venv/bin/python scripts/golden-diff.py [BASE]        # BASE: a git revision, default 0e0cf66
    .venv/bin/python scripts/golden-diff.py --issue12     # allow exactly issue 12's changes of method

For every JSON golden file of BASE: every key path of the old file must still exist, and its
value must be unchanged unless the path matches a pattern given with --changed (a deliberate
change of method); key paths present only in the new file are listed as added (list indices and
the codes of units, criteria, elements, flags and channels folded to "*" so each addition is
listed once). Exit status 1 when an old key is missing or changed without being allowed.
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = "tests/reports/golden"


def leaves(obj: Any, path: str = "") -> dict[str, Any]:
    """Every key path of `obj` with its value (dicts and lists walked; empty ones kept as leaves)."""
    out: dict[str, Any] = {}
    if isinstance(obj, dict) and obj:
        for key, value in obj.items():
            out.update(leaves(value, f"{path}.{key}" if path else str(key)))
    elif isinstance(obj, list) and obj:
        for index, value in enumerate(obj):
            out.update(leaves(value, f"{path}[{index}]"))
    else:
        out[path] = obj
    return out


CODES = re.compile(
    r"\.(TC\d\d|E\d|DEMO[-A-Z]*|trips_3plus|no_slip|harassment|extra_payment|late_without_apology|late|online|postal)\b"
)


def folded(path: str) -> str:
    return CODES.sub(".*", re.sub(r"\[\d+\]", "[*]", path))


#: What issue 12 changed on purpose: the pooled-index interval (bounds, hence statuses of pooled
#: indices, and the XLSX cells of those bounds: summary row 3 and element rows 12–16, columns 4–5),
#: the funnel (children's limits and positions, the widened curve; XLSX sub-unit sheet column 10),
#: Benjamini–Hochberg over every change (children's q-values), and the method notes.
ISSUE12 = [
    "*service_index.ci_low", "*service_index.ci_high", "*service_index.status",
    "*elements.E?.ci_low", "*elements.E?.ci_high", "*elements.E?.status",
    "method.pooled_index_interval", "method.funnel", "method.change_test",
    "children[[]*].funnel.*", "children[[]*].change.overall.q_value", "children[[]*].change.overall.significant_bh",
    "funnel.curve.*",
    "[[]0].rows[[]3][[]4]", "[[]0].rows[[]3][[]5]", "[[]0].rows[[]1[2-6]][[]4]", "[[]0].rows[[]1[2-6]][[]5]",
    "[[]3].rows[[]*][[]10]",
]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("base", nargs="?", default="0e0cf66")
    parser.add_argument("--changed", action="append", default=[], help="fnmatch pattern of key paths allowed to change")
    parser.add_argument("--issue12", action="store_true", help="allow the changes of method of issue 12")
    args = parser.parse_args()
    if args.issue12:
        args.changed += ISSUE12
    names = subprocess.run(
        ["git", "ls-tree", "--name-only", args.base, f"{GOLDEN}/"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split()
    bad = 0
    added: set[str] = set()
    changed: set[str] = set()
    for name in names:
        if not name.endswith(".json"):
            continue
        shown = subprocess.run(["git", "show", f"{args.base}:{name}"], cwd=ROOT, check=True, capture_output=True)
        old = json.loads(shown.stdout)
        new = json.loads((ROOT / name).read_text(encoding="utf-8"))
        old_leaves, new_leaves = leaves(old), leaves(new)
        for path, value in old_leaves.items():
            if path not in new_leaves:
                # An old leaf may now be a dict or list that gained keys: its old value must be a prefix.
                grown = any(p.startswith(path + ".") or p.startswith(path + "[") for p in new_leaves)
                if not grown or value not in ({}, []):
                    print(f"MISSING {Path(name).name}: {path}")
                    bad += 1
            elif new_leaves[path] != value:
                if any(fnmatch.fnmatchcase(path, pattern) for pattern in args.changed):
                    changed.add(folded(path))
                else:
                    print(f"CHANGED {Path(name).name}: {path}: {value!r} -> {new_leaves[path]!r}")
                    bad += 1
        added.update(folded(p) for p in new_leaves if p not in old_leaves)
    for path in sorted(added):
        print(f"added: {path}")
    for path in sorted(changed):
        print(f"changed (allowed): {path}")
    print(f"{bad} old key(s) missing or changed without being allowed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
