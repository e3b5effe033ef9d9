"""Reusable pieces of the benchmarks: machine and versions, gunicorn, PostgreSQL, wrk.

Nothing here is a test. Every process started here is started by pid and stopped by pid;
every load run is bounded in time (wrk -d plus a hard `timeout`).
"""
from __future__ import annotations

import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
VENV_BIN = ROOT / ".venv" / "bin"
if not (VENV_BIN / "python").exists():  # e.g. a copy of the tree run with another checkout's venv
    VENV_BIN = Path(sys.executable).parent
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
GUNICORN = str(VENV_BIN / "gunicorn") if (VENV_BIN / "gunicorn").exists() else (shutil.which("gunicorn") or "gunicorn")
GUNICORN_CONF = ROOT / "gunicorn.conf.py"
PG_SCRIPT = ROOT / "scripts" / "pg-test-server.sh"
SECRET_KEY = "bench-secret-key-not-for-production"
# The public submission endpoints are rate limited per client address (surveyapp/web/hardening.py,
# RATE_LIMIT_SUBMISSIONS, default 60/600). Every wrk request comes from 127.0.0.1, so the benchmark
# raises the limit far out of reach; the limiter's upsert still runs on every POST, as in production.
BENCH_RATE_LIMIT = "1000000000/60"


def _terminate(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)  # run `finally` blocks: stop gunicorn and PostgreSQL on a time limit


signal.signal(signal.SIGTERM, _terminate)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def save_result(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    log(f"wrote {path.relative_to(ROOT)}")
    return path


def load_result(name: str) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


# ------------------------------------------------------------------ machine and versions
def _run(cmd: list[str], timeout: float = 20) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    os_name = platform.platform()
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return {
        "cpu": cpu or platform.processor(),
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "os": os_name,
        "kernel": platform.release(),
        "loadavg": loadavg(),
    }


def loadavg() -> str:
    """1, 5 and 15 minute load averages: other work on the machine skews every timing."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def pg_bindir() -> str | None:
    out = _run(["bash", str(PG_SCRIPT), "bindir"], timeout=600) if PG_SCRIPT.exists() else ""
    if out and Path(out, "postgres").exists():
        return out.splitlines()[-1]
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "postgres").exists():
            return str(candidate)
    return None


def versions() -> dict[str, str]:
    import sqlite3

    out: dict[str, str] = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    code = (
        "import importlib.metadata as m\n"
        "for p in ['flask','gunicorn','sqlalchemy','psycopg','numpy','flask-wtf','playwright']:\n"
        "    try: print(p, m.version(p))\n"
        "    except Exception: print(p, '?')\n"
    )
    for line in _run([PYTHON, "-c", code]).splitlines():
        name, _, version = line.partition(" ")
        out[name] = version
    out["python"] = _run([PYTHON, "-c", "import platform; print(platform.python_version())"]) or out["python"]
    out["sqlite"] = _run([PYTHON, "-c", "import sqlite3; print(sqlite3.sqlite_version)"]) or out["sqlite"]
    bindir = pg_bindir()
    out["postgresql"] = _run([f"{bindir}/postgres", "--version"]) if bindir else "not installed"
    out["chromium"] = _run(["/usr/bin/chromium", "--version"]) if Path("/usr/bin/chromium").exists() else "not installed"
    wrk = shutil.which("wrk")
    out["wrk"] = (subprocess.run([wrk, "-v"], capture_output=True, text=True).stdout.splitlines() or [""])[0] if wrk else "not installed"
    return out


# ------------------------------------------------------------------ ports and HTTP
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status < 500:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return
            last = exc
        except (OSError, urllib.error.URLError) as exc:
            last = exc
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s: {last}")


# ------------------------------------------------------------------ gunicorn
class Server:
    """A gunicorn started with the project's gunicorn.conf.py; stopped by its pid."""

    def __init__(self, app: str, env: dict[str, str], ready_path: str, workers: int | None = None, log_name: str = "gunicorn") -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(tempfile.gettempdir()) / f"bench-{log_name}-{self.port}.log"
        full_env = {**os.environ, **env, "GUNICORN_APP": app, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "GUNICORN_LOGLEVEL": "warning"}
        if workers is not None:
            full_env["GUNICORN_WORKERS"] = str(workers)
        if GUNICORN_CONF.exists():
            cmd = [GUNICORN, "--config", str(GUNICORN_CONF)]
        else:  # equivalent flags (the conf file's defaults) when the file is absent
            cmd = [GUNICORN, "--workers", str(workers or 2 * (os.cpu_count() or 1) + 1), "--bind", f"127.0.0.1:{self.port}", "--keep-alive", "5", app]
        self.cmd = cmd
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_http(self.base + ready_path, timeout=60)
        except Exception as error:
            self.stop()
            raise RuntimeError(f"gunicorn did not start; log:\n{self.log_path.read_text()[-3000:]}") from error

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # the master stops its workers gracefully
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: master and workers only
                self.proc.wait(timeout=10)
        self._log.close()
        if not os.environ.get("BENCH_KEEP_LOGS"):
            self.log_path.unlink(missing_ok=True)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


# ------------------------------------------------------------------ PostgreSQL
@contextmanager
def postgres() -> Iterator[str]:
    """A throwaway PostgreSQL server (scripts/pg-test-server.sh); yields its SQLAlchemy URL."""
    directory = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    directory.chmod(0o755)  # as root the server runs as `postgres`, which must reach its directory
    data = directory / "pg"
    proc = subprocess.run(["bash", str(PG_SCRIPT), "start", str(data)], capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        shutil.rmtree(directory, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {proc.stderr[-2000:]}")
    url = proc.stdout.strip().splitlines()[-1]
    try:
        yield url
    finally:
        subprocess.run(["bash", str(PG_SCRIPT), "stop", str(data)], capture_output=True, timeout=120)
        shutil.rmtree(directory, ignore_errors=True)


def pg_create_database(server_url: str, name: str) -> str:
    """CREATE DATABASE name on the server; returns its URL."""
    import psycopg

    plain = server_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + "/" + name


# ------------------------------------------------------------------ wrk
def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    log("wrk not found: installing Debian's wrk")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "wrk"], env=env, capture_output=True, timeout=600)
    found = shutil.which("wrk")
    if not found:
        subprocess.run(sudo + ["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=600)
        subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "wrk"], env=env, capture_output=True, timeout=600)
        found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is not installed and could not be installed (apt-get install wrk)")
    return found


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> dict[str, Any]:
    """Requests/s, latency percentiles (ms), errors from `wrk --latency` plus our Lua summary."""
    result: dict[str, Any] = {"raw": output}
    m = re.search(r"Requests/sec:\s+([\d.]+)", output)
    result["rps"] = float(m.group(1)) if m else 0.0
    m = re.search(r"(\d+) requests in ([\d.]+\w+),", output)
    result["requests"] = int(m.group(1)) if m else 0
    for pct in ("50", "75", "90", "99"):
        m = re.search(rf"^\s+{pct}(?:\.000)?%\s+([\d.]+\w+)", output, re.M)
        result[f"p{pct}_ms"] = _ms(m.group(1)) if m else None
    socket_errors = 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if m:
        socket_errors = sum(int(x) for x in m.groups())
    result["socket_errors"] = socket_errors
    m = re.search(r"BENCH_STATUS (.*)", output)
    statuses: dict[str, int] = json.loads(m.group(1)) if m else {}
    result["statuses"] = statuses
    expected = str(result.get("expect_status", 303))
    bad = sum(n for code, n in statuses.items() if code != expected)
    result["errors"] = bad + socket_errors
    return result


def run_wrk(url: str, lua: Path, connections: int, duration: int, env: dict[str, str] | None = None, expect_status: int = 303) -> dict[str, Any]:
    """wrk from a separate process: `connections` clients for `duration` seconds, --latency."""
    wrk = ensure_wrk()
    threads = max(1, min(connections, os.cpu_count() or 1))
    cmd = [wrk, "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", "10s", "--latency", "-s", str(lua), url]
    proc = subprocess.run(
        ["timeout", str(duration + 30)] + cmd, capture_output=True, text=True, env={**os.environ, **(env or {})}, cwd=BENCH
    )
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stderr}\n{proc.stdout}")
    result = parse_wrk(proc.stdout)
    statuses = result["statuses"]
    result["errors"] = sum(n for code, n in statuses.items() if code != str(expect_status)) + result["socket_errors"]
    result["command"] = " ".join(cmd)
    result["connections"] = connections
    result["threads"] = threads
    result["duration_s"] = duration
    return result
