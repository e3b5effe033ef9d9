"""The citizen's POST beside the baseline, interleaved in one run (issue 17, deliverable 1).

    .venv/bin/python -m bench.submission_path
    BENCH_DATABASES=sqlite BENCH_DURATION=5 BENCH_ROUNDS=3 .venv/bin/python -m bench.submission_path
    BENCH_PARTS=inproc .venv/bin/python -m bench.submission_path     # only the in-process part

The machine is shared, so product and baseline are never measured minutes apart: each round
measures one, then the other, and ratios are taken within a round, then the median over rounds.
For each database (a fresh SQLite file; a throwaway PostgreSQL server):

1. **In process**: BENCH_INPROC_POSTS POSTs of the full questionnaire through Flask's test
   client (product: CSRF on, a real token), then as many to the baseline (bench/baseline_app.py),
   alternated BENCH_ROUNDS times; median time per POST and the ratio.
2. **Over HTTP**: the applications served at once by gunicorn with gunicorn.conf.py (same
   number of workers); per round and per client count (8, 32) wrk runs the product for
   BENCH_DURATION seconds, then the bare product, then the baseline; every reply other than 303
   is an error. The bare product (bench/bare_product_app.py, its own database) is the product
   without aggregates and rate limit: the upper bound of any redesign of those two.
3. **Exact aggregates**: `flask rebuild-aggregates --check` on the product's database after the
   load (exit 0: every tally slot and rollup equals a recount of the stored responses).

Writes bench/results/submission_path.json (with the load average before and after each run).
"""
from __future__ import annotations

import os
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import common
from bench.submission import (
    COUNTER,
    LUA,
    PAIRS,
    app_env,
    check_one,
    fetch_pairs,
    prepare_baseline_db,
    prepare_product_db,
    questionnaire,
    write_bodies,
)

CONNECTIONS = (8, 32)


def _per_post_ms(client: Any, path: str, body: dict[str, Any] | list[tuple[str, str]], posts: int) -> float:
    started = time.perf_counter()
    for _ in range(posts):
        reply = client.post(path, data=body)
        if reply.status_code != 303:
            raise RuntimeError(f"in-process POST answered {reply.status_code}")
    return (time.perf_counter() - started) / posts * 1000


def in_process(url_product: str, url_baseline: str, rounds: int, posts: int) -> dict[str, Any]:
    from werkzeug.datastructures import MultiDict

    from bench.baseline_app import create_app as create_baseline
    from surveyapp import create_app

    product = create_app({**app_env(url_product), "REQUEST_LOG": False, "TESTING": False})
    product_client = product.test_client()
    html = product_client.get(f"/s/{COUNTER}").get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no csrf_token in the form")
    body = MultiDict(questionnaire(match.group(1)))
    os.environ["BASELINE_DATABASE_URL"] = url_baseline
    baseline_client = create_baseline().test_client()
    _per_post_ms(product_client, f"/s/{COUNTER}", body, 20)  # warm-up: copies, parsed definition, pools
    _per_post_ms(baseline_client, f"/s/{COUNTER}", body, 20)
    runs = []
    for _ in range(rounds):
        load = common.loadavg()
        product_ms = _per_post_ms(product_client, f"/s/{COUNTER}", body, posts)
        baseline_ms = _per_post_ms(baseline_client, f"/s/{COUNTER}", body, posts)
        runs.append({"product_ms": round(product_ms, 3), "baseline_ms": round(baseline_ms, 3),
                     "ratio": round(product_ms / baseline_ms, 2), "loadavg_before": load})
        common.log(f"in process: product {product_ms:.2f} ms, baseline {baseline_ms:.2f} ms per POST")
    return {
        "posts_per_run": posts,
        "runs": runs,
        "median_product_ms": round(statistics.median(r["product_ms"] for r in runs), 3),
        "median_baseline_ms": round(statistics.median(r["baseline_ms"] for r in runs), 3),
        "median_ratio": round(statistics.median(r["ratio"] for r in runs), 2),
    }


def over_http(
    url_product: str, url_bare: str, url_baseline: str, workdir: Path, kind: str, rounds: int, duration: int
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with common.Server("surveyapp:create_app()", {**app_env(url_product), "REQUEST_LOG": "0"}, f"/s/{COUNTER}",
                       log_name=f"path-app-{kind}") as product, \
            common.Server("bench.bare_product_app:create_app()", {**app_env(url_bare), "REQUEST_LOG": "0"},
                          f"/s/{COUNTER}", log_name=f"path-bare-{kind}") as bare, \
            common.Server("bench.baseline_app:create_app()", {"BASELINE_DATABASE_URL": url_baseline}, "/healthz",
                          log_name=f"path-baseline-{kind}") as baseline:
        pairs = fetch_pairs(product.base, PAIRS)
        bodies = workdir / f"path-bodies-{kind}.txt"
        write_bodies(pairs, bodies)
        cookie, body = bodies.read_text().splitlines()[0].split("\t", 1)
        if check_one(product.base, cookie, body) != 303 or check_one(bare.base, cookie, body) != 303:
            raise RuntimeError("a hand-made POST of the questionnaire was not stored")
        env = {"BENCH_BODIES": str(bodies)}
        for server in (product, bare, baseline):  # warm-up: every worker imports, connects, fills its copies
            common.run_wrk(f"{server.base}/s/{COUNTER}", LUA, 8, 2, env=env)
        out["gunicorn_command"] = " ".join(product.cmd)
        series: dict[int, list[dict[str, Any]]] = {c: [] for c in CONNECTIONS}
        for _ in range(rounds):
            for connections in CONNECTIONS:
                pair: dict[str, Any] = {"loadavg_before": common.loadavg()}
                for name, server in (("product", product), ("bare", bare), ("baseline", baseline)):
                    run = common.run_wrk(f"{server.base}/s/{COUNTER}", LUA, connections, duration, env=env)
                    run.pop("raw", None)
                    pair[name] = {k: run[k] for k in ("rps", "p50_ms", "p99_ms", "errors", "statuses", "requests")}
                pair["ratio"] = round(pair["product"]["rps"] / pair["baseline"]["rps"], 3) if pair["baseline"]["rps"] else None
                pair["bare_ratio"] = round(pair["bare"]["rps"] / pair["baseline"]["rps"], 3) if pair["baseline"]["rps"] else None
                pair["loadavg_after"] = common.loadavg()
                series[connections].append(pair)
                common.log(
                    f"{kind} c={connections}: product {pair['product']['rps']:.0f} req/s p99 {pair['product']['p99_ms']} ms, "
                    f"bare {pair['bare']['rps']:.0f} req/s, baseline {pair['baseline']['rps']:.0f} req/s "
                    f"p99 {pair['baseline']['p99_ms']} ms, ratio {pair['ratio']} (bare {pair['bare_ratio']})"
                )
        out["series"] = {
            str(c): {
                "runs": runs,
                "median_ratio": statistics.median(r["ratio"] for r in runs if r["ratio"] is not None),
                "median_product_rps": statistics.median(r["product"]["rps"] for r in runs),
                "median_baseline_rps": statistics.median(r["baseline"]["rps"] for r in runs),
                "median_bare_rps": statistics.median(r["bare"]["rps"] for r in runs),
                "median_bare_ratio": statistics.median(r["bare_ratio"] for r in runs if r["bare_ratio"] is not None),
                "median_product_p99_ms": statistics.median(r["product"]["p99_ms"] for r in runs),
                "median_baseline_p99_ms": statistics.median(r["baseline"]["p99_ms"] for r in runs),
                "errors": sum(r["product"]["errors"] + r["baseline"]["errors"] for r in runs),
                "bare_errors": sum(r["bare"]["errors"] for r in runs),
            }
            for c, runs in series.items()
        }
    return out


def aggregates_exact(url_product: str) -> dict[str, Any]:
    env = {**os.environ, **app_env(url_product)}
    flask = [common.PYTHON, "-m", "flask", "--app", "surveyapp", "rebuild-aggregates", "--check"]
    done = subprocess.run(flask, cwd=common.ROOT, env=env, capture_output=True, text=True, timeout=600)
    return {"command": "flask --app surveyapp rebuild-aggregates --check", "exit_code": done.returncode,
            "output": (done.stdout + done.stderr)[-500:]}


def bench_database(kind: str, url_product: str, url_bare: str, url_baseline: str, workdir: Path) -> dict[str, Any]:
    rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    duration = int(os.environ.get("BENCH_DURATION", "5"))
    posts = int(os.environ.get("BENCH_INPROC_POSTS", "300"))
    prepare_product_db(url_product)
    prepare_baseline_db(url_baseline)
    result: dict[str, Any] = {"database": kind, "rounds": rounds, "duration_s": duration}
    parts = os.environ.get("BENCH_PARTS", "inproc,http").split(",")
    if "inproc" in parts:
        result["in_process"] = in_process(url_product, url_baseline, rounds, posts)
    if "http" in parts:
        prepare_product_db(url_bare)
        result["http"] = over_http(url_product, url_bare, url_baseline, workdir, kind, rounds, duration)
    result["rebuild_aggregates_check"] = aggregates_exact(url_product)
    common.log(f"{kind}: rebuild-aggregates --check exit {result['rebuild_aggregates_check']['exit_code']}")
    return result


def main() -> dict[str, Any]:
    databases = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
    common.ensure_wrk()
    result: dict[str, Any] = {
        "machine": common.machine(),
        "workers": int(os.environ.get("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1)),
        "rate_limit_setting": f"RATE_LIMIT_SUBMISSIONS={common.BENCH_RATE_LIMIT}",
        "runs": [],
    }
    with tempfile.TemporaryDirectory(prefix="bench-path-") as tmp:
        workdir = Path(tmp)
        if "sqlite" in databases:
            result["runs"].append(bench_database(
                "SQLite", f"sqlite:///{workdir}/app.sqlite", f"sqlite:///{workdir}/bare.sqlite",
                f"sqlite:///{workdir}/baseline.sqlite", workdir))
        if "postgresql" in databases:
            with common.postgres() as server_url:
                product = common.pg_create_database(server_url, "bench_app")
                bare = common.pg_create_database(server_url, "bench_bare")
                baseline = common.pg_create_database(server_url, "bench_baseline")
                result["runs"].append(bench_database("PostgreSQL", product, bare, baseline, workdir))
    result["machine"]["loadavg_end"] = common.loadavg()
    common.save_result("submission_path", result)
    return result


if __name__ == "__main__":
    main()


TARGET_RATIO = 0.4  # product / baseline req/s at 8 and 32 clients
TARGET_P99_MS = 150.0  # at 32 clients
TARGET_INPROC_RATIO = 4.0  # one POST in process, product / baseline


def _bare(series: dict[str, Any]) -> str:
    if "median_bare_rps" not in series:
        return "–"
    return f"{series['median_bare_rps']:,.0f} ({series['median_bare_ratio']:.2f})"


def render(result: dict[str, Any] | None) -> tuple[list[str], list[tuple[str, str, bool | None]]]:
    """The section of docs/BENCHMARKS.md (bench/run_all.py) and its verdicts."""
    lines = ["## The citizen's POST beside the baseline, interleaved (issue 17, item 1)", ""]
    if not result or not result.get("runs"):
        lines += ["_No result: the submission-path benchmark did not run or failed._", ""]
        return lines, [("Submission path (issue 17)", "not measured", None)]
    first = result["runs"][0]
    lines += [
        "```sh",
        ".venv/bin/python -m bench.submission_path   # BENCH_ROUNDS (3), BENCH_DURATION (5 s), BENCH_INPROC_POSTS (300)",
        "```",
        "",
        f"* Rounds: {first['rounds']}; in each, the product then the baseline (`bench/baseline_app.py`): "
        f"{first.get('in_process', {}).get('posts_per_run', '?')} POSTs of the full questionnaire through Flask's test "
        "client (product: CSRF on, a real token), then over HTTP both served at once by `gunicorn.conf.py` "
        f"({result['workers']} sync workers) with wrk POSTing for {first['duration_s']} s per client count. "
        "Ratios are taken within a round, then the median over rounds; the load average is recorded beside each pair.",
        f"* Rate limit raised out of reach (`{result['rate_limit_setting']}`): every wrk request comes from 127.0.0.1, "
        "and the limiter's read and upsert still run on every POST.",
        "* After the load, `flask rebuild-aggregates --check` recounts every tally slot and rollup from the stored "
        "responses (exit 0: exact).",
        "* **Bare product** (`bench/bare_product_app.py`, its own database, measured between the product and the "
        "baseline in each round): the product's own POST with its aggregates and its rate limit taken off, everything "
        "else (session, CSRF, look-up copies, validation, the response's INSERT, the commit) unchanged. Its ratio is "
        "the most any redesign of those two parts (aggregates folded in by a job, a limiter kept elsewhere) could reach.",
        "",
        "| database | in process: product / baseline per POST | ratio | clients | product req/s | baseline req/s "
        "| ratio | bare product req/s (ratio) | p99 product / baseline ms | errors | load before | aggregates exact |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    verdicts: list[tuple[str, str, bool | None]] = []
    for run in result["runs"]:
        db = run["database"]
        inproc = run.get("in_process")
        exact = run.get("rebuild_aggregates_check", {}).get("exit_code") == 0
        series = run.get("http", {}).get("series", {})
        for index, (clients, s) in enumerate(sorted(series.items(), key=lambda item: int(item[0]))):
            loads = ", ".join(r["loadavg_before"].split()[0] for r in s["runs"])
            head = (f"| {db} | {inproc['median_product_ms']} / {inproc['median_baseline_ms']} ms | {inproc['median_ratio']} ×"
                    if inproc and index == 0 else "| | | ")
            lines.append(
                f"{head} | {clients} | {s['median_product_rps']:,.0f} | {s['median_baseline_rps']:,.0f} | {s['median_ratio']:.2f} "
                f"| {_bare(s)} | {s['median_product_p99_ms']:,.0f} / {s['median_baseline_p99_ms']:,.0f} | {s['errors']} | {loads} "
                f"| {'yes' if exact else 'NO'} |"
            )
            verdicts.append((
                f"Form POST on {db} at {clients} clients: ≥ {TARGET_RATIO} × baseline req/s, no errors",
                f"{s['median_ratio']:.2f} ×, {s['errors']} errors", s["median_ratio"] >= TARGET_RATIO and s["errors"] == 0,
            ))
            if int(clients) == 32:
                verdicts.append((f"Form POST on {db}: p99 < {TARGET_P99_MS:.0f} ms at 32 clients",
                                 f"{s['median_product_p99_ms']:,.0f} ms", s["median_product_p99_ms"] < TARGET_P99_MS))
        if inproc:
            verdicts.append((f"One POST in process on {db}: ≤ {TARGET_INPROC_RATIO:.0f} × the baseline",
                             f"{inproc['median_ratio']} ×", inproc["median_ratio"] <= TARGET_INPROC_RATIO))
        verdicts.append((f"Aggregates exact after the load on {db} (`rebuild-aggregates --check`)",
                         "exit 0" if exact else "mismatch", exact))
    lines.append("")
    return lines, verdicts
