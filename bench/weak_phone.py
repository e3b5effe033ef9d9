"""A weak phone: how soon the citizen's form and the kiosk's start screen can be used.

    .venv/bin/python -m bench.weak_phone      # BENCH_WEAK_REPEAT (default 3)

A fresh SQLite database (init-db, load-demo --months 1) behind gunicorn (gunicorn.conf.py), and
headless Chromium (/usr/bin/chromium through Playwright, --no-sandbox
--disable-background-networking). Each load runs in a new browser context (empty HTTP cache),
throttled through the Chrome DevTools Protocol on the page's own session, before navigating:

* `Network.emulateNetworkConditions`: 400 kbit/s down and up, 400 ms of latency per request;
* `Emulation.setCPUThrottlingRate`: 6 (the CPU six times slower than this machine's).

"Usable" is the first animation frame (requestAnimationFrame, from an init script, counted from
the navigation's start) in which the target element is laid out inside the viewport *and* the
document's deferred scripts have run (DOMContentLoaded), so nothing will re-lay the page under
the citizen's finger:

* survey: the first question's first control (`#survey .q input`) on a 360 × 740 phone;
* kiosk, cold: a paired tablet (1280 × 800) whose service worker and caches were cleared, so the
  page, its script, strings and questionnaire all come over the weak network; the start button
  `#start`;
* kiosk, warm: the same tablet reloaded with its service worker in place (the daily case).

Medians of BENCH_WEAK_REPEAT loads; also DOMContentLoaded, load and first contentful paint.
Target (issue 17): usable within 2.5 s. Writes bench/results/weak_phone.json.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import common

SURVEY_PATH = "/s/TT-Q01"
KIOSK_PATH = "/kiosk/"
KIOSK_COUNTER = "TT-Q04"
TARGET_S = 2.5
NETWORK = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}
CPU_SLOWDOWN = 6
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
TABLET = {"viewport": {"width": 1280, "height": 800}, "has_touch": True}

USABLE_SCRIPT = """
(() => {
  let parsed = false;
  document.addEventListener('DOMContentLoaded', () => { parsed = true; });
  const check = () => {
    const el = document.querySelector(%s);
    if (parsed && el) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.height > 0 && r.top < innerHeight && r.bottom > 0) { window.__usable = performance.now(); return; }
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();
"""
TIMINGS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return {usable: window.__usable, dcl: nav && nav.domContentLoadedEventEnd, load: nav && nav.loadEventEnd,
          fcp: fcp && fcp.startTime, response_end: nav && nav.responseEnd};
}"""


def prepare(url: str) -> str:
    """The database, and a pairing code for the kiosk's counter."""
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": common.SECRET_KEY}
    flask = [common.PYTHON, "-m", "flask", "--app", "surveyapp"]
    subprocess.run(flask + ["init-db"], cwd=common.ROOT, env=env, check=True, capture_output=True, timeout=300)
    subprocess.run(flask + ["load-demo", "--months", "1"], cwd=common.ROOT, env=env, check=True, capture_output=True, timeout=300)
    return pairing_code(env)


def pairing_code(env: dict[str, str]) -> str:
    flask = [common.PYTHON, "-m", "flask", "--app", "surveyapp"]
    done = subprocess.run(flask + ["pair-kiosk", "--counter", KIOSK_COUNTER], cwd=common.ROOT, env=env, check=True,
                          capture_output=True, text=True, timeout=120)
    return done.stdout.splitlines()[0].strip()


def throttle(context: Any, page: Any) -> Any:
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", NETWORK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return cdp


def timed_load(page: Any, url: str) -> dict[str, float]:
    page.goto(url, wait_until="commit", timeout=60_000)
    deadline = time.monotonic() + 60
    while page.evaluate("() => window.__usable") is None:  # wait_for_function would need eval: CSP forbids it
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} never became usable")
        page.wait_for_timeout(100)
    page.wait_for_load_state("load", timeout=60_000)
    timings = page.evaluate(TIMINGS)
    return {key: round(value / 1000, 3) for key, value in timings.items() if value is not None}


def survey_once(browser: Any, base: str) -> dict[str, float]:
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        page.add_init_script(USABLE_SCRIPT % repr("#survey .q input"))
        throttle(context, page)
        return timed_load(page, base + SURVEY_PATH)
    finally:
        context.close()


def kiosk_tablet(browser: Any, base: str, env: dict[str, str]) -> Any:
    """A context holding a paired kiosk (unthrottled pairing)."""
    context = browser.new_context(**TABLET)
    page = context.new_page()
    page.goto(base + KIOSK_PATH)
    page.locator("#pair-code").fill(pairing_code(env))
    page.locator("#pair-button").click()
    page.locator("#start").wait_for(timeout=30_000)
    page.close()
    return context


def kiosk_once(browser: Any, base: str, env: dict[str, str], cold: bool) -> dict[str, float]:
    context = kiosk_tablet(browser, base, env)
    try:
        page = context.new_page()
        page.add_init_script(USABLE_SCRIPT % repr("#start"))
        cdp = throttle(context, page)
        if cold:  # the credential (IndexedDB) stays; every file comes over the network again
            cdp.send("Storage.clearDataForOrigin", {"origin": base, "storageTypes": "service_workers,cache_storage"})
            cdp.send("Network.clearBrowserCache")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        else:
            page.wait_for_timeout(1500)  # the service worker has precached the app by now
        return timed_load(page, base + KIOSK_PATH)
    finally:
        context.close()


def summary(runs: list[dict[str, float]]) -> dict[str, Any]:
    keys = sorted({key for run in runs for key in run})
    return {"runs": runs, **{f"{key}_s": round(statistics.median(run[key] for run in runs if key in run), 3) for key in keys}}


def main() -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    repeat = int(os.environ.get("BENCH_WEAK_REPEAT", "3"))
    result: dict[str, Any] = {"machine": common.machine(), "target_s": TARGET_S, "network": NETWORK,
                              "cpu_slowdown": CPU_SLOWDOWN, "repeat": repeat}
    with tempfile.TemporaryDirectory(prefix="bench-weak-") as tmp:
        url = f"sqlite:///{Path(tmp)}/weak.sqlite"
        prepare(url)
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": common.SECRET_KEY}
        server_env = {"DATABASE_URL": url, "SECRET_KEY": common.SECRET_KEY, "RATE_LIMIT_SUBMISSIONS": common.BENCH_RATE_LIMIT,
                      "KIOSK_PAIR_BURST": "1000", "KIOSK_PAIR_PER_MINUTE": "1000"}
        with common.Server("surveyapp:create_app()", server_env, SURVEY_PATH, log_name="weak") as server:
            result["loadavg_before"] = common.loadavg()
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                            args=["--no-sandbox", "--disable-background-networking"])
                try:
                    result["survey"] = summary([survey_once(browser, server.base) for _ in range(repeat)])
                    result["kiosk_cold"] = summary([kiosk_once(browser, server.base, env, cold=True) for _ in range(repeat)])
                    result["kiosk_warm"] = summary([kiosk_once(browser, server.base, env, cold=False) for _ in range(repeat)])
                finally:
                    browser.close()
            result["loadavg_after"] = common.loadavg()
    result["verdict"] = {name: result[name]["usable_s"] <= TARGET_S for name in ("survey", "kiosk_cold", "kiosk_warm")}
    for name in ("survey", "kiosk_cold", "kiosk_warm"):
        r = result[name]
        common.log(f"{name}: usable {r['usable_s']} s (runs {[run['usable'] for run in r['runs']]}), "
                   f"FCP {r.get('fcp_s')} s, DOMContentLoaded {r.get('dcl_s')} s, load {r.get('load_s')} s")
    common.save_result("weak_phone", result)
    return result


if __name__ == "__main__":
    main()


def render(result: dict[str, Any] | None) -> tuple[list[str], list[tuple[str, str, bool | None]]]:
    """The section of docs/BENCHMARKS.md (bench/run_all.py) and its verdicts."""
    lines = ["## A weak phone (issue 17, item 5)", ""]
    if not result:
        lines += ["_No result: the weak-phone benchmark did not run or failed._", ""]
        return lines, [("Weak phone", "not measured", None)]
    lines += [
        "```sh",
        ".venv/bin/python -m bench.weak_phone   # BENCH_WEAK_REPEAT (default 3)",
        "```",
        "",
        "* Headless Chromium (`/usr/bin/chromium` via Playwright, `--no-sandbox --disable-background-networking`), "
        "a new context per load, throttled through CDP on the page's session before navigating: "
        f"`Network.emulateNetworkConditions` {NETWORK['downloadThroughput'] * 8 / 1000:.0f} kbit/s down and up, "
        f"{NETWORK['latency']} ms latency; `Emulation.setCPUThrottlingRate` {CPU_SLOWDOWN}. gunicorn (`gunicorn.conf.py`), "
        "SQLite, `load-demo --months 1`.",
        "* **Usable** = the first animation frame in which the element is laid out inside the viewport and the "
        "deferred scripts have run (after DOMContentLoaded), counted from the navigation's start: the survey's first "
        f"control (`#survey .q input`, `{SURVEY_PATH}`, 360 × 740 phone); the kiosk's start button (`#start`, "
        f"a tablet paired to {KIOSK_COUNTER}, 1280 × 800). Kiosk *cold*: its service worker, Cache Storage and HTTP "
        "cache cleared (the credential kept), so every file comes over the weak network; *warm*: reloaded with its "
        "service worker in place, the daily case.",
        f"* Medians of {result['repeat']} loads. The CPU slowdown multiplies this machine's speed, so a busy machine "
        "(load average above its 2 cores) makes every figure pessimistic.",
        "",
        "| page | usable s | first contentful paint s | DOMContentLoaded s | load s | each load: usable s | target |",
        "|---|---|---|---|---|---|---|",
    ]
    names = {"survey": f"survey form `{SURVEY_PATH}`", "kiosk_cold": "kiosk start screen, cold",
             "kiosk_warm": "kiosk start screen, warm"}
    verdicts: list[tuple[str, str, bool | None]] = []
    for key, label in names.items():
        r = result[key]
        lines.append(f"| {label} | **{r['usable_s']}** | {r.get('fcp_s', '–')} | {r.get('dcl_s', '–')} | {r.get('load_s', '–')} "
                     f"| {', '.join(str(run['usable']) for run in r['runs'])} | ≤ {TARGET_S} |")
        verdicts.append((f"Weak phone: {label} usable ≤ {TARGET_S} s", f"{r['usable_s']} s", r["usable_s"] <= TARGET_S))
    lines += ["", f"Load average before → after: {result['loadavg_before']} → {result['loadavg_after']}.", ""]
    return lines, verdicts
