"""Exports officials can read: their language, numbers as numbers, a codebook, Vietnam's dates."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from surveyapp.models import Response, Unit
from tests.dashboard.conftest import COMMUNE, MONTH, OTHER_COMMUNE, PROVINCE

REPORT_COLUMNS = ["section", "id", "label", "value", "ci_low", "ci_high", "n", "count", "status", "target", "position"]


def _csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_report_csv_keeps_its_column_ids_and_adds_a_header_and_statuses_in_vietnamese(as_admin: FlaskClient) -> None:
    rows = _csv(as_admin.get(f"/reports/{PROVINCE}/{MONTH}.csv").data)
    assert rows[0][:2] == ["unit", PROVINCE] and rows[0][3:] == ["month", MONTH]
    assert rows[1] == [*REPORT_COLUMNS, "status_label", "position_label"]
    assert rows[2][:4] == ["Phần", "Mã", "Nội dung", "Giá trị"] and rows[2][-2] == "Đánh giá (bằng chữ)"
    records = {(r[0], r[1]): dict(zip(rows[1], r, strict=True)) for r in rows[3:]}
    words = {"meets": "đạt chỉ tiêu", "possibly_below": "có thể dưới chỉ tiêu", "below": "dưới chỉ tiêu",
             "significant": "thay đổi có ý nghĩa thống kê", "not_significant": "thay đổi không có ý nghĩa thống kê", "": "",
             # flags are limits (issue 12): within / possibly above / above, and incidents counted
             "within": "trong ngưỡng", "possibly_above": "có thể vượt ngưỡng", "above": "vượt ngưỡng"}
    for record in records.values():
        if record["status"] == "incidents":
            assert record["status_label"] == f"{record['count']} trường hợp được phản ánh"
        else:
            assert record["status_label"] == words[record["status"]]
    children = [record for (section, _code), record in records.items() if section == "child"]
    assert children and all(record["position_label"] for record in children)
    assert all(record["position_label"] == "" for (section, _code), record in records.items() if section != "child")
    overall = records[("summary", "overall")]["value"]
    assert "." in overall and len(overall) > 8  # dot decimal, full precision for programs
    assert records[("flag", "harassment")]["label"] == "Công chức gây phiền hà, sách nhiễu"


def test_report_csv_in_english_for_an_english_speaking_official(as_admin: FlaskClient) -> None:
    rows = _csv(as_admin.get(f"/reports/{PROVINCE}/{MONTH}.csv?lang=en").data)
    assert rows[1][:11] == REPORT_COLUMNS
    assert rows[2][:3] == ["Section", "Id", "Label"] and rows[2][-2:] == ["Status (in words)", "Funnel position (in words)"]
    statuses = {row[-2] for row in rows[3:]}
    assert statuses & {"below target", "possibly below target", "meets target"}


def test_report_xlsx_has_frozen_headers_widths_percent_formats_and_words(as_admin: FlaskClient) -> None:
    book = load_workbook(io.BytesIO(as_admin.get(f"/reports/{PROVINCE}/{MONTH}.xlsx").data))
    assert book.sheetnames == ["Tổng hợp", "Tiêu chí", "Cờ cảnh báo", "Đơn vị trực thuộc"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A3"
        assert [cell.value for cell in sheet[2]][:3] == ["Phần", "Mã", "Nội dung"]
        assert sheet.column_dimensions["C"].width == 60 and sheet.column_dimensions["I"].width >= 20
    summary = {row[1].value: row for row in book["Tổng hợp"].iter_rows(min_row=3) if row[0].value == "summary"}
    assert summary["overall"][3].number_format == "0.00%" and isinstance(summary["overall"][3].value, float)
    assert summary["overall_mean"][3].number_format == "0.00"
    assert isinstance(summary["n_responses"][6].value, int)
    changes = [row for row in book["Tổng hợp"].iter_rows(min_row=3, values_only=True) if row[0] == "change"]
    assert {row[8] for row in changes} <= {"thay đổi có ý nghĩa thống kê", "thay đổi không có ý nghĩa thống kê", None}
    distribution = [row[1] for row in book["Tổng hợp"].iter_rows(min_row=3, values_only=True) if row[0] == "overall_distribution"]
    assert distribution == [1, 2, 3, 4, 5]
    positions = {row[10] for row in book["Đơn vị trực thuộc"].iter_rows(min_row=3, values_only=True)}
    assert positions and not positions & {"inside", "above_95", "below_95", "above_998", "below_998", None}

    english = load_workbook(io.BytesIO(as_admin.get(f"/reports/{PROVINCE}/{MONTH}.xlsx?lang=en").data))
    assert english.sheetnames == ["Summary", "Criteria", "Red flags", "Sub-units"]
    assert [cell.value for cell in english["Summary"][2]][:3] == ["Section", "Id", "Label"]


def test_responses_xlsx_has_a_codebook_sheet_in_the_officials_language(as_commune: FlaskClient) -> None:
    book = load_workbook(io.BytesIO(as_commune.get(f"/reports/{COMMUNE}/{MONTH}/responses.xlsx").data))
    assert book.sheetnames == ["Số phiếu trả lời", "Bảng mã"]
    responses = book.worksheets[0]
    assert responses.freeze_panes == "A2" and responses.column_dimensions["AW"].width >= 7
    codebook = [tuple(row) for row in book["Bảng mã"].iter_rows(values_only=True)]
    assert codebook[0] == ("Cột", "Mã", "Ý nghĩa")
    assert ("TC01", None, "Nơi ngồi chờ có đủ chỗ ngồi") in codebook
    assert ("slip", "yes", "Có") in codebook and ("harassment", "none", "Không") in codebook
    assert ("submit_channel", "direct", "Trực tiếp tại Bộ phận Một cửa") in codebook
    assert ("trips", 3, "3 lần trở lên") in codebook and ("TC01", "na", "Không áp dụng / không biết") in codebook
    assert ("channel", "kiosk", "Máy kiosk") in codebook and ("expect", "online", "Dịch vụ công trực tuyến") in codebook
    columns = [row[0] for row in codebook[1:] if row[1] is None]
    assert columns == [cell.value for cell in responses[1]]  # every column of the responses explained, in order

    english = load_workbook(io.BytesIO(as_commune.get(f"/reports/{COMMUNE}/{MONTH}/responses.xlsx?lang=en").data))
    rows = [tuple(row) for row in english["Codebook"].iter_rows(values_only=True)]
    assert ("slip", "yes", "Yes") in rows and rows[0] == ("Column", "Code", "Meaning")


def test_codebook_csv_explains_every_column_and_code_and_keeps_to_the_scope(app: Flask, as_commune: FlaskClient) -> None:
    reply = as_commune.get(f"/reports/{COMMUNE}/{MONTH}/codebook.csv")
    assert reply.status_code == 200 and reply.mimetype == "text/csv"
    assert "attachment" in reply.headers["Content-Disposition"] and reply.headers["Cache-Control"] == "no-store"
    rows = _csv(reply.data)
    assert rows[0] == ["column", "code", "label"]
    assert ["ontime", "late", "Trễ hẹn"] in rows
    assert ["trips", "3", "3 lần trở lên"] in rows
    responses_header = _csv(as_commune.get(f"/reports/{COMMUNE}/{MONTH}/responses.csv").data)[0]
    assert [r[0] for r in rows[1:] if r[1] == ""] == responses_header
    assert as_commune.get(f"/reports/{OTHER_COMMUNE}/{MONTH}/codebook.csv").status_code == 403
    assert app.test_client().get(f"/reports/{COMMUNE}/{MONTH}/codebook.csv").status_code in (302, 401)


def _response_at(db, moment: datetime, month: str) -> None:  # type: ignore[no-untyped-def]
    template = db.scalar(select(Response).where(Response.month == MONTH).order_by(Response.id))
    unit = db.scalar(select(Unit).where(Unit.code == COMMUNE))
    db.add(Response(uid=f"late-evening-{moment:%Y%m%d%H%M}", definition_pk=template.definition_pk,
                    definition_id=template.definition_id, definition_version=template.definition_version,
                    unit_id=unit.id, channel="qr", submitted_at=moment, month=month, answers=dict(template.answers),
                    comment=f"sent at {moment:%H:%M} UTC"))


def test_every_date_in_the_responses_exports_is_vietnams_and_agrees_with_the_month(as_commune: FlaskClient, db) -> None:  # type: ignore[no-untyped-def]
    # 17:30 UTC on the last day of a month is 00:30 on the first of the next month in Vietnam.
    _response_at(db, datetime(2026, 10, 31, 17, 30), "2026-11")
    _response_at(db, datetime(2026, 11, 30, 17, 30), "2026-12")
    db.commit()
    for month, first_day in (("2026-11", "2026-11-01"), ("2026-12", "2026-12-01")):
        rows = list(csv.DictReader(io.StringIO(
            as_commune.get(f"/reports/{COMMUNE}/{month}/responses.csv").data.decode("utf-8-sig"), newline="")))
        assert rows and all(row["date"][:7] == row["month"] == month for row in rows)
        assert {row["date"] for row in rows if row["comment"] == "sent at 17:30 UTC"} == {first_day}
        sheet = load_workbook(io.BytesIO(as_commune.get(f"/reports/{COMMUNE}/{month}/responses.xlsx").data)).worksheets[0]
        dates = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert dates and all(isinstance(day, datetime | date) and f"{day:%Y-%m}" == month for day in dates)
