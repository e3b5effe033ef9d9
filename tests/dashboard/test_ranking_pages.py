"""The ranking pages: `/reports/<unit>/<period>/ranking` (+ `.csv`, `.xlsx`, `/print`), in scope only."""
from __future__ import annotations

import csv
import io

from flask.testing import FlaskClient
from openpyxl import load_workbook

from tests.dashboard.conftest import COMMUNE, PROVINCE


def test_the_page_ranks_the_sub_units(as_admin: FlaskClient) -> None:
    response = as_admin.get(f"/reports/{PROVINCE}/2026-10/ranking")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    table = page.split('id="table-ranking"')[1].split("</table>")[0]
    assert "Xã Tân Lập" in table and "Ước lượng khu vực nhỏ" in table
    assert "Khoảng tin cậy 95% của hạng" in table
    assert f"/reports/{PROVINCE}/2026-10/ranking.xlsx?measure=service_index" in page
    assert 'aria-current="page">Xếp hạng' in page


def test_options_choose_the_measure_and_the_communes(as_admin: FlaskClient) -> None:
    page = as_admin.get(f"/reports/{PROVINCE}/2026-Q4/ranking?measure=E3&all_communes=1&against=target")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<option value="E3" selected>' in html and 'name="all_communes" value="1" checked' in html
    # A malformed option falls back to its default, as every dashboard link does.
    assert as_admin.get(f"/reports/{PROVINCE}/2026-10/ranking?measure=%3Cscript%3E").status_code == 200


def test_csv_and_xlsx_have_one_row_per_sub_unit(as_admin: FlaskClient) -> None:
    body = as_admin.get(f"/reports/{PROVINCE}/2026-10/ranking.csv")
    assert body.status_code == 200 and body.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(body.get_data().decode("utf-8-sig"))))
    codes = {row[3] for row in rows[3:]}
    assert COMMUNE in codes and len(rows) == 3 + len(codes)
    workbook = as_admin.get(f"/reports/{PROVINCE}/2026-10/ranking.xlsx")
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(workbook.get_data())).active
    assert "Xếp hạng" in str(sheet["A1"].value) and str(sheet["A5"].value) == "Phương pháp"


def test_print_view_is_a_document_for_the_council(as_admin: FlaskClient) -> None:
    page = as_admin.get(f"/reports/{PROVINCE}/2026-10/ranking/print?measure=overall").get_data(as_text=True)
    assert "BẢNG XẾP HẠNG" in page and "Tháng 10/2026" in page and "Mức độ hài lòng chung" in page
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page and 'id="table-ranking"' in page
    notes = page.split('class="notes"')[1]
    assert "4000 lần rút" in notes and "dưới 30 phiếu" in notes  # the method, in the reader's language


def test_an_official_cannot_rank_outside_his_scope(as_commune: FlaskClient) -> None:
    for suffix in ("/ranking", "/ranking.csv", "/ranking.xlsx", "/ranking/print"):
        assert as_commune.get(f"/reports/{PROVINCE}/2026-10{suffix}").status_code == 403
    assert as_commune.get(f"/reports/{COMMUNE}/2026-10/ranking").status_code == 200


def test_bad_period_or_unit_is_a_404_that_says_why(as_admin: FlaskClient) -> None:
    assert as_admin.get("/reports/NOPE/2026-10/ranking").status_code == 404
    response = as_admin.get(f"/reports/{PROVINCE}/2026-13/ranking")
    assert response.status_code == 404 and "2026-13" in response.get_data(as_text=True)


def test_signed_out_visitors_are_sent_to_sign_in(client: FlaskClient) -> None:
    assert client.get(f"/reports/{PROVINCE}/2026-10/ranking").status_code == 302


def test_a_target_the_unit_lacks_is_a_404_that_says_why(as_admin: FlaskClient, runner) -> None:  # type: ignore[no-untyped-def]
    assert runner.invoke(args=["set-targets", "--unit", PROVINCE, "E3=none"]).exit_code == 0
    response = as_admin.get(f"/reports/{PROVINCE}/2026-10/ranking?measure=E3&against=target")
    assert response.status_code == 404
    assert "không có chỉ tiêu cho E3" in response.get_data(as_text=True)
