"""Start-up time of `flask` commands (issue 17, deliverable 3: under 1.5 s for any command).

    .venv/bin/python -m bench.startup
    BENCH_STARTUP_REPEAT=5 .venv/bin/python -m bench.startup

Each command runs BENCH_STARTUP_REPEAT times in a fresh interpreter; reported per command: the
median wall time and the median CPU time (user + system, from the child's rusage). On a loaded
shared machine the wall time includes waiting for a core, so the CPU time is the figure that
does not depend on the neighbours; the load average is recorded beside them. The floor is the
interpreter importing only Flask, SQLAlchemy's ORM, Flask-WTF and Flask-Babel.
Writes bench/results/startup.json.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import time
from typing import Any

from bench import common

COMMANDS: dict[str, list[str]] = {
    "flask --app surveyapp --help": ["-m", "flask", "--app", "surveyapp", "--help"],
    "flask --app surveyapp report --help": ["-m", "flask", "--app", "surveyapp", "report", "--help"],
    "flask --app surveyapp rebuild-aggregates --help": ["-m", "flask", "--app", "surveyapp", "rebuild-aggregates", "--help"],
    "floor: import flask, sqlalchemy.orm, flask_wtf, flask_babel": [
        "-c", "import flask, sqlalchemy.orm, flask_wtf, flask_babel"],
}


def timed(args: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of the venv's python with these arguments."""
    env = {**os.environ, "DATABASE_URL": "sqlite:////tmp/bench-startup-unused.sqlite", "SECRET_KEY": common.SECRET_KEY}
    started = time.perf_counter()
    process = subprocess.Popen([common.PYTHON, *args], cwd=common.ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{args} exited {process.returncode}: {process.stderr.read().decode()[-500:] if process.stderr else ''}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> dict[str, Any]:
    repeat = int(os.environ.get("BENCH_STARTUP_REPEAT", "3"))
    result: dict[str, Any] = {"machine": common.machine(), "repeat": repeat, "commands": {}}
    timed(COMMANDS["flask --app surveyapp --help"])  # warm the file cache and the bytecode
    for name, args in COMMANDS.items():
        load = common.loadavg()
        runs = [timed(args) for _ in range(repeat)]
        entry = {
            "median_wall_s": round(statistics.median(w for w, _ in runs), 3),
            "median_cpu_s": round(statistics.median(c for _, c in runs), 3),
            "runs": [{"wall_s": round(w, 3), "cpu_s": round(c, 3)} for w, c in runs],
            "loadavg_before": load,
        }
        result["commands"][name] = entry
        common.log(f"{name}: wall {entry['median_wall_s']} s, CPU {entry['median_cpu_s']} s (load {load})")
    result["machine"]["loadavg_end"] = common.loadavg()
    common.save_result("startup", result)
    return result


if __name__ == "__main__":
    main()


TARGET_WALL_S = 1.5


def render(result: dict[str, Any] | None) -> tuple[list[str], list[tuple[str, str, bool | None]]]:
    """The section of docs/BENCHMARKS.md (bench/run_all.py) and its verdicts."""
    lines = ["## Start-up of a command (issue 17, item 3)", ""]
    if not result or not result.get("commands"):
        lines += ["_No result: the start-up benchmark did not run or failed._", ""]
        return lines, [("CLI start-up", "not measured", None)]
    lines += [
        "```sh",
        ".venv/bin/python -m bench.startup   # BENCH_STARTUP_REPEAT (default 3)",
        "```",
        "",
        f"Each command in a fresh interpreter, median of {result['repeat']}; CPU = user + system time of the process "
        "(what does not depend on the neighbours), wall = what a user waits.",
        "",
        "| command | wall s | CPU s | load before |",
        "|---|---|---|---|",
    ]
    verdicts: list[tuple[str, str, bool | None]] = []
    for command, r in result["commands"].items():
        lines.append(f"| `{command}` | {r['median_wall_s']} | {r['median_cpu_s']} | {r.get('loadavg_before', '')} |")
        if not command.startswith("floor"):
            verdicts.append((f"Start-up of `{command}` < {TARGET_WALL_S} s", f"{r['median_wall_s']} s wall",
                             r["median_wall_s"] < TARGET_WALL_S))
    lines.append("")
    return lines, verdicts
