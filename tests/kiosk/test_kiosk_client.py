"""The kiosk client as served: small, no inline script, its own words in both languages."""
from __future__ import annotations

import re

from surveyapp.settings import PROJECT_ROOT

KIOSK_DIR = PROJECT_ROOT / "kiosk"
APP_FILES = ("index.html", "app.js", "sw.js", "styles.css")
BUDGET = 200 * 1024  # the benchmark issue: under 200 KB before caching


def test_the_app_is_served_at_kiosk(client):
    page = client.get("/kiosk/")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert b'<script src="app.js" defer></script>' in page.data
    assert client.get("/kiosk").status_code == 308
    for name, mimetype in (("app.js", "text/javascript"), ("styles.css", "text/css"), ("manifest.webmanifest", "application/manifest+json"), ("icon.svg", "image/svg+xml")):
        response = client.get(f"/kiosk/{name}")
        assert response.status_code == 200 and response.mimetype == mimetype, name
    assert client.get("/kiosk/../pyproject.toml").status_code == 404
    assert client.get("/kiosk/secret.txt").status_code == 404


def test_the_service_worker_covers_the_kiosk_scope(client):
    worker = client.get("/kiosk/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert worker.headers["Service-Worker-Allowed"] == "/kiosk/"
    assert worker.headers["Cache-Control"] == "no-cache"
    for cached in ("'./'", "'app.js'", "'styles.css'", "'i18n.json'"):
        assert cached in worker.get_data(as_text=True)


def test_no_inline_script_or_event_attributes(client):
    html = client.get("/kiosk/").get_data(as_text=True)
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert re.findall(r"\son[a-z]+\s*=", html) == []
    assert "style=" not in html


def test_the_app_stays_under_its_size_budget():
    total = sum((KIOSK_DIR / name).stat().st_size for name in APP_FILES)
    assert total < BUDGET, total


def test_the_tablets_own_words_come_in_vietnamese_and_english(client):
    strings = client.get("/kiosk/i18n.json").get_json()
    assert set(strings) == {"vi", "en"}
    assert strings["vi"].keys() == strings["en"].keys()
    assert strings["vi"]["start"] == "Chạm để bắt đầu" and strings["en"]["start"] == "Tap to start"
    untranslated = [key for key in strings["en"] if strings["vi"][key] == strings["en"][key]]
    assert untranslated == []
    assert "{n}" in strings["vi"]["progress"] and "{total}" in strings["vi"]["progress"]
