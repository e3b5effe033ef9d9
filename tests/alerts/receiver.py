"""A webhook receiver as an integrator would write one: it checks X-Surveyapp-Signature against
the raw body, answers 401 to a bad signature, and keeps one copy per X-Surveyapp-Delivery."""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class WebhookReceiver:
    secret: str
    port: int = 0  # 0: any free port
    status: int = 200
    accepted: dict[str, Any] = field(default_factory=dict)  # delivery id -> parsed body
    raw_bodies: list[bytes] = field(default_factory=list)
    posts: int = 0
    bad_signatures: int = 0

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's hook name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.posts += 1
                receiver.raw_bodies.append(body)
                expected = "sha256=" + hmac.new(receiver.secret.encode(), body, hashlib.sha256).hexdigest()
                if not hmac.compare_digest(expected, self.headers.get("X-Surveyapp-Signature", "")):
                    receiver.bad_signatures += 1
                    self._answer(401)
                    return
                if receiver.status == 200:
                    receiver.accepted.setdefault(self.headers["X-Surveyapp-Delivery"], json.loads(body))
                self._answer(receiver.status)

            def _answer(self, status: int) -> None:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:  # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}/hooks/surveyapp"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
