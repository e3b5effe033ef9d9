"""Charts are labelled with names, never codes: sub-units on the funnel by their (short) name,
elements and criteria by their short names with the questionnaire's wording in the tooltip,
counters and procedures by name, and responses without a procedure as "Không rõ thủ tục"."""
from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from analysis.sipas import CRITERIA, ELEMENTS
from surveyapp.dashboard.views import SHORT_NAME_LIMIT, abbreviated
from surveyapp.labels import SHORT_LABELS
from tests.dashboard.conftest import COMMUNE, FAST_HASH, MONTH, PROVINCE, WEAK_COUNTER
from tests.survey.helpers import full_answers

CODE = re.compile(r"^(TC\d\d|E\d|DEMO[-\w]*|None)$")


@pytest.fixture
def app_config() -> dict[str, Any]:
    # One response is enough to be drawn, so a procedure's own bar can be looked at.
    return {"WTF_CSRF_ENABLED": False, "MIN_RESPONSES": 1, **FAST_HASH}


def chart(client: FlaskClient, url: str, chart_id: str) -> dict[str, Any]:
    html = client.get(url).get_data(as_text=True)
    found = re.search(rf'<script type="application/json" id="{chart_id}">(.*?)</script>', html, re.S)
    assert found, f"{url} has no {chart_id}"
    return dict(json.loads(found[1]))


def test_every_element_and_criterion_has_a_short_name_in_both_languages(app: Flask) -> None:
    assert set(SHORT_LABELS) == set(ELEMENTS) | set(CRITERIA)
    for lang in ("vi", "en"):
        with app.test_request_context(f"/?lang={lang}"):
            names = [str(label) for label in SHORT_LABELS.values()]
            assert len(set(names)) == len(names), "two rows of one chart would read alike"
            assert all(len(name) <= 30 for name in names), [n for n in names if len(n) > 30]
    with app.test_request_context("/?lang=vi"):
        assert str(SHORT_LABELS["TC01"]) == "Đủ chỗ ngồi chờ"


def test_the_funnel_points_are_named_not_coded(as_admin: FlaskClient) -> None:
    funnel = chart(as_admin, f"/reports/{PROVINCE}/{MONTH}", "chart-funnel")
    names = {point["code"]: point for point in funnel["points"]}
    assert names[COMMUNE]["name"] == "Xã Tân Lập" and names[COMMUNE]["short"] == "Xã Tân Lập"
    centre = names["DEMO-TTHCC"]
    assert centre["name"] == "Trung tâm Phục vụ hành chính công tỉnh"
    assert centre["short"].endswith("…") and len(centre["short"]) <= SHORT_NAME_LIMIT
    assert not any(CODE.match(point["short"]) for point in funnel["points"])


def test_elements_and_criteria_charts_show_short_names_and_carry_the_full_wording(as_admin: FlaskClient) -> None:
    elements = chart(as_admin, f"/reports/{PROVINCE}/{MONTH}", "chart-elements")
    assert elements["labels"] == ["Tiếp cận dịch vụ", "Thủ tục hành chính", "Công chức", "Kết quả giải quyết",
                                  "Xử lý góp ý, phản ánh"]
    assert elements["full"][4] == "Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị"
    criteria = chart(as_admin, f"/reports/{PROVINCE}/{MONTH}/criteria", "chart-criteria")
    assert len(criteria["labels"]) == 22 and not any(CODE.match(label) for label in criteria["labels"])
    assert "Nơi ngồi chờ có đủ chỗ ngồi" in criteria["full"]
    position = criteria["full"].index("Nơi ngồi chờ có đủ chỗ ngồi")
    assert criteria["labels"][position] == "Đủ chỗ ngồi chờ"


def test_english_pages_use_the_english_short_names(as_admin: FlaskClient) -> None:
    criteria = chart(as_admin, f"/reports/{PROVINCE}/{MONTH}/criteria?lang=en", "chart-criteria")
    assert "Enough seats" in criteria["labels"] and "The waiting area has enough seats" in criteria["full"]


def test_responses_without_a_procedure_read_unknown_procedure_and_others_their_name(client: FlaskClient, as_admin: FlaskClient) -> None:
    answered = client.post(f"/s/{WEAK_COUNTER}", data=full_answers())  # the citizen named no procedure
    assert answered.status_code == 303
    by_procedure = chart(as_admin, f"/reports/{COMMUNE}/{MONTH}/by/procedure", "chart-breakdown")
    assert "Không rõ thủ tục" in by_procedure["labels"] and "Đăng ký khai sinh" in by_procedure["labels"]
    assert "None" not in by_procedure["labels"] and "1.001193" not in by_procedure["labels"]
    page = as_admin.get(f"/reports/{COMMUNE}/{MONTH}/by/procedure").get_data(as_text=True)
    assert "Không rõ thủ tục" in page and ">None<" not in page
    english = chart(as_admin, f"/reports/{COMMUNE}/{MONTH}/by/procedure?lang=en", "chart-breakdown")
    assert "Unknown procedure" in english["labels"]


def test_counters_are_named_and_same_named_counters_told_apart_by_code(as_admin: FlaskClient) -> None:
    by_counter = chart(as_admin, f"/reports/{PROVINCE}/{MONTH}/by/counter", "chart-breakdown")
    assert "Quầy số 1 — Đất đai" in by_counter["labels"]
    shared = [label for label in by_counter["labels"] if label.startswith("Quầy Một cửa số 1 (")]
    assert len(shared) > 1 and len(set(shared)) == len(shared)
    assert not any(CODE.match(label) for label in by_counter["labels"])


def test_a_long_name_is_cut_at_a_word_with_an_ellipsis() -> None:
    assert abbreviated("Xã Tân Lập") == "Xã Tân Lập"
    assert abbreviated("Trung tâm Phục vụ hành chính công tỉnh", 18) == "Trung tâm Phục…"
    assert abbreviated("Dàiquáxakhôngcókhoảngtrắng", 10) == "Dàiquáxak…"
