"""Every page, on a 360 px phone and a 1366 px office screen, in both languages, in a real Chromium.

The pages are taken from the application's own URL map: every GET rule is either visited (with the
argument values of `ARGUMENTS`) or excluded with a reason in `NOT_PAGES`, so a page added later
fails this test until it is listed in one or the other. On each page the browser checks that
- the document is no wider than the window (nothing to scroll sideways but a table),
- no text is cut by a box that hides its overflow, and no box's content spills out of it,
- every table sits in a wrapper that scrolls sideways (`.table-scroll`) inside its card.
"""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from surveyapp.db import get_session
from surveyapp.models import User
from surveyapp.services.campaigns.campaigns import CampaignSpec, create_campaign
from surveyapp.services.organisation.lookups import counter_by_code, unit_by_code
from surveyapp.services.public.publication import set_published
from surveyapp.services.survey.tokens import mint_tokens
from tests.dashboard.conftest import COMMUNE, MONTH, OFFICIALS, PROVINCE, WEAK_COUNTER
from tests.dossiers.helpers import api_client, bearer, dossier

pytestmark = pytest.mark.browser

VIEWPORTS: dict[str, dict[str, Any]] = {
    "phone": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
    "desk": {"viewport": {"width": 1366, "height": 900}},
}
LANGUAGES = ("vi", "en")

# Rules that are not pages a person reads in a browser window, each with the reason.
NOT_PAGES = {
    "/static/<path:filename>": "stylesheets, scripts and images, not pages",
    "/healthz": "the monitoring probe's JSON",
    "/procedures/search": "the procedure picker's JSON",
    "/api/kiosk/definition": "the kiosk API's JSON",
    "/api/openapi.yaml": "the API description (YAML)",
    "/kiosk/i18n.json": "the kiosk's strings (JSON)",
    "/kiosk/<name>": "the kiosk app's script and style files",
    "/kiosk": "redirects to /kiosk/",
    "/kiosk/": "the counter tablet's full-screen app, sized for a tablet (tests/kiosk/test_kiosk_browser.py)",
    "/d/<token>/qr.<any(svg, png):kind>": "a QR code image",
    "/reports/<code>/<period:month>.csv": "a download",
    "/reports/<code>/<period:month>.xlsx": "a download",
    "/reports/<code>/<period:month>/responses.csv": "a download",
    "/reports/<code>/<period:month>/responses.xlsx": "a download",
    "/reports/<code>/<period:month>/codebook.csv": "a download",
    "/reports/<code>/<period:month>.pdf": "a download (the print view, visited, printed by Chromium)",
    "/reports/<code>/<period:month>/ranking.csv": "a download",
    "/reports/<code>/<period:month>/ranking.xlsx": "a download",
    "/public/<code>/<period:month>.json": "open data (JSON)",
    "/public/<code>/<period:month>.csv": "open data (CSV)",
    "/admin/campaigns/<int:campaign_id>/report.json": "a download",
    "/admin/campaigns/<int:campaign_id>/report.csv": "a download",
    "/admin/campaigns/<int:campaign_id>/report.xlsx": "a download",
    "/c/<token>": "a campaign's survey link: the same form as /d/<token> (visited); it needs a drawn campaign "
                  "whose invitation went out, and tests/campaigns/test_campaign_browser.py opens it on a phone",
    "/c/<token>/opt-out": "as /c/<token>: the same page as /d/<token>/opt-out (visited)",
}

# Argument values of the rules with parameters: each dict is one visit. The province shows the
# funnel and the sub-unit table, the commune its counters; a quarter shows the period picker's
# other layout. `{token}`, `{dossier}` and `{user_id}` are made by the test.
ARGUMENTS: dict[str, list[dict[str, Any]]] = {
    "/admin/users/<int:user_id>": [{"user_id": "{user_id}"}],
    "/d/<token>": [{"token": "{dossier}"}],
    "/d/<token>/opt-out": [{"token": "{dossier}"}],
    "/t/<token>": [{"token": "{token}"}],
    "/s/<counter_code>": [{"counter_code": WEAK_COUNTER}],
    "/posters/<counter_code>": [{"counter_code": WEAK_COUNTER}],
    "/manage/counters/<code>": [{"code": WEAK_COUNTER}],
    "/manage/counters/<code>/procedures": [{"code": WEAK_COUNTER}],
    "/manage/procedures/<code>": [{"code": "1.001193"}],
    "/manage/units/<code>": [{"code": COMMUNE}],
    "/manage/import/<kind>": [{"kind": "units"}, {"kind": "counters"}, {"kind": "procedures"}],
    "/reports/<code>": [{"code": COMMUNE}],
    "/reports/go": [{"unit": COMMUNE, "month": MONTH, "tab": "criteria"}],
    "/reports/<code>/<period:month>": [
        {"code": PROVINCE, "month": MONTH}, {"code": COMMUNE, "month": MONTH}, {"code": PROVINCE, "month": "2026-Q4"},
    ],
    "/reports/<code>/<period:month>/print": [{"code": PROVINCE, "month": MONTH}],
    "/reports/<code>/<period:month>/by/<by>": [
        {"code": PROVINCE, "month": MONTH, "by": by} for by in ("counter", "procedure", "channel")
    ],
    "/reports/<code>/<period:month>/counters/<counter_code>": [
        {"code": COMMUNE, "month": MONTH, "counter_code": WEAK_COUNTER}
    ],
    "/reports/<code>/<period:month>/criteria": [{"code": PROVINCE, "month": MONTH}],
    "/reports/<code>/<period:month>/comments": [{"code": PROVINCE, "month": MONTH}],
    "/help/reports": [{}, {"unit": COMMUNE, "period": MONTH}],
    "/reports/<code>/<period:month>/ranking": [{"code": PROVINCE, "month": MONTH}],
    "/reports/<code>/<period:month>/ranking/print": [{"code": PROVINCE, "month": MONTH}],
    "/public/<code>": [{"code": PROVINCE}],
    "/public/<code>/<period:month>": [{"code": PROVINCE, "month": MONTH}],
    "/admin/campaigns/<int:campaign_id>": [{"campaign_id": "{campaign_id}"}],
    "/admin/campaigns/<int:campaign_id>/report": [{"campaign_id": "{campaign_id}"}],
    "/admin/campaigns/<int:campaign_id>/report/print": [{"campaign_id": "{campaign_id}"}],
}

# Runs in the page: what does not fit. Elements inside a sideways-scrolling box are meant to be
# wider than it; visually hidden text (.sr-only) is clipped on purpose.
CHECK_FIT = """
() => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) {
    problems.push(`the page is ${root.scrollWidth}px wide in a ${root.clientWidth}px window`);
  }
  const scrolls = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
  const inScroller = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) { if (scrolls(p)) return true; }
    return false;
  };
  const name = (el) => {
    const cls = typeof el.className === "string" && el.className.trim() ? "." + el.className.trim().split(/\\s+/).join(".") : "";
    return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${cls} "${(el.innerText || "").trim().slice(0, 50)}"`;
  };
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest(".sr-only, svg, canvas, script, style, template") || el.getClientRects().length === 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden") continue;
    const wider = el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0;
    if (el.tagName === "TABLE" && !inScroller(el)) problems.push(`a table outside a scrolling wrapper: ${name(el)}`);
    if (!wider || scrolls(el) || inScroller(el)) continue;
    if (["hidden", "clip"].includes(style.overflowX)) {
      if ((el.innerText || "").trim()) problems.push(`text cut by its box (${el.scrollWidth}px in ${el.clientWidth}px): ${name(el)}`);
    } else if (!["INPUT", "SELECT", "TEXTAREA", "BUTTON", "IMG"].includes(el.tagName)) {
      problems.push(`content spills out of its box (${el.scrollWidth}px in ${el.clientWidth}px): ${name(el)}`);
    }
  }
  return problems;
}
"""


def made_links(app: Flask, client: Any) -> dict[str, str]:
    """A slip token, a dossier link, an account to edit, a published province and a campaign: the
    pages behind them need one."""
    with app.app_context():
        session = get_session()
        counter = counter_by_code(session, WEAK_COUNTER)
        province = unit_by_code(session, PROVINCE)
        assert counter is not None and province is not None
        [token] = mint_tokens(session, counter, 1)
        user_id = session.query(User).filter_by(username="tanlap").one().id
        set_published(session, province, True, by="test")
        campaign = create_campaign(session, CampaignSpec(name="Khảo sát đột xuất quý 4", unit_code=PROVINCE,
                                                         period="2026-Q4", sample_size=10))
        session.commit()
        campaign_id = campaign.id
    secret = api_client(app)
    [result] = client.post("/api/v1/dossiers", json=dossier(counter=WEAK_COUNTER), headers=bearer(secret)).get_json()["results"]
    link = result["url"].rsplit("/d/", 1)[1]
    return {"{token}": token, "{dossier}": link, "{user_id}": str(user_id), "{campaign_id}": str(campaign_id)}


def pages_to_visit(app: Flask, made: dict[str, str]) -> list[str]:
    """Every GET rule's URLs, built by the URL map itself; fails on a rule neither visited nor excluded."""
    adapter = app.url_map.bind("localhost")
    urls: list[str] = []
    unlisted: list[str] = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.rule in NOT_PAGES:
            continue
        if rule.arguments and rule.rule not in ARGUMENTS:
            unlisted.append(rule.rule)
            continue
        for values in ARGUMENTS.get(rule.rule, [{}]):
            filled = {key: made.get(str(value), value) for key, value in values.items()}
            path_values = {key: value for key, value in filled.items() if key in rule.arguments}
            query = {key: value for key, value in filled.items() if key not in rule.arguments}
            url = adapter.build(rule.endpoint, path_values, append_unknown=False)
            if url is not None and query:
                url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
            urls.append(str(url))
    assert not unlisted, f"GET rules neither visited nor excluded (add them to ARGUMENTS or NOT_PAGES): {unlisted}"
    return sorted(set(urls))


def show_every_step(page: Any) -> None:
    """The questionnaire shows one part at a time: show them all, so every question is measured."""
    page.evaluate("() => document.querySelectorAll('.step[hidden], .submit-bar[hidden]').forEach(e => { e.hidden = false; })")


def test_every_page_fits_a_phone_and_a_desk_in_both_languages(app, client, live_server, browser):  # type: ignore[no-untyped-def]
    made = made_links(app, client)
    urls = pages_to_visit(app, made)
    assert len(urls) >= 30
    problems: list[str] = []
    errors: list[str] = []
    for device, options in VIEWPORTS.items():
        context = browser.new_context(**options)
        response = context.request.post(f"{live_server.url}/login",
                                        form={"username": "admin", "password": OFFICIALS["admin"][0]}, max_redirects=0)
        assert response.status == 302
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        for lang in LANGUAGES:
            for url in urls:
                separator = "&" if "?" in url else "?"
                answer = page.goto(f"{live_server.url}{url}{separator}lang={lang}")
                assert answer is not None and answer.status < 400, f"{url}: {answer and answer.status}"
                if page.locator("canvas[data-chart]").count():
                    page.wait_for_selector("html[data-charts-ready]")
                if page.locator(".step").count():
                    show_every_step(page)
                problems += [f"{device} {lang} {url}: {problem}" for problem in page.evaluate(CHECK_FIT)]
        assert errors == []
        context.close()
    assert not problems, "\n".join(problems)
