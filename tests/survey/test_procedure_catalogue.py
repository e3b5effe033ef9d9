"""A province's catalogue of 1,800 procedures: the form names only the counter's usual ones and
stays small; the others are found by a search that ignores tones, by code or by words, with
JavaScript (GET /procedures/search) or without it (the search button re-shows the form)."""
from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from bench.catalogue_data import province_catalogue, write_catalogue_csv
from surveyapp.models import Procedure, Response
from surveyapp.services.accounts import accounts
from surveyapp.services.organisation.imports import import_procedures
from surveyapp.services.organisation.lookups import counter_by_code
from surveyapp.services.organisation.manage import ManageError
from surveyapp.services.organisation.procedure_search import search_procedures
from surveyapp.services.organisation.usual_procedures import save_set_procedures
from surveyapp.textfold import fold
from tests.survey.helpers import full_answers

CATALOGUE = province_catalogue(1800)
BUILDING_PERMIT = next(code for code, name, _ in CATALOGUE if name == "Cấp giấy phép xây dựng")


@pytest.fixture
def province(db, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The demo catalogue plus 1,800 generated procedures, imported as an administrator would."""
    summary = import_procedures(db, write_catalogue_csv(tmp_path / "procedures.csv", 1800))
    db.commit()
    assert summary.created == 1800
    return db


def codes_named_in(page: str, db) -> list[str]:  # type: ignore[no-untyped-def]
    return [code for code in db.scalars(select(Procedure.code)) if code in page]


def test_fold_removes_tones_case_and_the_d_stroke():
    assert fold("Cấp GIẤY phép xây dựng") == "cap giay phep xay dung"
    assert fold("Đăng ký  kết hôn; (có yếu tố nước ngoài)") == "dang ky ket hon co yeu to nuoc ngoai"
    assert fold("mã 1.001612.") == "ma 1.001612"


def test_with_1800_procedures_the_form_names_at_most_50_and_stays_under_25_kb_compressed(client, province):
    reply = client.get("/s/TT-Q01", headers={"Accept-Encoding": "gzip"})
    assert reply.status_code == 200
    packed = reply.get_data()
    page = gzip.decompress(packed).decode("utf-8")
    assert len(packed) < 25 * 1024, f"{len(packed)} bytes compressed"
    assert page.count("<option value=") <= 50
    assert len(codes_named_in(page, province)) <= 50
    assert 'name="procedure"' in page and 'name="procedure_q"' in page and 'name="find_procedure"' in page


def test_the_search_finds_a_procedure_by_words_typed_without_tones(client, province):
    reply = client.get("/procedures/search", query_string={"q": "cap giay phep xay dung"})
    assert reply.status_code == 200 and reply.mimetype == "application/json"
    data = reply.get_json()
    assert data["query"] == "cap giay phep xay dung"
    assert data["results"][0] == {"code": BUILDING_PERMIT, "name": "Cấp giấy phép xây dựng", "field": "Xây dựng"}
    assert 1 < len(data["results"]) <= 20
    for result in data["results"]:
        assert all(word in fold(result["name"]) for word in ("cap", "giay", "phep", "xay", "dung"))


def test_the_search_finds_a_procedure_by_code_first(client, province):
    code, name, _field = CATALOGUE[700]
    results = client.get("/procedures/search", query_string={"q": code}).get_json()["results"]
    assert results[0]["code"] == code and results[0]["name"] == name
    prefix = client.get("/procedures/search", query_string={"q": code[:6]}).get_json()["results"]
    assert prefix and all(result["code"].startswith(code[:6]) for result in prefix[:3])


def test_the_search_ranks_a_name_that_starts_with_the_words_before_one_that_only_holds_them(province):
    names = [match.name for match in search_procedures(province, "GIẤY PHÉP XÂY DỰNG", 50)]
    assert names and all("giay phep xay dung" in fold(name) for name in names)
    starting = [fold(name).startswith("giay phep") for name in names]
    assert starting == sorted(starting, reverse=True) or not any(starting)
    assert names.index("Cấp giấy phép xây dựng") < names.index("Cấp lại giấy phép xây dựng cấp huyện")


def test_the_search_limit_is_bounded_and_an_empty_query_finds_nothing(client, province):
    assert len(client.get("/procedures/search?q=cap&limit=5").get_json()["results"]) == 5
    assert len(client.get("/procedures/search?q=cap&limit=50").get_json()["results"]) == 50
    assert len(client.get("/procedures/search?q=cap&limit=5000").get_json()["results"]) == 20  # malformed: default
    assert client.get("/procedures/search?q=%20%20").get_json() == {"query": "", "results": []}
    assert client.get("/procedures/search").get_json() == {"query": "", "results": []}


def test_hostile_search_text_is_answered_as_json_and_shown_escaped(client, province):
    hostile = '<script>alert("x")</script> cấp %_ \' OR 1=1 --'
    reply = client.get("/procedures/search", query_string={"q": hostile})
    assert reply.status_code == 200 and reply.mimetype == "application/json"
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.get_json()["query"] == hostile.strip()
    assert reply.get_json()["results"] == []  # every word must match: "script" and "alert" do not

    page = client.post("/s/TT-Q01", data={"procedure_q": hostile, "find_procedure": "1"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<script>alert" not in text
    assert str(escape(hostile.strip())) in text  # in the search field and in "nothing matches"


def test_without_javascript_the_search_button_shows_the_matches_and_keeps_the_answers(client, province):
    answers = full_answers(procedure="", overall="5")
    reply = client.post("/s/TT-Q01", data={**answers, "procedure_q": "cap giay phep xay dung", "find_procedure": "1"})
    page = reply.get_data(as_text=True)
    assert reply.status_code == 200
    assert province.scalar(select(func.count()).select_from(Response)) == 0
    assert f'type="radio" name="procedure" value="{BUILDING_PERMIT}"' in page
    assert re.search(r"\d+ thủ tục khớp với “cap giay phep xay dung”", page)
    assert 'name="overall" value="5" checked' in page  # the answers given so far are kept
    assert 'id="f-procedure-q"' in page and 'value="cap giay phep xay dung"' in page

    stored = client.post("/s/TT-Q01", data={**answers, "procedure": BUILDING_PERMIT})
    assert stored.status_code == 303
    assert province.scalar(select(Response)).procedure.code == BUILDING_PERMIT


def test_without_javascript_the_words_typed_in_the_procedure_field_are_searched(client, province):
    reply = client.post("/s/TT-Q01", data={"procedure": "dang ky khai sinh", "find_procedure": "1"})
    page = reply.get_data(as_text=True)
    assert 'type="radio" name="procedure" value="1.001193"' in page  # "Đăng ký khai sinh" of the demo


def test_a_search_that_matches_nothing_says_so_and_keeps_the_field(client, province):
    page = client.post("/s/TT-Q01", data={"procedure_q": "zzzz", "find_procedure": "1"}).get_data(as_text=True)
    assert "Không có thủ tục nào khớp với “zzzz”." in page
    assert 'id="f-procedure"' in page


def test_a_renamed_procedure_is_found_by_its_new_name_at_once(client, province):
    procedure = province.scalar(select(Procedure).where(Procedure.code == BUILDING_PERMIT))
    procedure.name = "Cấp phép công trình tạm"
    province.commit()
    found = client.get("/procedures/search?q=cap phep cong trinh tam").get_json()["results"]
    assert found[0] == {"code": BUILDING_PERMIT, "name": "Cấp phép công trình tạm", "field": "Xây dựng"}
    assert BUILDING_PERMIT not in [r["code"] for r in client.get("/procedures/search?q=cap giay phep xay dung").get_json()["results"]]


def listed_codes(page: str) -> list[str]:
    datalist = page[page.index('<datalist id="procedure-list">'):page.index("</datalist>")]
    return re.findall(r'<option value="([^"]+)">', datalist)


def test_the_form_lists_the_procedures_most_answered_at_the_counter_first(client, province):
    often, sometimes = CATALOGUE[1000][0], CATALOGUE[1001][0]
    for code in (sometimes, often, often):
        assert client.post("/s/TT-Q01", data=full_answers(procedure=code)).status_code == 303
    listed = listed_codes(client.get("/s/TT-Q01").get_data(as_text=True))
    assert listed[:2] == [often, sometimes] and len(listed) == 50
    assert often not in listed_codes(client.get("/s/TT-Q02").get_data(as_text=True))  # learned per counter


def test_a_counter_holds_at_most_50_set_procedures(province):
    admin = accounts.create_user(province, "admin", "admin-password", "admin")
    counter = counter_by_code(province, "TT-Q01")
    codes = [code for code, _name, _field in CATALOGUE[:51]]
    with pytest.raises(ManageError) as refusal:
        save_set_procedures(province, admin, counter, "\n".join(codes))
    assert refusal.value.field == "codes"
    assert [p.code for p in save_set_procedures(province, admin, counter, "\n".join(codes[:50]))] == codes[:50]
