"""gunicorn as a subprocess, and citizens posting the real form from several processes.

Standard library only (http.client, multiprocessing): each client process GETs the form for
its CSRF token and session cookie, then POSTs answers with a unique marker in the comment and
records every marker that got the 303 success reply. A client never retries a POST: a reply
that never came is not an acknowledgement.
"""
from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from tests.survey.helpers import full_answers

ROOT = Path(__file__).resolve().parents[2]
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """`gunicorn --config gunicorn.conf.py` against a database, on a free loopback port."""

    def __init__(self, database_url: str, workers: int = 3, log_path: Path | None = None, **env: str):
        self.port = free_port()
        self.log_path = log_path
        environment = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "load-test-secret",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_LOGLEVEL": "warning",
            "RATE_LIMIT_SUBMISSIONS": "1000000/60",  # the load comes from one address
            "REQUEST_LOG": "0",
            "GUNICORN_GRACEFUL_TIMEOUT": "5",
            **env,
        }
        self._log = open(log_path, "wb") if log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py")],
            cwd=ROOT,
            env=environment,
            stdout=self._log,
            stderr=self._log,
        )
        self._wait_healthy()

    def _wait_healthy(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200 and len(self.worker_pids()) >= 1:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not become healthy")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(p) for p in children.read_text().split()]
        except OSError:
            return []

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not subprocess.DEVNULL:
            self._log.close()


@dataclass
class ClientReport:
    acknowledged: list[str] = field(default_factory=list)
    failed: int = 0


def _get_form(port: int, counter: str) -> tuple[str, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", f"/s/{counter}")
    reply = connection.getresponse()
    html = reply.read().decode()
    cookie = reply.getheader("Set-Cookie", "").split(";")[0]
    connection.close()
    match = CSRF.search(html)
    if reply.status != 200 or not match or not cookie:
        raise OSError(f"form not served: {reply.status}")
    return match.group(1), cookie


def citizen(port: int, counter: str, count: int, client_number: int, deadline: float) -> ClientReport:
    """Post `count` questionnaires (or until the deadline); markers of the 303 replies."""
    report = ClientReport()
    form: tuple[str, str] | None = None
    for i in range(count):
        if time.time() > deadline:
            break
        marker = f"load-{client_number}-{i}-{uuid.uuid4().hex[:12]}"
        try:
            if form is None:
                form = _get_form(port, counter)
            token, cookie = form
            body = urlencode({**full_answers(comment=marker, overall=str(1 + (i + client_number) % 5)), "csrf_token": token}, doseq=True)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request(
                "POST", f"/s/{counter}", body=body, headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
            )
            reply = connection.getresponse()
            reply.read()
            connection.close()
            if reply.status == 303:
                report.acknowledged.append(marker)
            else:
                report.failed += 1
                form = None
        except (OSError, http.client.HTTPException):
            report.failed += 1
            form = None
    return report


def _citizen_star(args: tuple) -> ClientReport:  # type: ignore[type-arg]
    return citizen(*args)
