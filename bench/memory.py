"""Worker memory: RSS and PSS of each gunicorn worker, 1 and 5 workers (issue 17, deliverable 2).

    .venv/bin/python -m bench.memory

For 1 and then 5 workers, the product (gunicorn.conf.py, a demo SQLite database) and the baseline
(bench/baseline_app.py) are started, warmed up with the citizen's path (GETs of the form, then
wrk POSTing the full questionnaire at 4 connections per worker for BENCH_MEMORY_WARMUP seconds,
so every worker serves requests), and each process's /proc/<pid>/smaps_rollup is read:

* RSS: the pages a process has in memory, shared ones counted in full in every process;
* PSS: each shared page divided among the processes sharing it, so the PSS of all workers adds
  up to the memory they really take together.

`numpy_loaded` says whether a worker has numpy mapped (it should not after serving the form:
reports and exports import it when they need it). Writes bench/results/memory.json.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import common
from bench.submission import COUNTER, LUA, app_env, fetch_pairs, prepare_baseline_db, prepare_product_db, write_bodies

WORKER_COUNTS = (1, 5)


def smaps_rollup(pid: int) -> dict[str, int]:
    """kB fields of /proc/<pid>/smaps_rollup (Rss, Pss, Shared_Clean, Private_Dirty, ...)."""
    values: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[-1] == "kB":
            values[name.strip()] = int(parts[0])
    return values


def numpy_loaded(pid: int) -> bool:
    try:
        return "numpy" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def worker_pids(master: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def measure(server: common.Server, expected: int) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while len(worker_pids(server.proc.pid)) < expected and time.monotonic() < deadline:
        time.sleep(0.2)
    workers = []
    for pid in worker_pids(server.proc.pid):
        rollup = smaps_rollup(pid)
        workers.append({"pid": pid, "rss_mb": round(rollup["Rss"] / 1024, 1), "pss_mb": round(rollup["Pss"] / 1024, 1),
                        "private_mb": round((rollup.get("Private_Clean", 0) + rollup.get("Private_Dirty", 0)) / 1024, 1),
                        "numpy_loaded": numpy_loaded(pid)})
    master = smaps_rollup(server.proc.pid)
    return {
        "workers": workers,
        "master_rss_mb": round(master["Rss"] / 1024, 1),
        "master_pss_mb": round(master["Pss"] / 1024, 1),
        "sum_worker_rss_mb": round(sum(w["rss_mb"] for w in workers), 1),
        "sum_worker_pss_mb": round(sum(w["pss_mb"] for w in workers), 1),
        "total_pss_mb": round(sum(w["pss_mb"] for w in workers) + master["Pss"] / 1024, 1),
    }


def main() -> dict[str, Any]:
    warmup = int(os.environ.get("BENCH_MEMORY_WARMUP", "4"))
    common.ensure_wrk()
    result: dict[str, Any] = {"machine": common.machine(), "warmup_s": warmup, "runs": []}
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        workdir = Path(tmp)
        product_url, baseline_url = f"sqlite:///{workdir}/app.sqlite", f"sqlite:///{workdir}/baseline.sqlite"
        prepare_product_db(product_url)
        prepare_baseline_db(baseline_url)
        bodies = workdir / "bodies.txt"
        for count in WORKER_COUNTS:
            entry: dict[str, Any] = {"workers": count}
            with common.Server("surveyapp:create_app()", {**app_env(product_url), "REQUEST_LOG": "0"}, f"/s/{COUNTER}",
                               workers=count, log_name=f"memory-app-{count}") as server:
                write_bodies(fetch_pairs(server.base, 4 * count), bodies)
                common.run_wrk(f"{server.base}/s/{COUNTER}", LUA, 4 * count, warmup, env={"BENCH_BODIES": str(bodies)})
                entry["product"] = measure(server, count)
            with common.Server("bench.baseline_app:create_app()", {"BASELINE_DATABASE_URL": baseline_url}, "/healthz",
                               workers=count, log_name=f"memory-baseline-{count}") as server:
                common.run_wrk(f"{server.base}/s/{COUNTER}", LUA, 4 * count, warmup, env={"BENCH_BODIES": str(bodies)})
                entry["baseline"] = measure(server, count)
            entry["loadavg"] = common.loadavg()
            common.log(
                f"{count} worker(s): product PSS {entry['product']['sum_worker_pss_mb']} MB "
                f"(RSS {entry['product']['sum_worker_rss_mb']} MB), baseline PSS {entry['baseline']['sum_worker_pss_mb']} MB"
            )
            result["runs"].append(entry)
    one, five = result["runs"][0]["product"], result["runs"][-1]["product"]
    single = one["sum_worker_pss_mb"]
    result["five_workers_over_one"] = {
        "pss_ratio": round(five["sum_worker_pss_mb"] / single, 2) if single else None,
        "rss_ratio": round(five["sum_worker_rss_mb"] / one["sum_worker_rss_mb"], 2) if one["sum_worker_rss_mb"] else None,
    }
    common.save_result("memory", result)
    return result


if __name__ == "__main__":
    main()


TARGET_PSS_RATIO = 5.0  # "5 workers well under 5 x one worker's memory"


def render(result: dict[str, Any] | None) -> tuple[list[str], list[tuple[str, str, bool | None]]]:
    """The section of docs/BENCHMARKS.md (bench/run_all.py) and its verdicts."""
    lines = ["## Worker memory (issue 17, item 2)", ""]
    if not result or not result.get("runs"):
        lines += ["_No result: the memory benchmark did not run or failed._", ""]
        return lines, [("Worker memory", "not measured", None)]
    lines += [
        "```sh",
        ".venv/bin/python -m bench.memory   # BENCH_MEMORY_WARMUP (s of wrk POSTs per run)",
        "```",
        "",
        "* gunicorn with `gunicorn.conf.py` (the master imports the shared third-party libraries and freezes them "
        "out of the garbage collector before forking), a demo SQLite database; each worker warmed up with GETs of the "
        f"form and {result['warmup_s']} s of wrk POSTs. `/proc/<pid>/smaps_rollup` of every process: RSS counts shared "
        "pages in full in each process, PSS divides them among the sharers (so PSS adds up).",
        "",
        "| workers | app | each worker RSS / PSS / private MB | workers' PSS together MB | with the master MB | numpy in a worker | load |",
        "|---|---|---|---|---|---|---|",
    ]
    for run in result["runs"]:
        for app in ("product", "baseline"):
            r = run[app]
            w = r["workers"][0]
            lines.append(
                f"| {run['workers']} | {app} | {w['rss_mb']} / {w['pss_mb']} / {w['private_mb']} | {r['sum_worker_pss_mb']} "
                f"| {r['total_pss_mb']} | {'yes' if any(x['numpy_loaded'] for x in r['workers']) else 'no'} | {run['loadavg']} |"
            )
    ratio = result["five_workers_over_one"]["pss_ratio"]
    lines += ["", f"Five workers' PSS together ÷ one worker's PSS: **{ratio} ×** "
              f"(RSS: {result['five_workers_over_one']['rss_ratio']} ×).", ""]
    return lines, [("Worker memory: 5 workers' PSS under 5 × one worker's (the issue asks well under)", f"{ratio} ×", ratio < TARGET_PSS_RATIO)]
