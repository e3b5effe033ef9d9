"""Page weight: what a browser downloads for the survey page and for the kiosk app.

    .venv/bin/python -m bench.weight

A fresh SQLite database (init-db + load-demo --months 1) behind gunicorn (gunicorn.conf.py).
Headless Chromium (Debian's /usr/bin/chromium through Playwright, --no-sandbox
--disable-background-networking), a new browser context per page (empty cache, no service
worker yet). Every request the page makes, including the kiosk service worker's own precache
fetches (PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS=1), is recorded with its transfer size
(response headers + body as sent, Request.sizes()), its decoded body size and the
Content-Encoding the server sent; the gzip -6 size of each body shows what compression would give.
Writes bench/results/weight.json.
"""
from __future__ import annotations

import gzip
import os
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import common

SURVEY_PATH = "/s/TT-Q01"
KIOSK_PATH = "/kiosk/"
TARGETS = {"survey_bytes": 60 * 1024, "survey_requests": 6, "kiosk_bytes": 200 * 1024}


def prepare(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": common.SECRET_KEY}
    flask = [common.PYTHON, "-m", "flask", "--app", "surveyapp"]
    subprocess.run(flask + ["init-db"], cwd=common.ROOT, env=env, check=True, capture_output=True, timeout=300)
    subprocess.run(flask + ["load-demo", "--months", "1"], cwd=common.ROOT, env=env, check=True, capture_output=True, timeout=300)


def measure(browser: Any, url: str, settle_s: float, phone: bool) -> dict[str, Any]:
    """Load url in a fresh context; return every finished request with its sizes."""
    options: dict[str, Any] = {"service_workers": "allow"}
    if phone:
        options.update(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True)
    context = browser.new_context(**options)
    records: list[dict[str, Any]] = []
    failed: list[str] = []

    def finished(request: Any) -> None:
        try:
            response = request.response()
            sizes = request.sizes()
            body = b""
            try:
                body = response.body() if response is not None else b""
            except Exception:  # noqa: BLE001 - redirects and aborted bodies have none
                body = b""
            headers = response.all_headers() if response is not None else {}
            records.append({
                "url": request.url,
                "type": request.resource_type,
                "from_service_worker": bool(getattr(request, "service_worker", None)),
                "status": response.status if response is not None else None,
                "transfer_bytes": int(sizes["responseHeadersSize"]) + int(sizes["responseBodySize"]),
                "header_bytes": int(sizes["responseHeadersSize"]),
                "body_bytes_on_wire": int(sizes["responseBodySize"]),
                "body_bytes_decoded": len(body),
                "gzip6_bytes": len(gzip.compress(body, 6)) if body else 0,
                "content_encoding": headers.get("content-encoding"),
                "content_type": (headers.get("content-type") or "").split(";")[0],
                "cache_control": headers.get("cache-control"),
            })
        except Exception as exc:  # noqa: BLE001
            failed.append(f"{request.url}: {exc}")

    context.on("requestfinished", finished)
    context.on("requestfailed", lambda r: failed.append(f"{r.url}: {r.failure}"))
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url, wait_until="load")
    load_s = time.perf_counter() - started
    try:
        page.wait_for_load_state("networkidle", timeout=10_000)
    except Exception:  # noqa: BLE001
        pass
    page.wait_for_timeout(int(settle_s * 1000))  # the kiosk's service worker installs and precaches
    context.close()
    # The service worker's fetches of the page's own URLs are network requests of their own.
    total = sum(r["transfer_bytes"] for r in records)
    return {
        "url": url,
        "requests": len(records),
        "requests_by_page": sum(1 for r in records if not r["from_service_worker"]),
        "requests_by_service_worker": sum(1 for r in records if r["from_service_worker"]),
        "transfer_bytes": total,
        "transfer_bytes_by_page": sum(r["transfer_bytes"] for r in records if not r["from_service_worker"]),
        "decoded_bytes": sum(r["body_bytes_decoded"] for r in records),
        "gzip6_body_bytes": sum(r["gzip6_bytes"] for r in records),
        "header_bytes": sum(r["header_bytes"] for r in records),
        "compressed_by_server": sorted({r["content_encoding"] for r in records if r["content_encoding"]}),
        "load_event_s": round(load_s, 3),
        "resources": records,
        "failed": failed,
    }


def main() -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    os.environ["PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS"] = "1"
    result: dict[str, Any] = {"machine": common.machine(), "targets": TARGETS}
    with tempfile.TemporaryDirectory(prefix="bench-weight-") as tmp:
        url = f"sqlite:///{Path(tmp)}/weight.sqlite"
        prepare(url)
        env = {"DATABASE_URL": url, "SECRET_KEY": common.SECRET_KEY, "RATE_LIMIT_SUBMISSIONS": common.BENCH_RATE_LIMIT}
        with common.Server("surveyapp:create_app()", env, SURVEY_PATH, log_name="weight") as server:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-background-networking"]
                )
                try:
                    result["survey"] = measure(browser, server.base + SURVEY_PATH, 1.0, phone=True)
                    result["kiosk"] = measure(browser, server.base + KIOSK_PATH, 3.0, phone=False)
                finally:
                    browser.close()
    s, k = result["survey"], result["kiosk"]
    result["verdict"] = {
        "survey_bytes_ok": s["transfer_bytes"] < TARGETS["survey_bytes"],
        "survey_requests_ok": s["requests"] < TARGETS["survey_requests"],
        "kiosk_bytes_ok": k["transfer_bytes"] < TARGETS["kiosk_bytes"],
    }
    for name in ("survey", "kiosk"):
        r = result[name]
        common.log(f"{name}: {r['requests']} requests ({r['requests_by_service_worker']} by the service worker), "
                   f"{r['transfer_bytes']:,} bytes transferred, {r['decoded_bytes']:,} decoded, gzip would give {r['gzip6_body_bytes'] + r['header_bytes']:,}")
        for res in r["resources"]:
            common.log(f"   {res['status']} {res['transfer_bytes']:>7,} {res['content_type']:<28} {'SW ' if res['from_service_worker'] else ''}{res['url']}")
    common.save_result("weight", result)
    return result


if __name__ == "__main__":
    main()
