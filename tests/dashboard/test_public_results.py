"""Public results ("công khai", issue 14): `/public/<unit>` and `/public/<unit>/<period>` (+ `.json`,
`.csv`) for units an administrator published; nothing else, and nothing they must not show."""
from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from surveyapp.db import get_session
from surveyapp.models import AuditEvent, Counter, Response
from surveyapp.settings import SettingsError
from tests.dashboard.conftest import COMMUNE, FAST_HASH, PROVINCE, sign_in

PERIOD = "2026-10"
URLS = (f"/public/{PROVINCE}", f"/public/{PROVINCE}/{PERIOD}", f"/public/{PROVINCE}/{PERIOD}.json",
        f"/public/{PROVINCE}/{PERIOD}.csv")
ORIGIN = "https://ubnd.example.gov.vn"


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"WTF_CSRF_ENABLED": False, **FAST_HASH, "PUBLIC_FRAME_ANCESTORS": f"{ORIGIN} https://*.example.vn"}


@pytest.fixture
def published(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["publish", "--unit", PROVINCE])
    assert result.exit_code == 0, result.output
    assert f"/public/{PROVINCE}" in result.output


def test_a_unit_not_published_is_a_404_like_an_unknown_one(client: FlaskClient) -> None:
    for url in URLS:
        assert client.get(url).status_code == 404
    unknown = client.get(f"/public/NOPE/{PERIOD}").get_data(as_text=True)
    hidden = client.get(f"/public/{PROVINCE}/{PERIOD}").get_data(as_text=True)
    assert hidden.replace(PROVINCE, "NOPE") == unknown  # the same page: nothing tells the two apart


def test_publish_and_withdraw_from_the_command_line(client: FlaskClient, runner: FlaskCliRunner, app: Flask) -> None:
    assert runner.invoke(args=["publish", "--unit", PROVINCE]).exit_code == 0
    for url in URLS:
        assert client.get(url).status_code == 200, url
    assert client.get(f"/public/{COMMUNE}/{PERIOD}").status_code == 404  # publishing a unit publishes that unit
    result = runner.invoke(args=["publish", "--unit", PROVINCE, "--off"])
    assert result.exit_code == 0, result.output
    for url in URLS:
        assert client.get(url).status_code == 404
    with app.app_context():
        actions = get_session().scalars(select(AuditEvent.action).where(AuditEvent.target == PROVINCE)).all()
    assert actions == ["unit_published", "unit_unpublished"]
    bad = runner.invoke(args=["publish", "--unit", "NOPE"])
    assert bad.exit_code == 1 and "NOPE" in bad.output


def test_the_page_is_vietnamese_first_and_needs_no_sign_in(client: FlaskClient, published: None) -> None:
    page = client.get(f"/public/{PROVINCE}/{PERIOD}").get_data(as_text=True)
    assert '<html lang="vi">' in page and "Tháng 10/2026" in page
    for section in ("Chỉ số hài lòng về sự phục vụ", "public-elements", "public-incidents", "public-trend",
                    "public-children", "ước lượng khu vực nhỏ", "Dữ liệu mở"):
        assert section in page, section
    english = client.get(f"/public/{PROVINCE}/{PERIOD}?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english


def test_open_data_has_the_published_blocks_only(client: FlaskClient, published: None, app: Flask) -> None:
    data = client.get(f"/public/{PROVINCE}/{PERIOD}.json").get_json()
    assert list(data) == ["unit", "period", "min_responses", "n_responses", "service_index", "overall", "elements",
                          "incidents", "trend", "children"]
    assert set(data["elements"]) == {"E1", "E2", "E3", "E4", "E5"}
    assert set(data["incidents"]) == {"harassment", "extra_payment"}
    assert len(data["trend"]) == 12 and data["trend"][-1]["month"] == PERIOD
    quarter = client.get(f"/public/{PROVINCE}/2026-Q3.json").get_json()
    assert [p["month"] for p in quarter["trend"]][-1] == "2026-09" and len(quarter["trend"]) == 12
    assert data["children"] and all(set(c) == {"code", "name", "service_index", "overall"} for c in data["children"])
    assert all(set(c["service_index"]) == {"value", "ci_low", "ci_high"} for c in data["children"])


def _rates(node: Any) -> list[dict[str, Any]]:
    """Every published rate or count in the JSON: dicts with an `n`."""
    found = []
    if isinstance(node, dict):
        if "n" in node:
            found.append(node)
        for value in node.values():
            found += _rates(value)
    elif isinstance(node, list):
        for value in node:
            found += _rates(value)
    return found


def test_nothing_it_must_not_show(client: FlaskClient, published: None, app: Flask) -> None:
    app.config["MIN_RESPONSES"] = 120  # many months and figures fall under the minimum
    with app.app_context():
        session = get_session()
        comments = [c for c in session.scalars(select(Response.comment).where(Response.comment.is_not(None))) if c]
        counters = session.execute(select(Counter.code, Counter.name)).all()
    assert comments and counters
    html = client.get(f"/public/{PROVINCE}/{PERIOD}").get_data(as_text=True)
    body = client.get(f"/public/{PROVINCE}/{PERIOD}.json").get_data(as_text=True)
    table = client.get(f"/public/{PROVINCE}/{PERIOD}.csv").get_data().decode("utf-8-sig")
    for text in (html, body, table):
        for comment in set(comments):
            assert comment not in text
        for code, name in counters:
            assert code not in text and name not in text
    data = json.loads(body)
    suppressed = [r for r in _rates(data) if r["n"] < 120]
    assert suppressed, "the fixture must have figures under the minimum"
    for rate in suppressed:  # no value, interval or count on too few answers
        assert all(rate.get(k) is None for k in ("value", "ci_low", "ci_high", "count")), rate
    rows = list(csv.reader(io.StringIO(table)))
    assert rows[1] == ["section", "key", "label", "value", "ci_low", "ci_high", "n", "count"]
    for row in rows[2:]:
        if row[6] and int(row[6]) < 120:
            assert row[3] == row[4] == row[5] == row[7] == "", row


def test_etag_and_conditional_get(client: FlaskClient, published: None) -> None:
    for url in URLS[1:]:
        first = client.get(url)
        assert first.status_code == 200 and first.headers["ETag"]
        assert first.headers["Cache-Control"].startswith("public, max-age=")
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.get_data() == b""
        assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    # Compressed for a phone, and still answered 304 (the ETag names the encoding).
    zipped = client.get(URLS[1], headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    again = client.get(URLS[1], headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]})
    assert again.status_code == 304


def test_only_the_public_pages_may_be_framed_by_the_listed_origins(
    client: FlaskClient, published: None, app: Flask
) -> None:
    page = client.get(f"/public/{PROVINCE}/{PERIOD}")
    assert f"frame-ancestors {ORIGIN} https://*.example.vn" in page.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in page.headers
    for other in ("/", "/login", f"/public/NOPE/{PERIOD}", f"/reports/{PROVINCE}/{PERIOD}"):
        reply = client.get(other)
        assert reply.headers["X-Frame-Options"] == "DENY", other
        assert "frame-ancestors 'none'" in reply.headers["Content-Security-Policy"], other
    app.config["PUBLIC_FRAME_ANCESTORS"] = ()  # no origin configured: the public page refuses frames too
    page = client.get(f"/public/{PROVINCE}/{PERIOD}")
    assert page.headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_a_malformed_frame_ancestors_setting_stops_start_up(database_url: str) -> None:
    from surveyapp import create_app

    with pytest.raises(SettingsError) as refused:
        create_app({"DATABASE_URL": database_url, "PUBLIC_FRAME_ANCESTORS": "https://a.vn; script-src *"})
    assert "PUBLIC_FRAME_ANCESTORS" in str(refused.value.message)


def test_bad_period_is_a_404_that_says_why(client: FlaskClient, published: None) -> None:
    reply = client.get(f"/public/{PROVINCE}/2026-13")
    assert reply.status_code == 404 and "2026-13" in reply.get_data(as_text=True)


def test_an_administrator_publishes_on_the_unit_page(client: FlaskClient, app: Flask) -> None:
    assert sign_in(client, "admin").status_code == 302
    page = client.get(f"/manage/units/{PROVINCE}").get_data(as_text=True)
    assert 'id="public-results"' in page and 'name="publish" value="1"' in page
    assert client.post(f"/manage/units/{PROVINCE}/public", data={"publish": "1"}).status_code == 302
    assert client.get(f"/public/{PROVINCE}/{PERIOD}").status_code == 200
    assert 'name="publish" value="0"' in client.get(f"/manage/units/{PROVINCE}").get_data(as_text=True)
    assert client.post(f"/manage/units/{PROVINCE}/public", data={"publish": "0"}).status_code == 302
    assert client.get(f"/public/{PROVINCE}/{PERIOD}").status_code == 404
    assert client.post(f"/manage/units/{PROVINCE}/public", data={"publish": "maybe"}).status_code == 400
    with app.app_context():
        events = get_session().scalars(select(AuditEvent).where(AuditEvent.target == PROVINCE)).all()
    assert [(e.action, e.username) for e in events] == [("unit_published", "admin"), ("unit_unpublished", "admin")]


def test_a_manager_cannot_publish(as_manager: FlaskClient) -> None:
    assert as_manager.post(f"/manage/units/{COMMUNE}/public", data={"publish": "1"}).status_code == 403
    assert 'id="public-results"' not in as_manager.get(f"/manage/units/{COMMUNE}").get_data(as_text=True)


@pytest.mark.parametrize("url", [f"/public/{PROVINCE}/{PERIOD}", f"/public/{PROVINCE}/2025-01",
                                 f"/public/{PROVINCE}/2026-Q3", f"/public/{PROVINCE}"])
def test_public_pages_render_with_strict_undefined(client: FlaskClient, published: None, app: Flask, url: str) -> None:
    import jinja2

    app.jinja_env.undefined = jinja2.StrictUndefined
    assert client.get(url).status_code == 200
