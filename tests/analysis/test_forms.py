"""Forms and versions (issue 12, item 6): the service index per questionnaire, and notes when a
report pools more than one questionnaire or version."""
from __future__ import annotations

import pytest

from analysis.forms import pooling_notes, service_by_form
from analysis.indices import service_of
from analysis.tally import tally_from_dict


def pool(k: int, y: int, m: int) -> dict[str, int]:
    return {"n": k, "service.k": k, "service.y": y, "service.m": m, "service.yy": y * y // k,
            "service.mm": m * m // k, "service.ym": y * m // k}


FULL = tally_from_dict(pool(60, 1000, 1200))
KIOSK = tally_from_dict(pool(40, 190, 200))


def test_the_service_index_of_each_form_is_the_index_of_its_respondents_alone() -> None:
    by_form = service_by_form({"sipas-full": FULL, "sipas-kiosk": KIOSK})
    assert list(by_form) == ["sipas-full", "sipas-kiosk"]
    assert by_form["sipas-full"].value == pytest.approx(1000 / 1200) and by_form["sipas-full"].n == 60
    assert by_form["sipas-kiosk"].value == pytest.approx(190 / 200) and by_form["sipas-kiosk"].n == 40
    assert by_form["sipas-kiosk"] == service_of(KIOSK)
    only_full = service_by_form({"sipas-full": FULL})
    assert only_full["sipas-kiosk"].n == 0 and only_full["sipas-kiosk"].insufficient


def test_a_note_says_when_forms_are_pooled_with_each_forms_share_of_the_items() -> None:
    notes = [n.to_json() for n in pooling_notes({"sipas-full": FULL, "sipas-kiosk": KIOSK}, [])]
    assert notes == [{"code": "forms_pooled", "forms": {
        "sipas-full": {"respondents": 60, "items": 1200}, "sipas-kiosk": {"respondents": 40, "items": 200}}}]
    assert pooling_notes({"sipas-full": FULL}, [("sipas-full", 1, 60)]) == ()


def test_a_note_says_when_versions_are_pooled() -> None:
    notes = [n.to_json() for n in pooling_notes({"sipas-full": FULL}, [("sipas-full", 1, 20), ("sipas-full", 2, 40),
                                                                        ("sipas-kiosk", 1, 0)])]
    assert notes == [{"code": "versions_pooled", "versions": {
        "sipas-full": [{"version": 1, "responses": 20}, {"version": 2, "responses": 40}]}}]
