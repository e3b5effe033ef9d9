"""Run every benchmark and write docs/BENCHMARKS.md (`make bench`).

    .venv/bin/python -m bench.run_all            # run them all, then write the document
    .venv/bin/python -m bench.run_all --render   # only rewrite the document from bench/results/*.json

Each benchmark runs as its own process (bench.weight, bench.submission, bench.reports,
bench.catalogue, bench.weak_phone, bench.submission_path, bench.memory, bench.startup) with a
hard time limit, so the whole stays under about 25 minutes on 2 cores. A benchmark that fails is
reported as failed in the document; the others still run.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import Any

from bench import catalogue, common, memory, startup, submission_path, weak_phone

DOC = common.ROOT / "docs" / "BENCHMARKS.md"
STEPS = [  # module, time limit in seconds
    ("bench.weight", 120),
    ("bench.submission", 330),
    ("bench.reports", 450),
    ("bench.catalogue", 240),
    ("bench.weak_phone", 240),
    ("bench.submission_path", 600),
    ("bench.memory", 240),
    ("bench.startup", 120),
]
TARGET_P99_MS = 150.0
TARGET_REPORT_S = 1.0
TARGET_REPORT_FLOOR_RATIO = 10.0


def run_steps() -> dict[str, Any]:
    status: dict[str, Any] = {}
    for module, limit in STEPS:
        started = time.monotonic()
        stale = common.RESULTS / f"{module.split('.')[-1]}.json"
        stale.unlink(missing_ok=True)  # never render a previous run's numbers as this run's
        common.log(f"running {module} (limit {limit} s)")
        proc = subprocess.Popen([common.PYTHON, "-m", module], cwd=common.ROOT, start_new_session=True)
        try:
            returncode = proc.wait(timeout=limit)
            ok = returncode == 0
            note = "" if ok else f"exit {returncode}"
        except subprocess.TimeoutExpired:
            ok, note = False, f"stopped after its {limit} s limit"
            proc.terminate()  # SIGTERM: the step stops its own servers (bench/common.py)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # the step's own session only
                proc.wait(timeout=10)
        status[module] = {"ok": ok, "seconds": round(time.monotonic() - started, 1), "note": note}
        common.log(f"{module}: {'ok' if ok else 'FAILED ' + note} in {status[module]['seconds']} s")
    return status


# ------------------------------------------------------------------ rendering
def _ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:,.1f}"


def _kb(n: int) -> str:
    return f"{n / 1024:,.1f}"


def _yes(ok: bool) -> str:
    return "**holds**" if ok else "**does not hold**"


def render(status: dict[str, Any] | None, total_s: float | None) -> str:
    machine = common.machine()
    versions = common.versions()
    weight = common.load_result("weight")
    submission = common.load_result("submission")
    reports = common.load_result("reports")
    lines: list[str] = []
    add = lines.append
    add("# Benchmarks")
    add("")
    add("Written by `make bench` (`bench/run_all.py`); every number below comes from `bench/results/*.json` of the")
    finished = (common.load_result("run_all") or {}).get("finished") or f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    add(f"last run (finished {finished}). The scripts are in `bench/`; each runs alone too.")
    add("These are benchmarks, not tests: nothing here fails a build.")
    add("")
    add("## Machine and versions")
    add("")
    add("| | |")
    add("|---|---|")
    add(f"| CPU | {machine['cpu']} |")
    add(f"| cores | {machine['cores']} |")
    add(f"| memory | {machine['memory_gib']} GiB |")
    add(f"| OS | {machine['os']} (kernel {machine['kernel']}) |")
    for name in ("python", "sqlite", "postgresql", "gunicorn", "flask", "sqlalchemy", "psycopg", "numpy", "chromium", "playwright", "wrk"):
        add(f"| {name} | {versions.get(name, '?')} |")
    add("")
    add("Load on the machine matters on 2 cores: each result records the load average (1/5/15 min) seen when it")
    add("was taken. A load average above ~2 means other work (for example another test suite) shared the CPUs")
    add("with the benchmark, and every time below is then pessimistic.")
    add("")
    if status:
        add("| step | result | seconds |")
        add("|---|---|---|")
        for module, st in status.items():
            add(f"| `{module}` | {'ok' if st['ok'] else 'FAILED: ' + st['note']} | {st['seconds']} |")
        if total_s is not None:
            add(f"| **total** | | **{total_s:.0f}** (limits {sum(limit for _m, limit in STEPS)}) |")
        add("")

    verdicts: list[tuple[str, str, bool | None]] = []

    # ---------------------------------------------------------- submission
    add("## 1. Submission throughput")
    add("")
    if submission:
        add("```sh")
        add(".venv/bin/python -m bench.submission   # BENCH_DURATION (s per run, default 15), BENCH_DATABASES=sqlite,postgresql")
        add("```")
        add("")
        add(f"* Server: gunicorn with `{submission.get('gunicorn_conf') or 'equivalent flags (gunicorn.conf.py absent)'}` "
            f"({submission['workers']} sync workers = 2 × cores + 1), product `surveyapp:create_app()`, baseline "
            "`bench.baseline_app:create_app()` with the same settings. Exact command: "
            f"`{(submission['runs'][0].get('gunicorn_command') if submission['runs'] else '')}` with `GUNICORN_APP`/`GUNICORN_BIND` set.")
        add("* Product database: a fresh SQLite file / a fresh database on a throwaway PostgreSQL server "
            "(`scripts/pg-test-server.sh`: fsync off, as for tests), `flask init-db` + `flask load-demo --months 1`.")
        add(f"* Rate limit: the public submission limit is raised out of reach for the run with `{submission['rate_limit_setting']}` "
            "(every wrk request comes from 127.0.0.1; the limiter's database upsert still runs on every POST).")
        add(f"* Load: `wrk` (separate process on the same 2 cores), {submission['duration_s']} s per run after a 2 s warm-up, "
            f"`-t min(c, cores) -c c --latency -s bench/post_form.lua`, POSTing the full questionnaire "
            f"({submission['runs'][0]['body_bytes'] if submission['runs'] else '?'} bytes urlencoded: 22 criteria, facts, overall, 3 expectations, "
            "a 190-character comment, respondent) to `/s/TT-Q01` with 32 (session cookie, csrf_token) pairs fetched by real GETs first. "
            "Every reply other than `303` counts as an error (as do socket errors).")
        if submission["runs"] and submission["runs"][0]["product"]:
            add(f"* wrk command at 32 clients (port varies; `BENCH_BODIES` names the file of cookie/body pairs): "
                f"`{submission['runs'][0]['product'][-1]['command'].replace(str(common.ROOT) + '/', '')}`")
        add("* Baseline: `bench/baseline_app.py`, a Flask endpoint that parses the same form into the same JSON answers and "
            "INSERTs one row of the same shape into the same kind of database (plain DB-API, one connection per worker), then 303.")
        add("")
        add("| database | clients | product req/s | p50 ms | p99 ms | errors | baseline req/s | p50 ms | p99 ms | errors | product / baseline | load avg after |")
        add("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for run in submission["runs"]:
            for prod, base in zip(run["product"], run["baseline"], strict=True):
                ratio = prod.get("ratio_to_baseline")
                add(f"| {run['database']} | {prod['connections']} | {prod['rps']:,.0f} | {prod['p50_ms']:.1f} | {prod['p99_ms']:.1f} | {prod['errors']} "
                    f"| {base['rps']:,.0f} | {base['p50_ms']:.1f} | {base['p99_ms']:.1f} | {base['errors']} | {ratio:.2f} | {prod.get('loadavg_after', '?')} |")
            at32 = run["product"][-1]
            ok = (at32.get("ratio_to_baseline") or 0) >= 0.5 and (at32["p99_ms"] or 1e9) < TARGET_P99_MS and at32["errors"] == 0
            verdicts.append((
                f"Submission on {run['database']} at 32 clients: ≥ 0.5 × baseline req/s, p99 < 150 ms, no errors",
                f"{at32.get('ratio_to_baseline', 0):.2f} × baseline, p99 {at32['p99_ms']:.0f} ms, {at32['errors']} errors", ok))
        add("")
    else:
        add("_No result: the submission benchmark did not run or failed._")
        add("")
        verdicts.append(("Submission", "not measured", None))

    # ---------------------------------------------------------- reports
    add("## 2. Reports of a whole province")
    add("")
    if reports:
        st = reports["structure"]
        add("```sh")
        add(".venv/bin/python -m bench.reports   # BENCH_REPORT_SIZES, BENCH_REPORT_DATABASES, BENCH_REPORT_REPEAT")
        add("```")
        add("")
        add(f"* Synthetic province (seeded numpy, `bench/reports.py`): 1 province, {st['children']} child units, {st['counters']} counters, "
            f"{st['procedures']} procedures ({st['procedures_per_counter']} per counter), channels {', '.join(st['channels'])} "
            f"(kiosk on the short form), {st['months']} months; answers from a latent-satisfaction model.")
        add("* **What is written**: the reports read the per-group tallies of `response_tally` (month × unit × counter × "
            "procedure × channel × definition), so the benchmark writes those rows directly (each group's tally computed "
            "with `analysis.tally` from the generated answers) instead of posting millions of forms. The report reads no raw "
            "`response` row (response rates come from the tallies' `n` slot too); the reported month's responses are still "
            "inserted as raw rows (answers stored as `{}`) so that the database is the size a real one would be. Before timing, the report's `n_responses` and the "
            "trend's total are checked against the generated counts.")
        add(f"* **Timed** (median of {reports['repeat']} runs after a warm-up, fresh session per run, inside an app context): "
            f"`monthly_report(session, 'BENCH', '{reports['month']}')` (the province-month report with its children, "
            "their criteria, the funnel and response rates); `trend(..., 12)`; the child funnel alone = "
            "`load_tallies(province, [month], group_by='child')` + `analysis.funnel` positions and limits.")
        add("* **Floor**: the same counts with numpy on the responses already in memory (sorted by month), no database: "
            "the faster of `analysis.tally` and `bench/floor.py` (combined bincounts, checked equal to `analysis.tally` slot by slot); "
            "report = this and last month by child, trend = 12 months by month, funnel = this month by child + the funnel maths.")
        add("")
        add("| responses | database | groups stored | report ms | floor ms | ratio | trend ms | floor ms | ratio | funnel ms | floor ms | ratio | counts check | load avg before |")
        add("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for size in reports["sizes"]:
            floor = size["floor"]
            for db, t in size["databases"].items():
                add(f"| {size['responses']:,} | {db} | {t['groups']:,} | {_ms(t['report']['median_s'])} | {_ms(floor['report']['median_s'])} | {t['report']['ratio_to_floor']} "
                    f"| {_ms(t['trend']['median_s'])} | {_ms(floor['trend']['median_s'])} | {t['trend']['ratio_to_floor']} "
                    f"| {_ms(t['funnel']['median_s'])} | {_ms(floor['funnel']['median_s'])} | {t['funnel']['ratio_to_floor']} "
                    f"| {'ok' if t['check']['ok'] else 'WRONG ' + str(t['check'])} | {size.get('loadavg_before', '?')} |")
                if size["responses"] == 1_000_000:
                    ok = t["report"]["median_s"] < TARGET_REPORT_S and (t["report"]["ratio_to_floor"] or 1e9) <= TARGET_REPORT_FLOOR_RATIO and t["check"]["ok"]
                    verdicts.append((f"Province-month report at 1 million responses on {db}: < 1 s and ≤ 10 × the numpy floor",
                                     f"{_ms(t['report']['median_s'])} ms, {t['report']['ratio_to_floor']} × floor", ok))
        add("")
        add("**The province overview page** (issue 13): a signed-in GET of `/reports/BENCH/<month>` through the test "
            "client (report, trend, month picker, the rendered 100-child page), interleaved run by run with its two floors: "
            "the plain SQL sums (DB-API cursor, fetched) over the **rollup rows** it reads (this and last month for the "
            "province and its children, the province's 12 months), and the same sums over the **fine monthly aggregates** "
            "(`response_tally`: what the page would add up without rollups). **Cold**: the first view after a change (a "
            "rollup row's revision raised before each run, as a response does: the report is computed and rendered); "
            "**warm**: the next view of the unchanged period (the report cache's freshness key read, the kept report and "
            "rendered content reused, the heading rendered).")
        add("")
        parts_of_cold: dict[str, Any] = {}
        add("| responses | database | page cold ms | page warm ms | rollup-row SQL ms (rows) | cold / rollup SQL "
            "| warm / rollup SQL | fine-row SQL ms (rows) | cold / fine SQL | load avg |")
        add("|---|---|---|---|---|---|---|---|---|---|")
        for size in reports["sizes"]:
            for db, t in size["databases"].items():
                if "page" not in t:
                    continue
                pg, roll, fine = t["page"], t["page_sql_sum"], t["page_sql_sum_fine"]
                warm = t.get("page_warm")
                add(f"| {size['responses']:,} | {db} | {_ms(pg['median_s'])} | {_ms(warm['median_s']) if warm else '–'} "
                    f"| {_ms(roll['median_s'])} ({roll['rows']}) | {pg['ratio_to_sql_sum']} | {warm['ratio_to_sql_sum'] if warm else '–'} "
                    f"| {_ms(fine['median_s'])} ({fine['rows']}) | {pg['ratio_to_sql_sum_fine']} | {pg.get('loadavg', '?')} |")
                if size["responses"] == 1_000_000:
                    parts_of_cold[db] = t.get("page_parts")
                    page = f"Province overview page at 1 million responses on {db}"
                    verdicts.append((f"{page}, first view after a change: < 300 ms",
                                     f"{_ms(pg['median_s'])} ms", pg["median_s"] < 0.3))
                    verdicts.append((f"{page}, first view after a change: ≤ 2 × the SQL sum over the rollup rows it reads",
                                     f"{pg['ratio_to_sql_sum']} ×", pg["ratio_to_sql_sum"] <= 2))
                    verdicts.append((f"{page}, first view after a change: ≤ 2 × the SQL sum over the fine aggregate rows",
                                     f"{pg['ratio_to_sql_sum_fine']} ×", pg["ratio_to_sql_sum_fine"] <= 2))
                    if warm:
                        verdicts.append((f"{page}, unchanged period (report cache): < 300 ms",
                                         f"{_ms(warm['median_s'])} ms", warm["median_s"] < 0.3))
                        verdicts.append((f"{page}, unchanged period (report cache): ≤ 2 × the SQL sum over the rollup rows it reads",
                                         f"{warm['ratio_to_sql_sum']} ×", warm["ratio_to_sql_sum"] <= 2))
        if any(parts_of_cold.values()):
            add("")
            add("Where a first view after a change spends its time at 1 million responses (further cold views measured "
                "after the timed ones, `bench.reports.cold_page_parts`: the outermost Jinja renders, Babel's number "
                "formatting included, and the statements' execution by SQLAlchemy's cursor events; the rest is reading "
                "the rows, the statistics and Flask). Rendering alone against the rollup-row SQL sum says how close to "
                "it any cold view of this page can come:")
            add("")
            add("| database | cold view ms | rendering ms | rendering / rollup SQL | statements executing ms | the rest ms |")
            add("|---|---|---|---|---|---|")
            for db, p in parts_of_cold.items():
                if p:
                    rest = p["total_median_s"] - p["render_median_s"] - p["sql_median_s"]
                    add(f"| {db} | {_ms(p['total_median_s'])} | {_ms(p['render_median_s'])} | {p['render_to_sql_sum']} × "
                        f"| {_ms(p['sql_median_s'])} | {_ms(rest)} |")
        add("")
        add("Generating and loading the data (not part of any timing):")
        add("")
        add("| responses | generate s | database | schema s | tally rows s | raw rows (reported month) | raw rows s |")
        add("|---|---|---|---|---|---|---|")
        for size in reports["sizes"]:
            for db, t in size["databases"].items():
                lt = t["load_timings_s"]
                add(f"| {size['responses']:,} | {size['generate_s']} | {db} | {lt.get('schema_s')} | {lt.get('tally_rows_s')} | {t['raw_rows']:,} | {lt.get('raw_rows_s')} |")
        add("")
        profile = next((s.get("profile_sqlite_1m") for s in reports["sizes"] if s.get("profile_sqlite_1m")), None)
        if profile:
            add("Where the time of one `monthly_report` goes (SQLite, 1 million responses, cProfile, cumulative):")
            add("")
            add("```")
            add("\n".join(profile.strip().splitlines()[:34]))
            add("```")
            add("")
    else:
        add("_No result: the report benchmark did not run or failed._")
        add("")
        verdicts.append(("Reports", "not measured", None))

    # ---------------------------------------------------------- weight
    add("## 3. Page weight")
    add("")
    if weight:
        add("```sh")
        add(".venv/bin/python -m bench.weight")
        add("```")
        add("")
        add("Headless Chromium (`/usr/bin/chromium` via Playwright, `--no-sandbox --disable-background-networking`), a fresh "
            "context per page (empty cache), against gunicorn. Transfer size = response headers + body as sent "
            "(`Request.sizes()`); the survey page is loaded on a 360 px phone viewport. For the kiosk, the service worker's "
            "own precache fetches are recorded (`PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS=1`) and **counted** in the "
            "total, since a tablet downloads them on first load; the kiosk is loaded unpaired (the pairing screen), so the "
            "definition is not fetched. The service worker's fetches of files the page has just loaded are revalidations "
            "(`Cache-Control: no-cache` → 304 on the wire, headers only), hence their ~700 B. `gzip -6` shows what "
            "compression of each body would give.")
        add("")
        for name, label in (("survey", "Survey page `/s/TT-Q01`"), ("kiosk", "Kiosk app `/kiosk/`")):
            r = weight[name]
            add(f"**{label}**: {r['requests']} requests ({r['requests_by_service_worker']} by the service worker), "
                f"{_kb(r['transfer_bytes'])} KiB transferred, {_kb(r['decoded_bytes'])} KiB decoded; Content-Encoding sent by the server: "
                f"{', '.join(r['compressed_by_server']) or 'none'}; with gzip the bodies would be {_kb(r['gzip6_body_bytes'])} KiB "
                f"(+ {_kb(r['header_bytes'])} KiB headers).")
            upper = sum(max(x["transfer_bytes"], x["header_bytes"] + x["body_bytes_decoded"]) for x in r["resources"])
            if upper != r["transfer_bytes"]:
                add(f"Conservative bound (per request the larger of transferred and headers + decoded body, in case "
                    f"Chromium under-reports a service-worker fetch): {_kb(upper)} KiB.")
            add("")
            add("| status | transferred B | decoded B | gzip -6 B | type | by | URL path |")
            add("|---|---|---|---|---|---|---|")
            for res in r["resources"]:
                path = "/" + res["url"].split("/", 3)[-1]
                add(f"| {res['status']} | {res['transfer_bytes']:,} | {res['body_bytes_decoded']:,} | {res['gzip6_bytes']:,} | {res['content_type'] or '–'} "
                    f"| {'service worker' if res['from_service_worker'] else 'page'} | `{path}` |")
            add("")
        s, k = weight["survey"], weight["kiosk"]
        verdicts.append(("Survey page < 60 KB in all", f"{_kb(s['transfer_bytes'])} KiB ({s['transfer_bytes']:,} B)", s["transfer_bytes"] < 60 * 1024))
        verdicts.append(("Survey page < 6 requests", f"{s['requests']} requests", s["requests"] < 6))
        verdicts.append(("Kiosk app < 200 KB before caching", f"{_kb(k['transfer_bytes'])} KiB, {k['requests']} requests", k["transfer_bytes"] < 200 * 1024))
    else:
        add("_No result: the weight benchmark did not run or failed._")
        add("")
        verdicts.append(("Page weight", "not measured", None))

    # ---------------------------------------------------------- issue 17: catalogue, weak phone
    sections = (
        catalogue.render(common.load_result("catalogue")),
        weak_phone.render(common.load_result("weak_phone")),
        submission_path.render(common.load_result("submission_path")),
        memory.render(common.load_result("memory")),
        startup.render(common.load_result("startup")),
    )
    for section in sections:
        lines.extend(section[0])
        verdicts.extend(section[1])

    # ---------------------------------------------------------- verdicts
    add("## 4. Targets")
    add("")
    add("| target | measured | verdict |")
    add("|---|---|---|")
    for target, measured, ok in verdicts:
        add(f"| {target} | {measured} | {'not measured' if ok is None else _yes(ok)} |")
    add("")
    notes = common.BENCH / "NOTES.md"
    if notes.exists():
        add(notes.read_text().strip())
        add("")
    return "\n".join(lines) + "\n"


def main() -> None:
    started = time.monotonic()
    status = None
    total = None
    if "--render" not in sys.argv:
        status = run_steps()
        total = time.monotonic() - started
        common.save_result("run_all", {"status": status, "total_s": round(total, 1),
                                       "finished": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"})
    else:
        previous = common.load_result("run_all")
        if previous:
            status, total = previous["status"], previous["total_s"]
    DOC.write_text(render(status, total))
    common.log(f"wrote {DOC.relative_to(common.ROOT)}" + (f" after {total:.0f} s" if total else ""))
    if status and not all(step["ok"] for step in status.values()):
        sys.exit(1)  # the document says which step failed; make reports it too


if __name__ == "__main__":
    main()
