"""Two real gunicorn workers, each with its own copies of the look-ups (lookup_cache.py): a counter
renamed and a new questionnaire version are seen by both at once (issue 17).

Which worker answers is made certain, not left to chance: the first request's headers are sent
only in part, so the worker that accepted it is busy reading them, and the second request is
accepted by the other worker; then the first is completed. The JSON request log names the pid
that answered each request, and the test checks they differ.
"""
from __future__ import annotations

import json
import shutil
import socket
import time
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, text

from surveyapp.db import get_session
from surveyapp.services.survey.definitions import sync_definitions
from tests.production.harness import CSRF, Gunicorn
from tests.survey.helpers import full_answers

ROOT = Path(__file__).resolve().parents[2]
SEATS_V1 = "Nơi ngồi chờ có đủ chỗ ngồi"
SEATS_V2 = "Nơi ngồi chờ có đủ ghế cho mọi người"


def raw_request(method: str, path: str, headers: dict[str, str] | None = None, body: str = "") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    encoded = body.encode()
    if method == "POST":
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(encoded)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + encoded


def read_reply(sock: socket.socket) -> tuple[int, str, str]:
    """(status, Set-Cookie, body) of a `Connection: close` reply."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    sock.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    cookie = next((line.split(":", 1)[1].strip().split(";")[0] for line in lines if line.lower().startswith("set-cookie:")), "")
    return int(lines[0].split()[1]), cookie, body.decode("utf-8", "replace")


def on_both_workers(port: int, first: bytes, second: bytes) -> list[tuple[int, str, str]]:
    """Send `first` in part (its worker waits for the rest of its headers), send `second`
    whole (the other worker answers it), then complete `first`. Replies in that order."""
    split = first.index(b"\r\n") + 2  # the request line only
    held = socket.create_connection(("127.0.0.1", port), timeout=30)
    held.sendall(first[:split])
    time.sleep(0.5)  # a worker accepts the held connection and blocks reading its headers
    other = socket.create_connection(("127.0.0.1", port), timeout=30)
    other.sendall(second)
    second_reply = read_reply(other)
    held.sendall(first[split:])
    return [read_reply(held), second_reply]


def last_request_pids(log_path: Path, count: int) -> list[int]:
    deadline = time.monotonic() + 5
    while True:
        entries = [json.loads(line) for line in log_path.read_text(encoding="utf-8").splitlines() if line.startswith("{")]
        requests = [entry for entry in entries if entry.get("event") == "request" and entry.get("route") != "/healthz"]
        if len(requests) >= count or time.monotonic() > deadline:
            return [int(entry["pid"]) for entry in requests[-count:]]
        time.sleep(0.1)


def commit_elsewhere(database_url: str, statement: str) -> None:
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def test_a_rename_and_a_new_questionnaire_are_seen_by_both_workers_at_once(app, database_url, tmp_path: Path):
    log_path = tmp_path / "gunicorn.log"
    server = Gunicorn(database_url, workers=2, log_path=log_path, REQUEST_LOG="1")
    try:
        form = raw_request("GET", "/s/TT-Q01")
        before = on_both_workers(server.port, form, form)
        pids = last_request_pids(log_path, 2)
        assert len(set(pids)) == 2, "the two requests must be answered by different workers"
        assert all(status == 200 and SEATS_V1 in page and "Quầy số 1" in page for status, _, page in before)

        commit_elsewhere(database_url, "UPDATE counter SET name = 'Quầy tiếp nhận mới' WHERE code = 'TT-Q01'")
        renamed = on_both_workers(server.port, form, form)
        assert set(last_request_pids(log_path, 2)) == set(pids)  # the same two warmed-up workers
        for status, _, page in renamed:
            assert status == 200 and "Quầy tiếp nhận mới" in page

        directory = tmp_path / "definitions"
        shutil.copytree(ROOT / "survey_definitions", directory)
        full = directory / "sipas-full.toml"
        full.write_text(
            full.read_text(encoding="utf-8").replace("\nversion = 1\n", "\nversion = 2\n").replace(SEATS_V1, SEATS_V2),
            encoding="utf-8",
        )
        with app.app_context():
            session = get_session()
            sync_definitions(session, directory)
            session.commit()
        pages = on_both_workers(server.port, form, form)
        assert set(last_request_pids(log_path, 2)) == set(pids)
        for status, _, page in pages:
            assert status == 200 and SEATS_V2 in page and SEATS_V1 not in page

        # Both workers store the answers under the new version.
        _, cookie, page = pages[0]
        token = CSRF.search(page)
        assert token is not None and cookie
        body = urlencode({**full_answers(), "csrf_token": token.group(1)}, doseq=True)
        post = raw_request("POST", "/s/TT-Q01", {"Cookie": cookie}, body)
        assert [status for status, _, _ in on_both_workers(server.port, post, post)] == [303, 303]
        assert set(last_request_pids(log_path, 2)) == set(pids)
    finally:
        server.stop()
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT definition_version FROM response")).scalars().all()
    finally:
        engine.dispose()
    assert sorted(versions) == [2, 2]
