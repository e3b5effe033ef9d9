"""Making response files the way an operator would, and fingerprinting the whole database."""
from __future__ import annotations

import csv
import hashlib
import random
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveyapp.models import Base

CRITERIA = [f"TC{i:02d}" for i in range(1, 23)]
ELEMENTS = ["E1", "E2", "E3", "E4", "E5"]
META = ["response_id", "submitted_at", "unit", "counter", "channel", "survey", "survey_version", "procedure"]
FACTS = ["submit_channel", "receive_channel", "trips", "slip", "ontime", "apology", "harassment", "extra_payment"]
FULL_COLUMNS = META + FACTS + CRITERIA + ["overall", "expect", "comment"]
ALL_COLUMNS = FULL_COLUMNS + ELEMENTS
EXPECT = ["info", "simplify", "transparency", "time", "fees", "attitude", "competence", "facilities", "feedback", "online"]


def write_csv(path: Path, rows: Iterable[Mapping[str, Any]], columns: list[str] | None = None, *, bom: bool = True) -> Path:
    rows = list(rows)
    columns = columns or ALL_COLUMNS
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


def full_row(rng: random.Random, response_id: str, unit: str, submitted_at: str, *, counter: str = "", good: float = 0.8) -> dict[str, Any]:
    """A random sipas-full paper form; `good` is the chance of a 4–5 answer."""
    def score() -> int:
        return rng.choice([4, 5]) if rng.random() < good else rng.choice([1, 2, 3])

    row: dict[str, Any] = {
        "response_id": response_id,
        "submitted_at": submitted_at,
        "unit": unit,
        "counter": counter,
        "channel": rng.choice(["paper", "qr", "web"]),
        "survey": "sipas-full",
        "submit_channel": rng.choice(["direct", "online", "postal", ""]),
        "trips": rng.choice(["1", "1", "2", "3"]),
        "slip": rng.choice(["yes", "yes", "yes", "no"]),
        "harassment": rng.choice(["none", "none", "none", "some", "many"]),
        "extra_payment": rng.choice(["no", "no", "yes", ""]),
        "ontime": rng.choice(["early", "ontime", "late", "pending", ""]),
        "overall": score(),
    }
    if row["ontime"] == "late":
        row["apology"] = rng.choice(["yes", "no", ""])
    for criterion in CRITERIA:
        roll = rng.random()
        row[criterion] = "na" if roll < 0.07 else ("" if roll < 0.1 else score())
    row["expect"] = ";".join(code for code in EXPECT if rng.random() < 0.15)
    if rng.random() < 0.1:
        row["comment"] = rng.choice(["Cán bộ nhiệt tình.", "Chờ lâu quá, thiếu ghế."])
    return row


def kiosk_row(rng: random.Random, response_id: str, unit: str, submitted_at: str, *, counter: str = "", good: float = 0.8) -> dict[str, Any]:
    def score() -> int:
        return rng.choice([4, 5]) if rng.random() < good else rng.choice([1, 2, 3])

    row: dict[str, Any] = {
        "response_id": response_id,
        "submitted_at": submitted_at,
        "unit": unit,
        "counter": counter,
        "channel": "kiosk",
        "survey": "sipas-kiosk",
        "overall": score(),
        "trips": rng.choice(["1", "2", "3"]),
        "slip": rng.choice(["yes", "no"]),
        "harassment": rng.choice(["none", "some"]),
    }
    for element in ELEMENTS:
        if rng.random() < 0.9:
            row[element] = score()
    return row


def fingerprint(session: Session) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every row of every table: equal means nothing changed."""
    session.expire_all()
    out = {}
    for table in Base.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        rows = session.execute(select(table).order_by(*order)).all()
        digest = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
        out[table.name] = (len(rows), digest)
    session.rollback()
    return out
