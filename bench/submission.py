"""Submission throughput: the citizen's form path under load, beside a minimal baseline.

    .venv/bin/python -m bench.submission            # both databases, 1/8/32 clients
    BENCH_DURATION=10 BENCH_DATABASES=sqlite .venv/bin/python -m bench.submission

For each database (a fresh SQLite file; a throwaway PostgreSQL server):
  1. the product: `flask init-db` + `flask load-demo --months 1`, gunicorn with gunicorn.conf.py,
     32 real GETs of /s/TT-Q01 give 32 (session cookie, csrf_token) pairs, then wrk POSTs the full
     questionnaire (22 criteria, facts, overall, expect, comment, respondent) to /s/TT-Q01 at 1, 8
     and 32 connections; every reply other than 303 is an error;
  2. the baseline (bench/baseline_app.py): the same body to a Flask endpoint that inserts one row
     of the same shape, same gunicorn settings, same kind of database.
Writes bench/results/submission.json.
"""
from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from bench import common

COUNTER = "TT-Q01"
PROCEDURE = "1.001193"
CONNECTIONS = (1, 8, 32)
PAIRS = 32
LUA = common.BENCH / "post_form.lua"
COMMENT = (
    "Cán bộ hướng dẫn nhiệt tình, chu đáo. Tuy nhiên thời gian chờ hơi lâu, phòng chờ nóng, "
    "đề nghị bố trí thêm ghế ngồi và quạt; nên niêm yết phí, lệ phí rõ ràng hơn ở cửa ra vào."
)


def questionnaire(csrf_token: str, procedure: str = PROCEDURE) -> list[tuple[str, str]]:
    """Every item of sipas-full answered, as the browser posts it."""
    fields: list[tuple[str, str]] = [
        ("csrf_token", csrf_token),
        ("procedure", procedure),
        ("submit_channel", "direct"),
        ("receive_channel", "direct"),
        ("trips", "1"),
        ("slip", "yes"),
        ("ontime", "late"),
        ("apology", "yes"),
        ("harassment", "none"),
        ("extra_payment", "no"),
    ]
    scores = "5445435454455434545454"
    fields += [(f"TC{i:02d}", scores[i - 1]) for i in range(1, 23)]
    fields += [("overall", "4"), ("expect", "time"), ("expect", "facilities"), ("expect", "online")]
    fields += [("comment", COMMENT), ("respondent_type", "individual"), ("gender", "female"), ("age_group", "40-59")]
    return fields


def fetch_pairs(base: str, count: int) -> list[tuple[str, str]]:
    """(Cookie header, csrf_token) pairs from real GETs of the form."""
    pairs = []
    for _ in range(count):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with opener.open(f"{base}/s/{COUNTER}", timeout=30) as response:
            html = response.read().decode()
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
        if not match:
            raise RuntimeError("no csrf_token in the form")
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        if not cookie:
            raise RuntimeError("the form set no session cookie")
        pairs.append((cookie, match.group(1)))
    return pairs


def demo_procedures() -> list[str]:
    with open(common.ROOT / "surveyapp" / "demo_data" / "procedures.csv", encoding="utf-8") as f:
        return [line.split(",", 1)[0] for line in f.read().splitlines()[1:] if line]


def write_bodies(pairs: list[tuple[str, str]], path: Path) -> int:
    """One body per pair. By default all name the same procedure: every POST adds to the same
    aggregate row, the worst case. BENCH_SPREAD_PROCEDURES=1 (an experiment, not the benchmark)
    gives each pair a different procedure of the demo catalogue instead."""
    spread = os.environ.get("BENCH_SPREAD_PROCEDURES") == "1"
    codes = demo_procedures() if spread else [PROCEDURE]
    lines = []
    size = 0
    for i, (cookie, token) in enumerate(pairs):
        body = urllib.parse.urlencode(questionnaire(token, codes[i % len(codes)]))
        size = len(body.encode())
        lines.append(f"{cookie}\t{body}")
    path.write_text("\n".join(lines) + "\n")
    return size


def check_one(base: str, cookie: str, body: str) -> int:
    """One POST by hand before the load: it must answer 303 (else the run is meaningless)."""
    request = urllib.request.Request(
        f"{base}/s/{COUNTER}", data=body.encode(), method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def app_env(database_url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "SECRET_KEY": common.SECRET_KEY,
        "RATE_LIMIT_SUBMISSIONS": common.BENCH_RATE_LIMIT,
        "PUBLIC_BASE_URL": "http://127.0.0.1",
    }


def prepare_product_db(database_url: str) -> None:
    env = {**os.environ, **app_env(database_url)}
    flask = [common.PYTHON, "-m", "flask", "--app", "surveyapp"]
    subprocess.run(flask + ["init-db"], cwd=common.ROOT, env=env, check=True, capture_output=True, timeout=300)
    subprocess.run(flask + ["load-demo", "--months", "1"], cwd=common.ROOT, env=env, check=True, capture_output=True, timeout=300)


def prepare_baseline_db(database_url: str) -> None:
    env = {**os.environ, "BASELINE_DATABASE_URL": database_url}
    subprocess.run([common.PYTHON, "-m", "bench.baseline_app"], cwd=common.ROOT, env=env, check=True, capture_output=True, timeout=120)


def load_series(name: str, server: common.Server, bodies: Path, duration: int) -> list[dict[str, Any]]:
    env = {"BENCH_BODIES": str(bodies)}
    # Warm-up: every worker imports, connects and renders once before anything is measured.
    run = common.run_wrk(f"{server.base}/s/{COUNTER}", LUA, 8, 2, env=env)
    common.log(f"{name}: warm-up {run['requests']} requests, statuses {run['statuses']}")
    series = []
    for connections in CONNECTIONS:
        run = common.run_wrk(f"{server.base}/s/{COUNTER}", LUA, connections, duration, env=env)
        run["loadavg_after"] = common.loadavg()
        if not os.environ.get("BENCH_KEEP_RAW"):
            run.pop("raw", None)
        common.log(f"{name} c={connections}: {run['rps']:.0f} req/s, p50 {run['p50_ms']} ms, p99 {run['p99_ms']} ms, errors {run['errors']} {run['statuses']}")
        series.append(run)
    return series


def bench_database(kind: str, url_product: str, url_baseline: str, workdir: Path, duration: int) -> dict[str, Any]:
    common.log(f"{kind}: preparing the product database")
    started = time.monotonic()
    prepare_product_db(url_product)
    prepare_baseline_db(url_baseline)
    common.log(f"{kind}: databases ready in {time.monotonic() - started:.1f} s")
    out: dict[str, Any] = {"database": kind}

    with common.Server("surveyapp:create_app()", app_env(url_product), f"/s/{COUNTER}", log_name=f"app-{kind}") as server:
        pairs = fetch_pairs(server.base, PAIRS)
        bodies = workdir / f"bodies-{kind}.txt"
        out["body_bytes"] = write_bodies(pairs, bodies)
        first = bodies.read_text().splitlines()[0].split("\t", 1)
        status = check_one(server.base, first[0], first[1])
        if status != 303:
            raise RuntimeError(f"a hand-made POST of the questionnaire answered {status}, not 303; see {server.log_path}")
        out["gunicorn_command"] = " ".join(server.cmd)
        out["product"] = load_series(f"{kind} product", server, bodies, duration)

    with common.Server("bench.baseline_app:create_app()", {"BASELINE_DATABASE_URL": url_baseline}, "/healthz", log_name=f"baseline-{kind}") as server:
        out["baseline"] = load_series(f"{kind} baseline", server, bodies, duration)

    for product, baseline in zip(out["product"], out["baseline"], strict=True):
        product["ratio_to_baseline"] = round(product["rps"] / baseline["rps"], 3) if baseline["rps"] else None
    return out


def main() -> dict[str, Any]:
    duration = int(os.environ.get("BENCH_DURATION", "15"))
    databases = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
    common.ensure_wrk()
    result: dict[str, Any] = {
        "machine": common.machine(),
        "duration_s": duration,
        "counter": COUNTER,
        "rate_limit_setting": f"RATE_LIMIT_SUBMISSIONS={common.BENCH_RATE_LIMIT}",
        "gunicorn_conf": str(common.GUNICORN_CONF.relative_to(common.ROOT)) if common.GUNICORN_CONF.exists() else None,
        "workers": int(os.environ.get("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1)),
        "runs": [],
    }
    with tempfile.TemporaryDirectory(prefix="bench-submit-") as tmp:
        workdir = Path(tmp)
        if "sqlite" in databases:
            result["runs"].append(
                bench_database("SQLite", f"sqlite:///{workdir}/app.sqlite", f"sqlite:///{workdir}/baseline.sqlite", workdir, duration)
            )
        if "postgresql" in databases:
            with common.postgres() as server_url:
                product = common.pg_create_database(server_url, "bench_app")
                baseline = common.pg_create_database(server_url, "bench_baseline")
                result["runs"].append(bench_database("PostgreSQL", product, baseline, workdir, duration))
    common.save_result("submission", result)
    return result


if __name__ == "__main__":
    main()
