"""An XLSForm built with openpyxl, as a province's form designer would save it."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

VI, EN = "label::Tiếng Việt (vi)", "label::English (en)"
SURVEY_HEADER = ["type", "name", VI, EN, "required", "relevant"]
CHOICES_HEADER = ["list_name", "name", VI, EN]

SURVEY = [
    ["begin_group", "rieng", "Câu hỏi riêng của tỉnh", "The province's questions", "", ""],
    ["select_one yn", "used_portal", "Ông/Bà đã dùng Cổng dịch vụ công chưa?", "Have you used the portal?", "yes", ""],
    ["select_multiple feat", "portal_features", "Ông/Bà đã dùng chức năng nào?", "Which features?", "yes",
     "${used_portal} = 'yes'"],
    ["integer", "visits", "Số lần đến trong năm", "Visits this year", "", ""],
    ["note", "thanks_note", "Cảm ơn Ông/Bà.", "Thank you.", "", ""],
    ["text", "portal_issue", "Vấn đề khi dùng thanh toán trực tuyến", "Problem with online payment", "",
     "selected(${portal_features}, 'pay') and ${visits} >= 2"],
    ["end_group", "", "", "", "", ""],
]
CHOICES = [
    ["yn", "yes", "Có", "Yes"],
    ["yn", "no", "Không", "No"],
    ["feat", "submit", "Nộp hồ sơ", "Submit a dossier"],
    ["feat", "pay", "Thanh toán", "Pay fees"],
    ["feat", "track", "Tra cứu", "Track a dossier"],
]


def xlsform(path: Path, survey: list[list[str]] | None = None, choices: list[list[str]] | None = None,
            survey_header: list[str] | None = None, settings: bool = True) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    sheet.append(survey_header or SURVEY_HEADER)
    for row in SURVEY if survey is None else survey:
        sheet.append(row)
    choice_sheet = book.create_sheet("choices")
    choice_sheet.append(CHOICES_HEADER)
    for row in CHOICES if choices is None else choices:
        choice_sheet.append(row)
    if settings:
        settings_sheet = book.create_sheet("settings")
        settings_sheet.append(["form_title", "form_id"])
        settings_sheet.append(["Câu hỏi của tỉnh An Phú", "an-phu-2026"])
    book.save(path)
    return path
