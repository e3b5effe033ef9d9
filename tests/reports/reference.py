"""An independent, deliberately plain computation of report numbers from the rows of a file
(counting in Python, the Wilson and Newcombe formulas written out), to check the app against."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from math import sqrt
from typing import Any

Z = 1.959963984540054  # two-sided 95 %
CRITERIA = [f"TC{i:02d}" for i in range(1, 23)]
ELEMENT_OF = {c: "E1" if i < 4 else "E2" if i < 9 else "E3" if i < 15 else "E4" if i < 18 else "E5" for i, c in enumerate(CRITERIA)}
ELEMENTS = ["E1", "E2", "E3", "E4", "E5"]
Row = Mapping[str, Any]


def wilson(k: float, n: float) -> tuple[float, float]:
    p = k / n
    denominator = 1 + Z * Z / n
    centre = (p + Z * Z / (2 * n)) / denominator
    half = Z * sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / denominator
    return (0.0 if k == 0 else centre - half, 1.0 if k == n else centre + half)


def rate(k: int, n: int) -> dict[str, Any]:
    if n < 30:  # suppressed alike: value, interval and count (issue 12, item 7)
        return {"value": None, "ci_low": None, "ci_high": None, "n": n, "count": None}
    low, high = wilson(k, n)
    return {"value": k / n, "ci_low": low, "ci_high": high, "n": n, "count": k}


def score(row: Row, item: str) -> int | None:
    value = row.get(item, "")
    return None if value in ("", "na", None) else int(value)


def criterion(rows: Iterable[Row], item: str) -> dict[str, Any]:
    scores = [s for s in (score(r, item) for r in rows) if s is not None]
    return rate(sum(s >= 4 for s in scores), len(scores))


def overall(rows: Iterable[Row]) -> dict[str, Any]:
    scores = [s for s in (score(r, "overall") for r in rows) if s is not None]
    out = rate(sum(s >= 4 for s in scores), len(scores))
    shown = len(scores) >= 30
    out["mean"] = sum(scores) / len(scores) if shown else None
    out["distribution"] = {str(v): scores.count(v) for v in range(1, 6)} if shown else None
    return out


def pooled(rows: Iterable[Row], element: str | None) -> dict[str, Any]:
    """Σ satisfied items / Σ answered items over respondents; n = respondents who answered any."""
    ys, ms = [], []
    for row in rows:
        items = [c for c in CRITERIA if element is None or ELEMENT_OF[c] == element]
        items += [e for e in ELEMENTS if element is None or e == element]
        scores = [s for s in (score(row, i) for i in items) if s is not None]
        if scores:
            ys.append(sum(s >= 4 for s in scores))
            ms.append(len(scores))
    n = len(ms)
    if n < 30:
        return {"value": None, "n": n, "count": None, "items": None}
    return {"value": sum(ys) / sum(ms), "n": n, "count": sum(ys), "items": sum(ms)}


def flag(rows: Iterable[Row], name: str) -> dict[str, Any]:
    rows = list(rows)
    if name == "late_without_apology":
        answered = [r for r in rows if r.get("ontime") == "late" and r.get("apology") in ("yes", "no")]
        return rate(sum(r["apology"] == "no" for r in answered), len(answered))
    item, bad, allowed = {
        "trips_3plus": ("trips", {"3"}, {"1", "2", "3"}),
        "no_slip": ("slip", {"no"}, {"yes", "no"}),
        "harassment": ("harassment", {"some", "many"}, {"none", "some", "many"}),
        "extra_payment": ("extra_payment", {"yes"}, {"yes", "no"}),
        "late": ("ontime", {"late"}, {"early", "ontime", "late"}),
    }[name]
    answered = [str(r.get(item, "")) for r in rows if str(r.get(item, "")) in allowed]
    return rate(sum(a in bad for a in answered), len(answered))


def newcombe(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float, float]:
    """Newcombe's hybrid score interval for p1 − p2 (method 10)."""
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson(k1, n1)
    l2, u2 = wilson(k2, n2)
    d = p1 - p2
    return d, d - sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
