"""Report speed: a whole province at 100 thousand, 1 million and 10 million responses.

    .venv/bin/python -m bench.reports
    BENCH_REPORT_SIZES=100000,1000000 BENCH_REPORT_DATABASES=sqlite .venv/bin/python -m bench.reports

Synthetic province (seeded numpy, generated in chunks of 1 million): 1 province, 100 child units
(communes and departments), 300 counters (3 per child, traffic skewed), 30 procedures (each
counter serves 8), 4 channels (qr, paper, web on the full form; kiosk on the short form), 12
months. Answers follow a latent-satisfaction model (criteria of one respondent move together).

What the product reads: the monthly reports read the per-group tallies in `response_tally`
(surveyapp/services/reporting/aggregates.py), so the benchmark writes those rows directly (the tally of
each group computed with analysis.tally from the generated answers) instead of posting millions
of forms. The report reads no raw `response` row (response rates come from the tallies too); the
reported month's responses are still inserted as raw rows (all columns, answers stored as "{}")
so that the database holds what a real one would. The same responses stay in memory as
ResponseArrays, sorted by month: the numpy floor is analysis.tally (np.bincount per column) on
those arrays, the same counts the report needs, with no database.

Timed (median of BENCH_REPORT_REPEAT runs after one warm-up, each run in a fresh session):
  * monthly_report(province, month): the province-month report with its 100 children, their
    criteria, the funnel and the response rates; floor: tallies of this and last month by child;
  * trend(province, month, 12): floor: tallies of 12 months by month;
  * child funnel: load_tallies(province, [month], group_by="child") plus the funnel positions and
    limits of analysis.funnel; floor: tallies of the month by child plus the same funnel maths.
Writes bench/results/reports.json.
"""
from __future__ import annotations

import csv
import gc
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from bench import common

SEED = 20261121
N_CHILDREN = 100
COUNTERS_PER_CHILD = 3
N_PROCEDURES = 30
PROCEDURES_PER_COUNTER = 8
CHANNELS = ("qr", "kiosk", "paper", "web")
CHANNEL_WEIGHTS = (0.5, 0.3, 0.1, 0.1)
MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]
REPORT_MONTH = MONTHS[-1]
CHUNK = 1_000_000


# ------------------------------------------------------------------ synthetic data
class Province:
    def __init__(self, rng: np.random.Generator) -> None:
        self.n_counters = N_CHILDREN * COUNTERS_PER_CHILD
        self.counter_child = np.repeat(np.arange(N_CHILDREN), COUNTERS_PER_CHILD)
        weights = rng.pareto(1.5, self.n_counters) + 0.2  # a few busy counters, many quiet ones
        self.counter_p = weights / weights.sum()
        self.counter_quality = rng.normal(0.0, 0.35, self.n_counters)
        self.counter_procs = np.stack([rng.choice(N_PROCEDURES, PROCEDURES_PER_COUNTER, replace=False) for _ in range(self.n_counters)])
        self.n_groups = len(MONTHS) * self.n_counters * PROCEDURES_PER_COUNTER * len(CHANNELS)

    def group_parts(self, g: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """month, counter, procedure slot, channel of dense group numbers."""
        g = np.asarray(g)
        channel = g % len(CHANNELS)
        rest = g // len(CHANNELS)
        pslot = rest % PROCEDURES_PER_COUNTER
        rest //= PROCEDURES_PER_COUNTER
        counter = rest % self.n_counters
        month = rest // self.n_counters
        return month, counter, pslot, channel


_NOISE = None


def _noise_lut() -> np.ndarray:
    """256 equally likely offsets of a N(0, 0.6) draw: random bytes become normal noise cheaply."""
    global _NOISE
    if _NOISE is None:
        from scipy.stats import norm

        _NOISE = (norm.ppf((np.arange(256) + 0.5) / 256) * 0.6).astype(np.float32)
    return _NOISE


def _pick(rng: np.random.Generator, n: int, p: tuple[float, ...]) -> np.ndarray:
    """Codes 1..len(p) drawn with probabilities p (int8)."""
    cdf = np.cumsum(np.asarray(p, np.float32))
    cdf[-1] = 2.0
    return (np.searchsorted(cdf, rng.random(n, dtype=np.float32), side="right") + 1).astype(np.int8)


def generate_chunk(province: Province, rng: np.random.Generator, n: int):  # type: ignore[no-untyped-def]
    """n responses: (ResponseArrays, month, counter, procedure slot, channel)."""
    from analysis.responses import ResponseArrays

    lut = _noise_lut()
    month = rng.integers(0, len(MONTHS), n, dtype=np.int8)
    cdf = np.cumsum(province.counter_p)
    cdf[-1] = 2.0
    counter = np.searchsorted(cdf, rng.random(n)).astype(np.int16)
    pslot = rng.integers(0, PROCEDURES_PER_COUNTER, n, dtype=np.int8)
    channel = (_pick(rng, n, CHANNEL_WEIGHTS) - 1).astype(np.int8)
    kiosk = channel == CHANNELS.index("kiosk")
    full = ~kiosk

    arrays = ResponseArrays.empty(n)
    mood = (rng.standard_normal(n, dtype=np.float32) * np.float32(0.7) + province.counter_quality[counter].astype(np.float32))
    base = np.float32(4.0) + mood
    crit = base[:, None] + lut[rng.integers(0, 256, (n, 22), dtype=np.uint8)]
    crit = np.clip(np.rint(crit), 1, 5).astype(np.int8)
    crit[rng.integers(0, 256, (n, 22), dtype=np.uint8) < 15] = 0  # ~6 % not applicable
    crit[kiosk] = 0
    arrays.criteria[:] = crit
    elem = np.clip(np.rint(base[:, None] + lut[rng.integers(0, 256, (n, 5), dtype=np.uint8)]), 1, 5).astype(np.int8)
    elem[full] = 0
    arrays.element_ratings[:] = elem
    arrays.overall[:] = np.clip(np.rint(base + lut[rng.integers(0, 256, n, dtype=np.uint8)]), 1, 5).astype(np.int8)
    arrays.trips[:] = _pick(rng, n, (0.8, 0.16, 0.04))
    arrays.slip[:] = _pick(rng, n, (0.93, 0.07))
    arrays.harassment[:] = _pick(rng, n, (0.9, 0.09, 0.01))
    ontime = _pick(rng, n, (0.2, 0.65, 0.1, 0.05))
    ontime[kiosk] = 0
    arrays.ontime[:] = ontime
    late = ontime == 3
    arrays.apology[:] = np.where(late, _pick(rng, n, (0.6, 0.4)), 0)
    for item, p in (("extra_payment", (0.97, 0.03)), ("submit_channel", (0.6, 0.35, 0.05)), ("receive_channel", (0.7, 0.2, 0.1))):
        values = _pick(rng, n, p)
        values[kiosk] = 0
        getattr(arrays, item)[:] = values
    expect = rng.integers(0, 256, (n, 10), dtype=np.uint8) < 38  # ~15 % name each area
    expect[kiosk] = False
    arrays.expect[:] = expect
    arrays.expect_asked[:] = full
    return arrays, month, counter, pslot, channel


def generate(total: int, seed: int = SEED) -> dict[str, Any]:
    """All responses (sorted by month, in memory) and the dense per-group tallies."""
    from analysis.responses import ResponseArrays
    from analysis.tally import TALLY_WIDTH, tally

    rng = np.random.default_rng(seed)
    province = Province(rng)
    dense = np.zeros((province.n_groups, TALLY_WIDTH), np.int64)
    parts: list[Any] = []
    keys: list[np.ndarray] = []
    done = 0
    while done < total:
        n = min(CHUNK, total - done)
        arrays, month, counter, pslot, channel = generate_chunk(province, rng, n)
        group = ((month.astype(np.int64) * province.n_counters + counter) * PROCEDURES_PER_COUNTER + pslot) * len(CHANNELS) + channel
        dense += tally(arrays, group, province.n_groups)
        parts.append(arrays)
        keys.append(np.stack([month.astype(np.int16), counter.astype(np.int16), pslot.astype(np.int16), channel.astype(np.int16)]))
        done += n
    arrays = ResponseArrays.concatenate(parts) if len(parts) > 1 else parts[0]
    key = np.concatenate(keys, axis=1)
    order = np.argsort(key[0], kind="stable")  # month-sorted: a month is a contiguous slice
    arrays = arrays.take(order)
    key = key[:, order]
    bounds = np.searchsorted(key[0], np.arange(len(MONTHS) + 1))
    return {"province": province, "dense": dense, "arrays": arrays, "key": key, "month_bounds": bounds, "total": total}


# ------------------------------------------------------------------ the database
def write_organisation(directory: Path, province: Province) -> tuple[Path, Path, Path]:
    units = directory / "units.csv"
    counters = directory / "counters.csv"
    procedures = directory / "procedures.csv"
    with units.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "parent_code"])
        w.writerow(["BENCH", "Tỉnh Benchmark", ""])
        for c in range(N_CHILDREN):
            kind = "Xã" if c < 70 else "Sở"
            w.writerow([f"BENCH-C{c:03d}", f"{kind} số {c + 1}", "BENCH"])
    with counters.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "unit_code"])
        for k in range(province.n_counters):
            w.writerow([f"BENCH-Q{k:03d}", f"Quầy {k + 1}", f"BENCH-C{province.counter_child[k]:03d}"])
    with procedures.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "field"])
        for p in range(N_PROCEDURES):
            w.writerow([f"9.{p:06d}", f"Thủ tục số {p + 1}", f"Lĩnh vực {p % 6 + 1}"])
    return units, counters, procedures


def build_database(url: str, data: dict[str, Any], workdir: Path) -> dict[str, Any]:
    """Migrate, load definitions and the organisation, then the tallies and the month's raw rows."""
    from sqlalchemy import select

    from analysis.sipas import FULL_FORM_ID, KIOSK_FORM_ID
    from surveyapp import create_app, migrate
    from surveyapp.db import get_engine, get_session
    from surveyapp.models import Counter, Procedure
    from surveyapp.models.operations import SLOT_COLUMNS, TALLY_KEY
    from surveyapp.services.organisation.imports import import_counters, import_procedures, import_units
    from surveyapp.services.survey.definitions import current_definition, sync_definitions

    province: Province = data["province"]
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": common.SECRET_KEY})
    timings: dict[str, float] = {}
    with app.app_context():
        started = time.perf_counter()
        migrate.upgrade(get_engine())
        session = get_session()
        sync_definitions(session, Path(app.config["DEFINITIONS_DIR"]))
        for path, importer in zip(write_organisation(workdir, province), (import_units, import_counters, import_procedures), strict=True):
            importer(session, path)
        session.commit()
        counter_ids = dict(session.execute(select(Counter.code, Counter.id)).all())
        counter_unit = dict(session.execute(select(Counter.code, Counter.unit_id)).all())
        procedure_ids = dict(session.execute(select(Procedure.code, Procedure.id)).all())
        full_record = current_definition(session, FULL_FORM_ID)[0]  # type: ignore[index]
        kiosk_record = current_definition(session, KIOSK_FORM_ID)[0]  # type: ignore[index]
        timings["schema_s"] = time.perf_counter() - started

        cid = np.array([counter_ids[f"BENCH-Q{k:03d}"] for k in range(province.n_counters)])
        uid = np.array([counter_unit[f"BENCH-Q{k:03d}"] for k in range(province.n_counters)])
        pid_of_slot = np.array([[procedure_ids[f"9.{p:06d}"] for p in row] for row in province.counter_procs])

        dense: np.ndarray = data["dense"]
        groups = np.flatnonzero(dense[:, 0] > 0)
        month, counter, pslot, channel = province.group_parts(groups)
        definitions = np.where(channel == CHANNELS.index("kiosk"), KIOSK_FORM_ID, FULL_FORM_ID)
        started = time.perf_counter()
        key_rows = list(zip(
            (MONTHS[m] for m in month.tolist()), uid[counter].tolist(), cid[counter].tolist(),
            pid_of_slot[counter, pslot].tolist(), (CHANNELS[c] for c in channel.tolist()), definitions.tolist(), strict=True,
        ))
        values = dense[groups].tolist()
        rows = [k + tuple(v) for k, v in zip(key_rows, values, strict=True)]
        columns = list(TALLY_KEY) + list(SLOT_COLUMNS)
        raw = get_engine().raw_connection()
        try:
            cursor = raw.cursor()
            if get_engine().dialect.name == "postgresql":
                block = "".join("\t".join(map(str, row)) + "\n" for row in rows)
                with cursor.copy(f"COPY response_tally ({', '.join(columns)}) FROM STDIN") as copy:
                    copy.write(block.encode())
            else:
                cursor.executemany(
                    f"INSERT INTO response_tally ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows
                )
            raw.commit()
        finally:
            raw.close()
        timings["tally_rows_s"] = time.perf_counter() - started
        del rows, values, key_rows

        # The per-unit rollups the reports read, summed from those tallies up the unit tree
        # (what every response's transaction keeps up to date, surveyapp/services/reporting/rollups.py).
        from surveyapp.services.reporting import rollups

        started = time.perf_counter()
        rollups.rebuild_from_tallies(session, MONTHS)
        session.commit()
        timings["rollup_rows_s"] = time.perf_counter() - started

        # The reported month's responses as raw rows: not read by the report, but a real database has them.
        started = time.perf_counter()
        lo, hi = data["month_bounds"][len(MONTHS) - 1], data["month_bounds"][len(MONTHS)]
        key = data["key"][:, lo:hi]
        m_counter, m_pslot, m_channel = key[1], key[2], key[3]
        n_raw = hi - lo
        submitted = "2025-12-15 03:00:00"
        kiosk_code = CHANNELS.index("kiosk")
        raw = get_engine().raw_connection()
        try:
            cursor = raw.cursor()
            raw_columns = "uid, definition_pk, definition_id, definition_version, unit_id, counter_id, procedure_id, channel, language, submitted_at, month, answers, comment"
            cu, cc, pp = uid[m_counter].tolist(), cid[m_counter].tolist(), pid_of_slot[m_counter, m_pslot].tolist()
            is_kiosk = (m_channel == kiosk_code).tolist()
            defs = [(kiosk_record if k else full_record) for k in is_kiosk]
            rows_raw = list(zip(
                (f"bench{lo + i:012d}" for i in range(n_raw)), (d.id for d in defs), (d.definition_id for d in defs),
                (d.version for d in defs), cu, cc, pp, (CHANNELS[c] for c in m_channel.tolist()),
                ["vi"] * n_raw, [submitted] * n_raw, [REPORT_MONTH] * n_raw, ["{}"] * n_raw, strict=True,
            ))
            if get_engine().dialect.name == "postgresql":
                text_block = "".join("\t".join(map(str, row)) + "\t\\N\n" for row in rows_raw)
                with cursor.copy(f"COPY response ({raw_columns}) FROM STDIN") as copy:
                    copy.write(text_block.encode())
            else:
                cursor.executemany(f"INSERT INTO response ({raw_columns}) VALUES ({', '.join('?' * 13)})", [r + (None,) for r in rows_raw])
            raw.commit()
            if get_engine().dialect.name == "postgresql":
                driver = raw.driver_connection
                assert driver is not None
                driver.autocommit = True  # VACUUM cannot run inside a transaction
                driver.execute("VACUUM ANALYZE response")
                driver.execute("VACUUM ANALYZE response_tally")
                driver.execute("VACUUM ANALYZE unit_rollup")
                driver.autocommit = False
            else:
                cursor.execute("ANALYZE")
                raw.commit()
        finally:
            raw.close()
        timings["raw_rows_s"] = time.perf_counter() - started
        get_engine().dispose()
    return {"groups": int(len(groups)), "raw_rows": int(n_raw), "load_timings_s": {k: round(v, 2) for k, v in timings.items()}}


# ------------------------------------------------------------------ timing
def timed(fn: Callable[[], Any], repeat: int, warm_up: bool = True) -> dict[str, Any]:
    if warm_up:
        fn()
    runs = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return {"median_s": statistics.median(runs), "min_s": min(runs), "max_s": max(runs), "runs": len(runs)}


def floors(data: dict[str, Any], repeat: int) -> dict[str, Any]:
    """The same counts with numpy on the in-memory arrays (no database): the floor.

    numpy needs no warm-up; at 10 million responses each floor runs 3 times at most, which
    keeps `make bench` inside its budget (one 12-month pass over 10 M rows takes seconds)."""
    repeat = repeat if data["total"] <= 1_000_000 else min(repeat, 3)
    from analysis.funnel import DEFAULT_LEVELS, funnel_limits, funnel_position
    from analysis.tally import slot, tally

    arrays = data["arrays"]
    key = data["key"]
    bounds = data["month_bounds"]
    child_of = data["province"].counter_child
    last = len(MONTHS) - 1

    def report() -> np.ndarray:  # this and last month, by child
        lo, hi = bounds[last - 1], bounds[last + 1]
        part = _slice(arrays, lo, hi)
        group = child_of[key[1, lo:hi]] * 2 + (key[0, lo:hi] - (last - 1))
        return tally(part, group.astype(np.intp), N_CHILDREN * 2)

    def trend() -> np.ndarray:  # 12 months, by month
        return tally(arrays, key[0].astype(np.intp), len(MONTHS))

    def funnel() -> Any:  # this month by child, then the funnel maths
        lo, hi = bounds[last], bounds[last + 1]
        t = tally(_slice(arrays, lo, hi), child_of[key[1, lo:hi]].astype(np.intp), N_CHILDREN)
        n = t[:, slot("overall.1") : slot("overall.5") + 1].sum(axis=1)
        k = t[:, slot("overall.4")] + t[:, slot("overall.5")]
        center = k.sum() / n.sum()
        return funnel_position(k, n, center), funnel_limits(center, n, DEFAULT_LEVELS)

    out = {"report": timed(report, repeat, False), "trend": timed(trend, repeat, False), "funnel": timed(funnel, repeat, False)}
    # The same counts by bench/floor.py (combined bincounts); the floor is the faster of the two.
    from bench.floor import floor_tally

    lo, hi = bounds[last - 1], bounds[last + 1]
    group = (child_of[key[1, lo:hi]] * 2 + (key[0, lo:hi] - (last - 1))).astype(np.intp)
    part = _slice(arrays, lo, hi)
    if not np.array_equal(floor_tally(part, group, N_CHILDREN * 2), tally(part, group, N_CHILDREN * 2)):
        raise AssertionError("bench.floor.floor_tally disagrees with analysis.tally")
    lean = {"report": timed(lambda: floor_tally(part, group, N_CHILDREN * 2), repeat, False)}
    if data["total"] <= 1_000_000:  # its (rows x 22) index array is too heavy for 10 M rows at once
        lean["trend"] = timed(lambda: floor_tally(arrays, key[0].astype(np.intp), len(MONTHS)), repeat, False)
    for name in out:
        out[name]["by"] = "analysis.tally"
    for name, alt in lean.items():
        out[name]["analysis_tally_s"] = out[name]["median_s"]
        out[name]["combined_bincount_s"] = alt["median_s"]
        if alt["median_s"] < out[name]["median_s"]:
            out[name].update({k: alt[k] for k in ("median_s", "min_s", "max_s")})
            out[name]["by"] = "bench.floor.floor_tally"
        else:
            out[name]["by"] = "analysis.tally"
    out["funnel"]["by"] = "analysis.tally + analysis.funnel"
    return out


def _slice(arrays: Any, lo: int, hi: int) -> Any:
    """A zero-copy view of rows lo..hi of ResponseArrays (bypassing the constructor's checks)."""
    view = object.__new__(type(arrays))
    for name, value in vars(arrays).items():
        setattr(view, name, value[lo:hi])
    return view


def product_timings(url: str, repeat: int, expected: dict[str, int]) -> dict[str, Any]:
    from analysis.funnel import DEFAULT_LEVELS, funnel_limits, funnel_position
    from analysis.tally import slot
    from surveyapp import create_app
    from surveyapp.db import get_engine
    from surveyapp.services.organisation.lookups import unit_by_code
    from surveyapp.services.reporting import reports

    app = create_app({
        "DATABASE_URL": url, "SECRET_KEY": common.SECRET_KEY, "WTF_CSRF_ENABLED": False, "REQUEST_LOG": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    })
    out: dict[str, Any] = {}
    with app.test_request_context("/"):
        maker = app.extensions["sqlalchemy_sessionmaker"]

        def run(fn: Callable[[Any], Any]) -> Callable[[], Any]:
            def call() -> Any:
                session = maker()
                try:
                    return fn(session)
                finally:
                    session.close()
            return call

        def province(session: Any) -> Any:
            unit = unit_by_code(session, "BENCH")
            assert unit is not None
            return unit

        # Each timing includes the one look-up of the unit that a report page makes.
        def report(session: Any) -> Any:
            return reports.monthly_report(session, province(session), REPORT_MONTH)

        def trend(session: Any) -> Any:
            return reports.trend(session, province(session), REPORT_MONTH, 12)

        def funnel(session: Any) -> Any:
            unit = province(session)
            tallies = reports.load_tallies(session, unit, [REPORT_MONTH], group_by="child")
            t = np.array([v for (_m, _g), v in tallies.items()])
            n = t[:, slot("overall.1") : slot("overall.5") + 1].sum(axis=1)
            k = t[:, slot("overall.4")] + t[:, slot("overall.5")]
            center = k.sum() / n.sum()
            return funnel_position(k, n, center), funnel_limits(center, n, DEFAULT_LEVELS)

        # Correctness first: the report must count exactly the generated responses.
        result = run(report)()
        got = result.n_responses
        out["check"] = {"report_n": got, "expected_n": expected["month_n"], "ok": got == expected["month_n"]}
        points = run(trend)()
        trend_n = sum(p.n_responses for p in points)
        out["check"]["trend_n"] = trend_n
        out["check"]["trend_expected_n"] = expected["total"]
        out["check"]["ok"] = out["check"]["ok"] and trend_n == expected["total"]
        out["report"] = timed(run(report), repeat)
        out.update(page_timings(app, repeat))
        out["trend"] = timed(run(trend), repeat)
        out["funnel"] = timed(run(funnel), repeat)
        get_engine().dispose()
    return out


def page_timings(app: Any, repeat: int) -> dict[str, Any]:
    """The province overview page as an official gets it (GET, signed in: report, trend, month
    picker, rendering), beside its floor: the plain SQL sums over the rollup rows it needs
    (this and last month for the province and its children, twelve months for the trend),
    sent through the DB-API cursor and fetched.

    Two pages: `page` is the first view after a change (cold: one rollup row's revision is
    raised first, as a response's upsert does, so the report cache's key no longer matches and
    the report is computed and rendered again); `page_warm` is the next view of the unchanged
    period (the computed report and its rendered content come from the cache; the freshness
    key, the page's heading and the rest are still read and rendered)."""
    from sqlalchemy import select

    from surveyapp.db import get_engine, get_session
    from surveyapp.models import Unit, User
    from surveyapp.models.operations import SLOT_COLUMNS
    from surveyapp.periods import months_ending, previous_month
    from surveyapp.services.accounts import accounts

    with app.app_context():
        session = get_session()
        if session.scalar(select(User).where(User.username == "bench-admin")) is None:
            accounts.create_user(session, "bench-admin", "bench-password-1", "admin", None, full_name="Bench")
            session.commit()
        province = session.scalar(select(Unit).where(Unit.code == "BENCH"))
        assert province is not None
        unit_ids = [province.id, *session.scalars(select(Unit.id).where(Unit.parent_id == province.id))]
    client = app.test_client()
    signed_in = client.post("/login", data={"username": "bench-admin", "password": "bench-password-1"})
    assert signed_in.status_code == 302, signed_in.status_code
    url = f"/reports/BENCH/{REPORT_MONTH}"

    def page() -> None:
        reply = client.get(url)
        assert reply.status_code == 200 and len(reply.data) > 10_000

    raise_revision = (
        "UPDATE unit_rollup SET revision = revision + 1 "
        f"WHERE month = '{REPORT_MONTH}' AND unit_id = {province.id} AND shard = 0"
    )

    def changed() -> None:
        """A response's upsert, as far as the cache can tell: the province's row of the month is
        raised by one revision (committed before the timed view)."""
        with app.app_context(), get_engine().begin() as connection:
            connection.exec_driver_sql(raise_revision)

    sums = ", ".join(f"SUM({c})" for c in SLOT_COLUMNS)
    report_months = ", ".join(f"'{m}'" for m in (REPORT_MONTH, previous_month(REPORT_MONTH)))
    trend_months = ", ".join(f"'{m}'" for m in months_ending(REPORT_MONTH, 12))
    statements = [
        f"SELECT month, unit_id, {sums} FROM unit_rollup WHERE month IN ({report_months}) "
        f"AND unit_id IN ({', '.join(map(str, unit_ids))}) GROUP BY month, unit_id",
        f"SELECT month, unit_id, {sums} FROM unit_rollup WHERE month IN ({trend_months}) "
        f"AND unit_id = {province.id} GROUP BY month, unit_id",
    ]

    # The same sums over the fine monthly aggregates (one row per counter × procedure × channel ×
    # questionnaire), i.e. what the page would have to add up without the rollups.
    ids = ", ".join(map(str, unit_ids))
    fine_statements = [
        f"SELECT month, unit_id, {sums} FROM response_tally WHERE month IN ({report_months}) "
        f"AND unit_id IN ({ids}) GROUP BY month, unit_id",
        f"SELECT month, {sums} FROM response_tally WHERE month IN ({trend_months}) "
        f"AND unit_id IN ({ids}) GROUP BY month",
    ]

    def summing(chosen: list[str]) -> Callable[[], int]:
        def sql_sum() -> int:
            with app.app_context():
                raw = get_engine().raw_connection()
                try:
                    cursor = raw.cursor()
                    fetched = 0
                    for statement in chosen:
                        cursor.execute(statement)
                        fetched += len(cursor.fetchall())
                    return fetched
                finally:
                    raw.close()
        return sql_sum

    # Interleaved: a change, the cold page, the warm page, rollup floor, fine floor, repeated, so
    # that load affects all of them alike.
    runs: dict[str, list[float]] = {"page": [], "page_warm": [], "page_sql_sum": [], "page_sql_sum_fine": []}
    jobs = {"page": page, "page_warm": page, "page_sql_sum": summing(statements), "page_sql_sum_fine": summing(fine_statements)}
    for job in jobs.values():
        job()  # warm-up
    for _ in range(repeat):
        changed()
        for name, job in jobs.items():
            started = time.perf_counter()
            job()
            runs[name].append(time.perf_counter() - started)
    out: dict[str, Any] = {
        name: {"median_s": statistics.median(times), "runs_s": times} for name, times in runs.items()
    }
    for name in ("page", "page_warm"):
        out[name]["ratio_to_sql_sum"] = round(out[name]["median_s"] / out["page_sql_sum"]["median_s"], 2)
        out[name]["ratio_to_sql_sum_fine"] = round(out[name]["median_s"] / out["page_sql_sum_fine"]["median_s"], 2)
    out["page"]["view"] = "first view after a change (report computed and rendered)"
    out["page_warm"]["view"] = "next view of the unchanged period (report cache)"
    out["page_parts"] = cold_page_parts(app, page, changed, repeat)
    out["page_parts"]["render_to_sql_sum"] = round(out["page_parts"]["render_median_s"] / out["page_sql_sum"]["median_s"], 2)
    out["page_sql_sum"]["rows"] = summing(statements)()
    out["page_sql_sum_fine"]["rows"] = summing(fine_statements)()
    out["page"]["loadavg"] = common.loadavg()
    return out


def cold_page_parts(app: Any, page: Callable[[], None], changed: Callable[[], None], repeat: int) -> dict[str, Any]:
    """Where a first view after a change spends its time, from extra views measured apart from the
    timed ones (the hooks cost a little): the Jinja templates' rendering (outermost
    `Template.render` calls: the report's body and the page around it, Babel's number formatting
    included) and the statements' execution (SQLAlchemy's cursor events: on SQLite the rows are
    fetched later, so this is the execution only). The rest is reading the rows, the statistics
    and Flask."""
    import jinja2
    from sqlalchemy import event

    from surveyapp.db import get_engine

    with app.app_context():
        engine = get_engine()
    spent = {"render": 0.0, "sql": 0.0}
    depth = [0]
    started_at: list[float] = []
    original = jinja2.Template.render

    def render(self: jinja2.Template, *args: Any, **kwargs: Any) -> str:
        depth[0] += 1
        started = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                spent["render"] += time.perf_counter() - started

    def before(*_args: Any) -> None:
        started_at.append(time.perf_counter())

    def after(*_args: Any) -> None:
        spent["sql"] += time.perf_counter() - started_at.pop()

    runs: dict[str, list[float]] = {"total": [], "render": [], "sql": []}
    jinja2.Template.render = render  # type: ignore[method-assign]
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        for _ in range(repeat):
            changed()
            spent.update(render=0.0, sql=0.0)
            started = time.perf_counter()
            page()
            runs["total"].append(time.perf_counter() - started)
            runs["render"].append(spent["render"])
            runs["sql"].append(spent["sql"])
    finally:
        jinja2.Template.render = original  # type: ignore[method-assign]
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    return {f"{name}_median_s": statistics.median(times) for name, times in runs.items()}


def profile_report(url: str) -> str:
    """Where the time of one monthly_report goes (cProfile, top functions by cumulative time)."""
    import cProfile
    import io
    import pstats

    from surveyapp import create_app
    from surveyapp.db import get_engine
    from surveyapp.services.organisation.lookups import unit_by_code
    from surveyapp.services.reporting import reports

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": common.SECRET_KEY})
    with app.test_request_context("/"):
        session = app.extensions["sqlalchemy_sessionmaker"]()
        unit = unit_by_code(session, "BENCH")
        assert unit is not None
        reports.monthly_report(session, unit, REPORT_MONTH)
        profiler = cProfile.Profile()
        profiler.enable()
        reports.monthly_report(session, unit, REPORT_MONTH)
        profiler.disable()
        session.close()
        get_engine().dispose()
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(25)
    return buffer.getvalue()


def main() -> dict[str, Any]:
    sizes = [int(s) for s in os.environ.get("BENCH_REPORT_SIZES", "100000,1000000,10000000").split(",")]
    databases = os.environ.get("BENCH_REPORT_DATABASES", "sqlite,postgresql").split(",")
    repeat = int(os.environ.get("BENCH_REPORT_REPEAT", "5"))
    result: dict[str, Any] = {
        "machine": common.machine(), "repeat": repeat, "month": REPORT_MONTH,
        "structure": {"children": N_CHILDREN, "counters": N_CHILDREN * COUNTERS_PER_CHILD, "procedures": N_PROCEDURES,
                      "procedures_per_counter": PROCEDURES_PER_COUNTER, "channels": list(CHANNELS), "months": len(MONTHS)},
        "sizes": [],
    }
    pg = common.postgres() if "postgresql" in databases else None
    pg_url = pg.__enter__() if pg is not None else None
    try:
        with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
            workdir = Path(tmp)
            for size in sizes:
                started = time.perf_counter()
                data = generate(size)
                generated_s = time.perf_counter() - started
                bounds = data["month_bounds"]
                expected = {"total": size, "month_n": int(bounds[-1] - bounds[-2])}
                common.log(f"{size:,} responses generated in {generated_s:.1f} s ({int((data['dense'][:, 0] > 0).sum()):,} groups)")
                entry: dict[str, Any] = {"loadavg_before": common.loadavg(), "responses": size, "generate_s": round(generated_s, 2), "month_responses": expected["month_n"]}
                entry["floor"] = floors(data, repeat)
                common.log(f"{size:,}: floor report {entry['floor']['report']['median_s'] * 1000:.1f} ms")
                entry["databases"] = {}
                for db in databases:
                    if db == "sqlite":
                        url = f"sqlite:///{workdir}/reports-{size}.sqlite"
                    else:
                        url = common.pg_create_database(pg_url, f"bench_reports_{size}")  # type: ignore[arg-type]
                    loaded = build_database(url, data, workdir)
                    timings = product_timings(url, repeat, expected)
                    timings.update(loaded)
                    for name in ("report", "trend", "funnel"):
                        floor = entry["floor"][name]["median_s"]
                        timings[name]["ratio_to_floor"] = round(timings[name]["median_s"] / floor, 2) if floor else None
                    if size == 1_000_000 and db == "sqlite":
                        entry["profile_sqlite_1m"] = profile_report(url)
                    entry["databases"][db] = timings
                    common.log(
                        f"{size:,} {db}: report {timings['report']['median_s'] * 1000:.1f} ms, trend {timings['trend']['median_s'] * 1000:.1f} ms, "
                        f"funnel {timings['funnel']['median_s'] * 1000:.1f} ms, check {timings['check']}"
                    )
                    if db == "sqlite":
                        for suffix in ("", "-wal", "-shm"):
                            Path(f"{workdir}/reports-{size}.sqlite{suffix}").unlink(missing_ok=True)
                result["sizes"].append(entry)
                del data
                gc.collect()
    finally:
        if pg is not None:
            pg.__exit__(None, None, None)
    common.save_result("reports", result)
    return result


if __name__ == "__main__":
    main()
