"""`import-xlsform`: a valid form becomes the next version of the questionnaire; every problem is
printed as `sheet!row, column: reason` in Vietnamese (English with SURVEYAPP_LANG=en) and
nothing is stored."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from surveyapp.models import SurveyDefinitionRecord
from surveyapp.services.campaigns.campaigns import campaign_by_id
from surveyapp.services.survey.definitions import current_definition
from tests.xlsform.helpers import SURVEY, xlsform


def versions(db) -> int:  # type: ignore[no-untyped-def]
    return db.scalar(select(func.count(SurveyDefinitionRecord.id)).where(
        SurveyDefinitionRecord.definition_id == "sipas-full"))


def test_a_valid_form_becomes_a_new_version_with_the_standard_questions_kept(runner, db, tmp_path: Path):
    before = current_definition(db, "sipas-full")
    assert before is not None
    result = runner.invoke(args=["import-xlsform", str(xlsform(tmp_path / "form.xlsx")), "--into", "sipas-full"])
    assert result.exit_code == 0, result.output
    record, definition = current_definition(db, "sipas-full")  # type: ignore[misc]
    assert record.version == before[0].version + 1
    assert set(before[1].item_ids) < set(definition.item_ids), "nothing of the standard form is removed"
    assert [i.id for i in definition.added_items] == ["used_portal", "portal_features", "visits", "thanks_note",
                                                     "portal_issue"]
    features = definition.item("portal_features")
    assert features.type == "multi" and features.required and features.relevant is not None
    assert features.options[1].labels == {"vi": "Thanh toán", "en": "Pay fees"}
    assert definition.item("visits").type == "integer"
    assert definition.sections[-1].title("en") == "The province's questions"


def test_a_second_upload_replaces_the_first_ones_questions(runner, db, tmp_path: Path):
    runner.invoke(args=["import-xlsform", str(xlsform(tmp_path / "a.xlsx")), "--into", "sipas-full"])
    smaller = xlsform(tmp_path / "b.xlsx", survey=[SURVEY[1]])
    result = runner.invoke(args=["import-xlsform", str(smaller), "--into", "sipas-full"])
    assert result.exit_code == 0, result.output
    _record, definition = current_definition(db, "sipas-full")  # type: ignore[misc]
    assert [i.id for i in definition.added_items] == ["used_portal"]
    assert definition.sections[-1].title("vi") == "Câu hỏi của tỉnh An Phú", "ungrouped: the settings' form_title"


def test_a_dry_run_stores_nothing(runner, db, tmp_path: Path):
    count = versions(db)
    result = runner.invoke(args=["import-xlsform", str(xlsform(tmp_path / "f.xlsx")), "--into", "sipas-full",
                                 "--dry-run"])
    assert result.exit_code == 0 and "5" in result.output
    assert versions(db) == count


def test_an_unknown_campaign_is_refused(runner, tmp_path: Path):
    result = runner.invoke(args=["import-xlsform", str(xlsform(tmp_path / "f.xlsx")), "--campaign", "7"])
    assert result.exit_code == 1 and "7" in result.output
    both = runner.invoke(args=["import-xlsform", str(xlsform(tmp_path / "f.xlsx")), "--campaign", "7",
                               "--into", "sipas-full"])
    assert both.exit_code != 0


def bad(rows_changed: dict[int, list[str]] | None = None, extra: list[list[str]] | None = None) -> list[list[str]]:
    rows = [list(row) for row in SURVEY]
    for index, row in (rows_changed or {}).items():
        rows[index] = row
    return rows[:-1] + (extra or []) + rows[-1:]


CASES = [
    # (survey rows, expected `sheet!row, column` and a word of the Vietnamese reason)
    (bad({1: ["select_one yn", "used_portal", "Câu", "Q", "yes", "${portal_issue} = 'x'"]}),
     "survey!3, relevant", "vòng lặp"),  # used_portal → portal_issue → portal_features → used_portal
    (bad(extra=[["integer", "visits", "Lần nữa", "Again", "", ""]]), "survey!8, name", "trùng"),
    (bad(extra=[["geopoint", "where", "Ở đâu", "Where", "", ""]]), "survey!8, type", "geopoint"),
    (bad(extra=[["select_one colours", "colour", "Màu", "Colour", "", ""]]), "survey!8, type", "colours"),
    (bad(extra=[["select_one yn", "TC05", "Tiêu chí", "Criterion", "", ""]]), "survey!8, name", "TC05"),
    (bad(extra=[["integer", "overall", "Tổng", "Overall", "", ""]]), "survey!8, name", "overall"),
    (bad(extra=[["text", "csrf_token", "Mã", "Token", "", ""]]), "survey!8, name", "csrf_token"),
    (bad(extra=[["text", "why", "Vì sao", "Why", "", "${nothing} = 'x'"]]), "survey!8, relevant", "nothing"),
    (bad(extra=[["text", "why", "Vì sao", "Why", "", "${used_portal} = 'maybe'"]]), "survey!8, relevant", "maybe"),
    (bad(extra=[["text", "why", "Vì sao", "Why", "", "count(${visits}) > 1"]]), "survey!8, relevant", "XLSFORM.md"),
    (bad(extra=[["text", "why", "", "Why", "", ""]]), "survey!8, label::Tiếng Việt (vi)", "tiếng Việt"),
    (bad(extra=[["text", "why", "Vì sao", "Why", "perhaps", ""]]), "survey!8, required", "yes"),
]


@pytest.mark.parametrize(("rows", "where", "word"), CASES)
def test_each_problem_is_reported_where_it_is_and_nothing_is_stored(runner, db, tmp_path, rows, where, word):
    count = versions(db)
    result = runner.invoke(args=["import-xlsform", str(xlsform(tmp_path / "bad.xlsx", survey=rows)),
                                 "--into", "sipas-full"])
    assert result.exit_code == 1
    lines = [line.strip() for line in result.output.splitlines() if line.strip().startswith(where)]
    assert lines and word in lines[0], result.output
    assert versions(db) == count


def test_problems_in_english_and_several_at_once(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("SURVEYAPP_LANG", "en")
    rows = bad(extra=[["select_one colours", "colour", "Màu", "Colour", "", ""], ["integer", "visits", "x", "x", "", ""],
                      ["end_group", "", "", "", "", ""]])
    result = runner.invoke(args=["import-xlsform", str(xlsform(tmp_path / "bad.xlsx", survey=rows)),
                                 "--into", "sipas-full"])
    assert result.exit_code == 1
    assert "survey!8, type: the choice list colours does not exist in the sheet choices" in result.output
    assert "survey!9, name: duplicate name visits, first in row 5" in result.output
    assert "survey!11, type: end_group without a begin_group" in result.output  # the group closed at row 10


def test_a_duplicate_choice_and_an_unknown_questionnaire(runner, tmp_path):
    choices = [["yn", "yes", "Có", "Yes"], ["yn", "yes", "Có nữa", "Yes again"], ["feat", "pay", "Trả", "Pay"]]
    result = runner.invoke(args=["import-xlsform", str(xlsform(tmp_path / "c.xlsx", survey=[SURVEY[1]],
                                                               choices=choices)), "--into", "sipas-full"])
    assert result.exit_code == 1 and "choices!3, name" in result.output
    unknown = runner.invoke(args=["import-xlsform", str(xlsform(tmp_path / "d.xlsx")), "--into", "nope"])
    nul = runner.invoke(args=["import-xlsform", str(xlsform(tmp_path / "d.xlsx")), "--into", "a\x00b"])
    assert nul.exit_code == 1 and "Traceback" not in nul.output
    assert unknown.exit_code == 1 and "nope" in unknown.output
    kiosk = runner.invoke(args=["import-xlsform", str(xlsform(tmp_path / "d.xlsx")), "--into", "sipas-kiosk"])
    assert kiosk.exit_code == 1 and "sipas-kiosk" in kiosk.output


def test_a_file_that_is_not_a_workbook(runner, tmp_path):
    path = tmp_path / "form.xlsx"
    path.write_bytes(b"PK\x03\x04 not really")
    result = runner.invoke(args=["import-xlsform", str(path), "--into", "sipas-full"])
    assert result.exit_code == 1 and "XLSX" in result.output


def test_a_campaigns_questions_go_into_its_own_questionnaire_not_the_regular_one(runner, db, tmp_path: Path):
    regular_before = current_definition(db, "sipas-full")
    assert regular_before is not None
    created = runner.invoke(args=["campaign", "create", "--name", "Đột xuất quý 4", "--unit", "DEMO",
                                  "--period", "2026-Q3", "--sample", "5"])
    assert created.exit_code == 0, created.output
    campaign_id = created.output.strip().splitlines()[-1]

    result = runner.invoke(args=["import-xlsform", str(xlsform(tmp_path / "f.xlsx")), "--campaign", campaign_id])
    assert result.exit_code == 0, result.output

    campaign = campaign_by_id(db, int(campaign_id))
    assert campaign is not None and campaign.definition_id == f"campaign-{campaign_id}"
    _record, own = current_definition(db, campaign.definition_id)  # type: ignore[misc]
    assert "used_portal" in own.item_ids and set(regular_before[1].item_ids) < set(own.item_ids)
    regular_record, regular = current_definition(db, "sipas-full")  # type: ignore[misc]
    assert regular_record.version == regular_before[0].version and "used_portal" not in regular.item_ids

    # A second upload is the campaign questionnaire's next version, built on the same base.
    again = runner.invoke(args=["import-xlsform", str(xlsform(tmp_path / "g.xlsx")), "--campaign", campaign_id])
    assert again.exit_code == 0, again.output
    record, _own = current_definition(db, f"campaign-{campaign_id}")  # type: ignore[misc]
    assert record.version == 2
