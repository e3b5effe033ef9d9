"""The units list counts each unit's whole subtree (read from the rollups) and, labelled apart,
the responses at the unit's own counters (issue 18, item 8)."""
from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from surveyapp.db import get_session
from surveyapp.models import Response, Unit
from tests.dashboard.conftest import COMMUNE, PROVINCE


def counts_on_page(html: str) -> dict[str, tuple[int, int]]:
    rows = re.findall(r"<code>([^<]+)</code></td><td class=\"num\">\d+</td>"
                      r"<td class=\"num\">([\d.]+)</td><td class=\"num\">([\d.]+)</td>", html)
    return {code: (int(subtree.replace(".", "")), int(own.replace(".", ""))) for code, subtree, own in rows}


def test_a_unit_counts_its_whole_subtree_and_its_own_responses_apart(as_admin: FlaskClient, app: Flask) -> None:
    html = as_admin.get("/manage/units").get_data(as_text=True)
    assert "Số phiếu đã lưu (đơn vị và các đơn vị trực thuộc)" in html
    assert "trong đó tại quầy của chính đơn vị" in html
    counts = counts_on_page(html)
    with app.app_context():
        session = get_session()
        everything = session.scalar(select(func.count()).select_from(Response))
        province = session.scalar(select(Unit).where(Unit.code == PROVINCE))
        assert province is not None
        at_province = session.scalar(select(func.count()).where(Response.unit_id == province.id))
        commune = session.scalar(select(Unit).where(Unit.code == COMMUNE))
        assert commune is not None
        at_commune = session.scalar(select(func.count()).where(Response.unit_id == commune.id))
    assert everything and at_commune
    assert counts[PROVINCE] == (everything, at_province)
    assert counts[COMMUNE] == (at_commune, at_commune)  # a commune has no sub-units
    english = as_admin.get("/manage/units?lang=en").get_data(as_text=True)
    assert "Responses stored (unit and its sub-units)" in english and "of which at the unit's own counters" in english
