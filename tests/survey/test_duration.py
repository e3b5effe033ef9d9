"""The poster and the form's introduction state how long the questionnaire takes, computed from
its items or stated in its file and checked by the loader (issue 18, item 3)."""
from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from surveyapp.definitions import DefinitionError, load_definition_file, load_definitions_dir
from surveyapp.definitions.duration import SECONDS_PER_ITEM, duration_minutes, estimated_minutes
from surveyapp.settings import PROJECT_ROOT

SHIPPED = PROJECT_ROOT / "survey_definitions"


def test_the_full_form_is_estimated_from_its_items_not_promised_in_two_minutes() -> None:
    full = {d.id: d for d in load_definitions_dir(SHIPPED)}["sipas-full"]
    ratings = sum(1 for item in full.items if item.type == "rating")
    assert ratings >= 20
    assert estimated_minutes(full) >= math.ceil(ratings * SECONDS_PER_ITEM["rating"] / 60) > 2
    assert duration_minutes(full) == estimated_minutes(full) == 7


def with_duration(tmp_path: Path, minutes: int) -> Path:
    shutil.copy(SHIPPED / "schema.json", tmp_path / "schema.json")
    text = (SHIPPED / "sipas-full.toml").read_text(encoding="utf-8")
    path = tmp_path / "sipas-full.toml"
    path.write_text(text.replace("\nintro = ", f"\nduration_minutes = {minutes}\nintro = ", 1), encoding="utf-8")
    return path


def test_a_file_may_state_its_duration(tmp_path: Path) -> None:
    assert duration_minutes(load_definition_file(with_duration(tmp_path, 6))) == 6


@pytest.mark.parametrize("minutes, reason", [(2, "less than half the time its 37 items take"), (0, "minimum"),
                                             (90, "maximum")])
def test_the_loader_refuses_a_duration_that_is_not_honest(tmp_path: Path, minutes: int, reason: str) -> None:
    with pytest.raises(DefinitionError) as refused:
        load_definition_file(with_duration(tmp_path, minutes))
    assert reason in str(refused.value)


def test_the_poster_and_the_introduction_state_the_computed_duration(client) -> None:  # type: ignore[no-untyped-def]
    poster = client.get("/posters/TT-Q01").get_data(as_text=True)
    assert "Xin dành khoảng 7 phút đánh giá" in poster and "2 phút" not in poster
    form = client.get("/s/TT-Q01").get_data(as_text=True)
    assert '<p class="intro intro--duration">Mất khoảng 7 phút.</p>' in form
    english = client.get("/s/TT-Q01?lang=en").get_data(as_text=True)
    assert "It takes about 7 minutes." in english
