"""Questionnaires are data files, validated on load; problems name the file, the item and the fault."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis import sipas
from surveyapp.definitions import DefinitionError, load_definition_file, load_definitions_dir
from surveyapp.settings import PROJECT_ROOT

SHIPPED = PROJECT_ROOT / "survey_definitions"


def test_the_shipped_definitions_load_with_canonical_ids():
    definitions = {d.id: d for d in load_definitions_dir(SHIPPED)}
    full, kiosk = definitions["sipas-full"], definitions["sipas-kiosk"]
    assert full.version >= 1 and kiosk.version >= 1
    for criterion in sipas.CRITERIA:
        item = full.item(criterion)
        assert item.type == "rating" and item.element == sipas.ELEMENT_OF_CRITERION[criterion]
        assert item.label("vi") and item.label("en") and item.label("vi") != item.label("en")
    for item_id in ("procedure", "submit_channel", "receive_channel", "trips", "slip", "ontime", "apology",
                    "harassment", "extra_payment", "overall", "expect", "comment", "respondent_type", "gender", "age_group"):
        assert item_id in full.item_ids
    assert full.item("apology").show_if == ("ontime", "late")
    assert [i.id for i in full.items if i.required] == ["trips", "slip", "harassment", "overall"]
    assert set(kiosk.item_ids) == {"overall", "E1", "E2", "E3", "E4", "E5", "trips", "slip", "harassment"}


def copy_with(tmp_path: Path, old: str, new: str, name: str = "sipas-full.toml") -> Path:
    shutil.copy(SHIPPED / "schema.json", tmp_path / "schema.json")
    text = (SHIPPED / name).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "item", "words"),
    [
        ('id = "TC03"', 'id = "TC02"', "TC02", "duplicate item id"),
        ('element = "E1"\nlabel = { vi = "Trang thiết bị phục vụ người dân, tổ chức hiện đại"',
         'element = "E2"\nlabel = { vi = "Trang thiết bị phục vụ người dân, tổ chức hiện đại"', "TC03", "belongs to element E1"),
        ('show_if = { item = "ontime", equals = "late" }', 'show_if = { item = "ontime", equals = "tardy" }', "apology", "not a code of 'ontime'"),
        ('{ code = "many", vi = "Có, nhiều lần", en = "Yes, many times" },', "", "harassment", "codes must be"),
        ('type = "multi"', 'type = "multiple"', "expect", "is not one of"),
        ('label = { vi = "Kết quả đúng quy định", en = "The result is as regulated" }',
         'label = { vi = "Kết quả đúng quy định" }', "TC16", "'en' is a required property"),
    ],
)
def test_a_faulty_definition_names_file_item_and_problem(tmp_path, old, new, item, words):
    path = copy_with(tmp_path, old, new)
    with pytest.raises(DefinitionError) as caught:
        load_definition_file(path)
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith(f"sipas-full.toml: item {item}:") and words in m for m in messages), messages


def test_a_definition_whose_id_does_not_match_its_file_is_refused(tmp_path):
    path = copy_with(tmp_path, 'id = "sipas-kiosk"', 'id = "sipas-other"', name="sipas-kiosk.toml")
    with pytest.raises(DefinitionError, match="must match the file name"):
        load_definition_file(path)


def test_broken_toml_is_reported_with_the_file_name(tmp_path):
    shutil.copy(SHIPPED / "schema.json", tmp_path / "schema.json")
    (tmp_path / "broken.toml").write_text("id = \n", encoding="utf-8")
    with pytest.raises(DefinitionError, match="broken.toml: not valid TOML"):
        load_definitions_dir(tmp_path)
