"""What officials read and download: the monthly page, drill-downs, print view, CSV and XLSX."""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from surveyapp.models import Counter, Response
from tests.dashboard.conftest import COMMUNE, MONTH, PROVINCE, WEAK_COUNTER


def test_monthly_overview_shows_the_headline_numbers_in_vietnamese_format(as_commune):
    page = as_commune.get(f"/reports/{COMMUNE}/{MONTH}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="vi">' in html and "Xã Tân Lập" in html and "11/2026" in html
    for text in ("Chỉ số hài lòng về sự phục vụ", "Mức độ hài lòng chung", "Cờ cảnh báo", "Ưu tiên khắc phục"):
        assert text in html, text
    assert "%" in html and "," in html  # Babel: 65,9%
    assert 'type="application/json"' in html and "chart.umd.min.js" in html
    assert "<script>" not in html and "onclick" not in html  # no inline script (CSP)


def test_overview_in_english_on_request(as_commune):
    html = as_commune.get(f"/reports/{COMMUNE}/{MONTH}?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html and "Overall satisfaction" in html and "Red flags" in html


def test_province_overview_compares_children_on_a_funnel(as_admin):
    html = as_admin.get(f"/reports/{PROVINCE}/{MONTH}").get_data(as_text=True)
    assert 'id="chart-funnel"' in html and 'id="table-children"' in html
    for commune in ("Xã Tân Lập", "Xã Bình Minh", "Phường An Phú"):
        assert commune in html
    assert "badge--below" in html or "badge--maybe" in html


def test_counter_breakdown_lists_the_weak_counter_first_with_a_poster_link(as_admin):
    html = as_admin.get(f"/reports/{PROVINCE}/{MONTH}/by/counter").get_data(as_text=True)
    table = html.split('id="table-breakdown"')[1]
    assert table.index(WEAK_COUNTER) < table.index("TT-Q01")
    assert f"/posters/{WEAK_COUNTER}" in html
    assert f"/reports/{PROVINCE}/{MONTH}/counters/{WEAK_COUNTER}" in html


def test_counter_page_ranks_criteria_and_shows_its_comments(as_commune):
    page = as_commune.get(f"/reports/{COMMUNE}/{MONTH}/counters/{WEAK_COUNTER}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "TC" in html and "comment-list" in html


def test_procedure_and_channel_breakdowns(as_commune):
    assert "1.0" in as_commune.get(f"/reports/{COMMUNE}/{MONTH}/by/procedure").get_data(as_text=True)
    assert "Mã QR" in as_commune.get(f"/reports/{COMMUNE}/{MONTH}/by/channel").get_data(as_text=True)


def test_criteria_page_ranks_the_22_criteria_from_worst(as_commune):
    html = as_commune.get(f"/reports/{COMMUNE}/{MONTH}/criteria").get_data(as_text=True)
    table = html.split('id="table-criteria"')[1].split("</table>")[0]
    assert table.count("<strong>TC") == 22
    assert 'id="table-expectations"' in html


def _add_comment(db, text: str, overall: int) -> None:
    template = db.scalar(select(Response).join(Counter, Counter.id == Response.counter_id)
                         .where(Counter.code == WEAK_COUNTER, Response.month == MONTH).order_by(Response.submitted_at.desc()))
    db.add(Response(uid="test-" + str(overall) + str(len(text)), definition_pk=template.definition_pk, definition_id=template.definition_id,
                    definition_version=template.definition_version, unit_id=template.unit_id, counter_id=template.counter_id,
                    channel="qr", submitted_at=template.submitted_at, month=MONTH, answers={**template.answers, "overall": overall}, comment=text))
    db.commit()


def test_comments_are_escaped_newest_first_and_filterable(as_commune, db):
    _add_comment(db, "<script>alert('x')</script> cán bộ thu thêm tiền", 1)
    page = as_commune.get(f"/reports/{COMMUNE}/{MONTH}/comments").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    low = as_commune.get(f"/reports/{COMMUNE}/{MONTH}/comments?max_overall=1").get_data(as_text=True)
    assert "thu thêm tiền" in low and low.count("<blockquote>") == 1
    searched = as_commune.get(f"/reports/{COMMUNE}/{MONTH}/comments?q=thu+thêm").get_data(as_text=True)
    assert "thu thêm tiền" in searched
    none = as_commune.get(f"/reports/{COMMUNE}/{MONTH}/comments?q=zzzz-nothing").get_data(as_text=True)
    assert "<blockquote>" not in none


def test_report_csv_has_a_bom_and_opens_as_a_table(as_commune):
    response = as_commune.get(f"/reports/{COMMUNE}/{MONTH}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert f"bao-cao-{COMMUNE}-{MONTH}.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][1] == COMMUNE and "overall" in [r[1] for r in rows if len(r) > 1]


def test_report_xlsx_opens_in_openpyxl(as_commune):
    response = as_commune.get(f"/reports/{COMMUNE}/{MONTH}.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(response.data))
    assert len(workbook.sheetnames) >= 1
    assert workbook.worksheets[0].cell(row=1, column=2).value == COMMUNE


def test_raw_responses_are_anonymised_and_limited_to_the_scope(as_commune, db):
    response = as_commune.get(f"/reports/{COMMUNE}/{MONTH}/responses.csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    expected = db.query(Response).join(Counter, Counter.id == Response.counter_id).filter(
        Counter.code == WEAK_COUNTER, Response.month == MONTH).count()
    assert len(rows) == expected and {r["unit_code"] for r in rows} == {COMMUNE}
    assert "uid" not in rows[0] and ":" not in rows[0]["date"]  # no id, no time of day
    assert {"TC01", "overall", "trips", "comment"} <= set(rows[0])
    workbook = load_workbook(io.BytesIO(as_commune.get(f"/reports/{COMMUNE}/{MONTH}/responses.xlsx").data))
    assert workbook.active.max_row == expected + 1


def test_print_view_is_an_a4_administrative_report(as_commune):
    html = as_commune.get(f"/reports/{COMMUNE}/{MONTH}/print").get_data(as_text=True)
    for text in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO", "XÃ TÂN LẬP", "11/2026",
                 "report-print.css", "data-print"):
        assert text in html, text
    assert "Ghi chú về phương pháp và cỡ mẫu" in html


def test_month_switch_goes_to_the_chosen_month(as_commune):
    response = as_commune.get(f"/reports/go?unit={COMMUNE}&month=2026-09&tab=criteria")
    assert response.headers["Location"] == f"/reports/{COMMUNE}/2026-09/criteria"


def test_a_month_without_responses_reads_as_insufficient_not_as_zero(as_commune):
    html = as_commune.get(f"/reports/{COMMUNE}/2025-01").get_data(as_text=True)
    assert "chưa đủ dữ liệu" in html and "Chưa có phiếu trả lời" in html


def test_month_switch_keeps_the_breakdown_tab(as_commune):
    response = as_commune.get(f"/reports/go?unit={COMMUNE}&month=2026-10&tab=counter")
    assert response.headers["Location"] == f"/reports/{COMMUNE}/2026-10/by/counter"


def test_an_xlsx_of_a_periods_responses_is_written_row_by_row_without_rescanning_the_sheet(as_admin, monkeypatch):
    """Every row was written, then the sheet's `max_row` read, which scans every cell written
    so far: four months of the demo province took 16 s, a real province's month minutes. The
    writer now knows each row's number; the file is the same (dates as dates, codes as numbers)."""
    from openpyxl.worksheet.worksheet import Worksheet

    scans = []
    original = Worksheet.max_row

    def counting(sheet: Worksheet) -> int:
        scans.append(1)
        return original.fget(sheet)

    monkeypatch.setattr(Worksheet, "max_row", property(counting))
    reply = as_admin.get(f"/reports/{PROVINCE}/2026-07..2026-10/responses.xlsx")
    assert reply.status_code == 200
    monkeypatch.undo()
    sheet = load_workbook(io.BytesIO(reply.data)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) > 1000
    assert len(scans) < 10  # not one per row
    header = [cell.value for cell in sheet[1]]
    assert all(hasattr(row[1], "year") for row in rows)  # the date column holds dates
    assert any(isinstance(value, int) for row in rows for value in row[len(header) - 20:])
