"""`report --format json` gives the service index by form beside the pooled one and notes the
pooling (issue 12, item 6)."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from sqlalchemy import select

from surveyapp.models import Response, SurveyDefinitionRecord
from tests.imports.helpers import full_row, kiosk_row, write_csv


@pytest.fixture
def both_forms(runner, tmp_path: Path) -> None:
    rng = random.Random(6)
    rows = [full_row(rng, f"f{i}", "DEMO-P-ANPHU", f"2026-11-{1 + i % 20:02d}T10:00:00") for i in range(40)]
    rows += [kiosk_row(rng, f"k{i}", "DEMO-P-ANPHU", "2026-11-05T10:00:00", good=False) for i in range(35)]
    result = runner.invoke(args=["import-responses", str(write_csv(tmp_path / "r.csv", rows))])
    assert result.exit_code == 0, result.output


def test_report_json_gives_the_index_of_each_form_and_notes_the_pooling(runner, both_forms, db) -> None:
    result = runner.invoke(args=["report", "--unit", "DEMO-P-ANPHU", "--month", "2026-11"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    by_form = report["service_index_by_form"]
    assert set(by_form) == {"sipas-full", "sipas-kiosk"}
    assert (by_form["sipas-full"]["n"], by_form["sipas-kiosk"]["n"]) == (40, 35)
    assert by_form["sipas-full"]["items"] + by_form["sipas-kiosk"]["items"] == report["service_index"]["items"]
    assert by_form["sipas-full"]["count"] + by_form["sipas-kiosk"]["count"] == report["service_index"]["count"]
    forms = next(n for n in report["notes"] if n["code"] == "forms_pooled")["forms"]
    assert forms["sipas-kiosk"]["respondents"] == 35 and forms["sipas-full"]["respondents"] == 40
    assert not any(n["code"] == "versions_pooled" for n in report["notes"])  # one version of each


def test_one_form_alone_needs_no_note(runner, tmp_path: Path) -> None:
    rng = random.Random(7)
    rows = [full_row(rng, f"f{i}", "DEMO-P-ANPHU", "2026-11-03T10:00:00") for i in range(31)]
    assert runner.invoke(args=["import-responses", str(write_csv(tmp_path / "r.csv", rows))]).exit_code == 0
    report = json.loads(runner.invoke(args=["report", "--unit", "DEMO-P-ANPHU", "--month", "2026-11"]).stdout)
    assert report["notes"] == [] and report["service_index_by_form"]["sipas-kiosk"]["insufficient"]


def test_a_second_version_of_a_questionnaire_is_noted(runner, both_forms, db) -> None:
    first = db.scalars(select(SurveyDefinitionRecord).where(SurveyDefinitionRecord.definition_id == "sipas-full")).one()
    second = SurveyDefinitionRecord(definition_id="sipas-full", version=first.version + 1, checksum="v2", body=first.body)
    db.add(second)
    db.flush()
    moved = db.scalars(select(Response).where(Response.definition_id == "sipas-full").limit(10)).all()
    for response in moved:
        response.definition_pk = second.id
    db.commit()
    report = json.loads(runner.invoke(args=["report", "--unit", "DEMO-P-ANPHU", "--month", "2026-11"]).stdout)
    versions = next(n for n in report["notes"] if n["code"] == "versions_pooled")["versions"]
    assert versions == {"sipas-full": [{"version": first.version, "responses": 30},
                                       {"version": first.version + 1, "responses": 10}]}
