"""A national year from the rollups: 34 provinces x 100 communes x 12 months, and its growth.

    .venv/bin/python -m bench.national
    BENCH_NATIONAL_DATABASES=sqlite BENCH_NATIONAL_REPEAT=3 .venv/bin/python -m bench.national

What is written: the organisation (1 nation, 34 provinces, 34 x C communes) and the per-unit
monthly rollups `unit_rollup` that the reports read, generated directly (the issue allows it):
each commune-month is a real tally vector (analysis.tally of a synthetic province of
bench/reports.py, 100 children x 12 months, eight times over, assigned to communes in rotation:
≈ 33 million responses at 100 communes and 12 months), each province's
and the nation's rows are the exact sums of the rows below, split over the 8 writer shards as a
busy deployment leaves them (the worst case for a reader). The fine-grained `response_tally`
rows (≈ 450,000 a month for the country) are not generated: no report of a unit's whole subtree
or its children reads them.

Timed (median of BENCH_NATIONAL_REPEAT runs after a warm-up, each in a fresh session): the
national-year report: `load_tallies(nation, 12 months, "child")`, the year's sums per province
and for the nation, `analysis.report.compute_report` over them (34 children, funnel, changes),
and the 12-month `trend`. Memory: tracemalloc's peak during one report (Python and numpy
allocations) and the growth of the process's resident set. Floor: the SQL sum of the rows it
reads (the same two GROUP BY statements through the DB-API cursor, rows fetched).

Growth: the same report at 25, 50 and 100 communes per province (12 months) and at 3, 6 and 12
months (100 communes). Writes bench/results/national.json.
"""
from __future__ import annotations

import gc
import os
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from bench import common

PROVINCES = 34
MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]
SHARDS = 8
SEED = 20261127


def base_vectors() -> np.ndarray:
    """Real tally vectors per (child, month): shape (100, 12, TALLY_WIDTH)."""
    from bench import reports as province_bench

    data = province_bench.generate(120_000, seed=SEED)
    province = data["province"]
    dense: np.ndarray = data["dense"]
    groups = np.flatnonzero(dense[:, 0] > 0)
    month, counter, _pslot, _channel = province.group_parts(groups)
    child = province.counter_child[counter]
    out = np.zeros((province_bench.N_CHILDREN, len(MONTHS), dense.shape[1]), np.int64)
    np.add.at(out, (child, month), dense[groups])
    # Eight copies of each commune-month (a sum of tallies is a tally): about 34 million
    # responses for the nation's year, the country's volume (docs/DEPLOY.md, Sizing).
    return out * 8


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def build(url: str, communes: int, months: list[str], base: np.ndarray) -> dict[str, Any]:
    from surveyapp import create_app, migrate
    from surveyapp.db import get_engine
    from surveyapp.models.operations import SLOT_COLUMNS

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": common.SECRET_KEY})
    started = time.perf_counter()
    with app.app_context():
        engine = get_engine()
        migrate.upgrade(engine)
        # Units with their paths written directly: nation 1, provinces 2..35, communes after.
        units: list[tuple[int, str, str, int | None, str]] = [(1, "VN", "Việt Nam", None, "/1/")]
        commune_ids: list[list[int]] = []
        next_id = 2 + PROVINCES
        for p in range(PROVINCES):
            pid = 2 + p
            units.append((pid, f"P{p:02d}", f"Tỉnh {p + 1}", 1, f"/1/{pid}/"))
            ids = list(range(next_id, next_id + communes))
            next_id += communes
            commune_ids.append(ids)
            units += [(cid, f"P{p:02d}-X{c:03d}", f"Xã {c + 1}", pid, f"/1/{pid}/{cid}/") for c, cid in enumerate(ids)]
        rows: list[tuple[Any, ...]] = []
        for m, month in enumerate(months):
            nation = np.zeros(base.shape[2], np.int64)
            for p in range(PROVINCES):
                vectors = base[(np.arange(communes) + 7 * p) % base.shape[0], m]
                rows += [(month, cid, 0, *vec.tolist()) for cid, vec in zip(commune_ids[p], vectors, strict=True)]
                total = vectors.sum(axis=0)
                nation += total
                rows += _sharded(month, 2 + p, total)
            rows += _sharded(month, 1, nation)
        columns = ["month", "unit_id", "shard", *SLOT_COLUMNS]
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            marker = "?" if engine.dialect.name == "sqlite" else "%s"
            cursor.executemany(
                f"INSERT INTO unit (id, code, name, parent_id, path) VALUES ({', '.join([marker] * 5)})", units
            )
            if engine.dialect.name == "postgresql":
                block = "".join("\t".join(map(str, row)) + "\n" for row in rows)
                with cursor.copy(f"COPY unit_rollup ({', '.join(columns)}) FROM STDIN") as copy:
                    copy.write(block.encode())
                raw.commit()
                driver = raw.driver_connection  # type: ignore[attr-defined]
                driver.autocommit = True
                driver.execute("VACUUM ANALYZE unit_rollup")
                driver.execute("VACUUM ANALYZE unit")
                driver.autocommit = False
            else:
                cursor.executemany(
                    f"INSERT INTO unit_rollup ({', '.join(columns)}) VALUES ({', '.join([marker] * len(columns))})", rows
                )
                cursor.execute("ANALYZE")
                raw.commit()
        finally:
            raw.close()
        engine.dispose()
    return {"units": len(units), "rollup_rows": len(rows), "load_s": round(time.perf_counter() - started, 2)}


def _sharded(month: str, unit_id: int, vector: np.ndarray) -> list[tuple[Any, ...]]:
    parts = np.tile(vector // SHARDS, (SHARDS, 1))
    parts[0] += vector - parts.sum(axis=0)
    return [(month, unit_id, shard, *parts[shard].tolist()) for shard in range(SHARDS)]


def national_report(session: Any, months: list[str]) -> tuple[Any, Any]:
    """The year's report of the nation with its 34 provinces, and the 12-month trend."""
    from analysis import empty_tally
    from analysis.report import compute_report
    from surveyapp.services.organisation.lookups import unit_by_code
    from surveyapp.services.reporting import reports

    nation = unit_by_code(session, "VN")
    tallies = reports.load_tallies(session, nation, months, group_by="child")
    per_child: dict[Any, np.ndarray] = {}
    for (_month, child), vector in tallies.items():
        per_child[child] = per_child[child] + vector if child in per_child else vector.copy()
    total = sum(per_child.values(), empty_tally())
    report = compute_report(
        unit={"code": nation.code, "name": nation.name},
        month=months[-1],
        tally_now=total,
        tally_prev=empty_tally(),
        children=[
            {"code": c.code, "name": c.name, "tally": per_child.get(c.id, empty_tally()), "tally_prev": empty_tally()}
            for c in nation.children
        ],
    )
    return report, reports.trend(session, nation, months[-1], len(months))


def sql_floor(session: Any, months: list[str]) -> int:
    """The SQL sums of the rows the report reads, through the DB-API cursor: its floor."""
    from surveyapp.models.operations import SLOT_COLUMNS

    sums = ", ".join(f"SUM({c})" for c in SLOT_COLUMNS)
    month_list = ", ".join(f"'{m}'" for m in months)
    raw = session.connection().connection.driver_connection
    cursor = raw.cursor()
    cursor.execute(
        f"SELECT month, unit_id, {sums} FROM unit_rollup WHERE month IN ({month_list}) "
        f"AND unit_id IN (SELECT id FROM unit WHERE id = 1 OR parent_id = 1) GROUP BY month, unit_id"
    )
    fetched = len(cursor.fetchall())
    cursor.execute(f"SELECT month, {sums} FROM unit_rollup WHERE month IN ({month_list}) AND unit_id = 1 GROUP BY month")
    return fetched + len(cursor.fetchall())


def timed(fn: Callable[[], Any], repeat: int) -> dict[str, Any]:
    fn()
    runs = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return {"median_s": round(statistics.median(runs), 4), "min_s": round(min(runs), 4), "max_s": round(max(runs), 4)}


def measure(url: str, months: list[str], repeat: int, expected_n: int) -> dict[str, Any]:
    from analysis.tally import slot
    from surveyapp import create_app
    from surveyapp.db import get_engine

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": common.SECRET_KEY})
    out: dict[str, Any] = {}
    with app.app_context():
        maker = app.extensions["sqlalchemy_sessionmaker"]

        def in_session(fn: Callable[[Any], Any]) -> Callable[[], Any]:
            def call() -> Any:
                session = maker()
                try:
                    return fn(session)
                finally:
                    session.close()

            return call

        report, trend = in_session(lambda s: national_report(s, months))()
        out["check"] = {
            "report_n": report.n_responses,
            "expected_n": expected_n,
            "trend_n": sum(p.n_responses for p in trend),
            "children": len(report.children),
        }
        out["check"]["ok"] = report.n_responses == expected_n == out["check"]["trend_n"] and len(report.children) == PROVINCES
        out["report"] = timed(in_session(lambda s: national_report(s, months)), repeat)
        out["sql_floor"] = timed(in_session(lambda s: sql_floor(s, months)), repeat)
        out["ratio_to_sql_floor"] = round(out["report"]["median_s"] / out["sql_floor"]["median_s"], 2)
        gc.collect()
        rss_before = _rss_mb()
        tracemalloc.start()
        in_session(lambda s: national_report(s, months))()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        out["memory"] = {"tracemalloc_peak_mb": round(peak / 2**20, 1), "rss_growth_mb": round(_rss_mb() - rss_before, 1)}
        assert slot("n") == 0
        get_engine().dispose()
    return out


def main() -> dict[str, Any]:
    databases = os.environ.get("BENCH_NATIONAL_DATABASES", "sqlite,postgresql").split(",")
    repeat = int(os.environ.get("BENCH_NATIONAL_REPEAT", "3"))
    shapes = [(100, 12), (50, 12), (25, 12), (100, 6), (100, 3)]
    result: dict[str, Any] = {"machine": common.machine(), "repeat": repeat, "provinces": PROVINCES, "runs": []}
    base = base_vectors()
    pg = common.postgres() if "postgresql" in databases else None
    pg_url = pg.__enter__() if pg is not None else None
    try:
        with tempfile.TemporaryDirectory(prefix="bench-national-") as tmp:
            for communes, n_months in shapes:
                months = MONTHS[:n_months]
                expected_n = int(
                    sum(base[(np.arange(communes) + 7 * p) % base.shape[0], :n_months, 0].sum() for p in range(PROVINCES))
                )
                for db in databases:
                    if db == "sqlite":
                        url = f"sqlite:///{tmp}/national-{communes}-{n_months}.sqlite"
                    else:
                        url = common.pg_create_database(pg_url, f"bench_national_{communes}_{n_months}")  # type: ignore[arg-type]
                    entry: dict[str, Any] = {"database": db, "communes_per_province": communes, "months": n_months,
                                             "loadavg_before": common.loadavg(), "responses": expected_n}
                    entry.update(build(url, communes, months, base))
                    entry.update(measure(url, months, repeat, expected_n))
                    entry["loadavg_after"] = common.loadavg()
                    common.log(
                        f"national {db} {communes} communes x {n_months} months: report {entry['report']['median_s'] * 1000:.0f} ms "
                        f"(sql floor {entry['sql_floor']['median_s'] * 1000:.0f} ms), peak {entry['memory']['tracemalloc_peak_mb']} MB, "
                        f"check {entry['check']['ok']}"
                    )
                    result["runs"].append(entry)
                    if db == "sqlite":
                        Path(f"{tmp}/national-{communes}-{n_months}.sqlite").unlink(missing_ok=True)
    finally:
        if pg is not None:
            pg.__exit__(None, None, None)
    common.save_result("national", result)
    return result


if __name__ == "__main__":
    main()
