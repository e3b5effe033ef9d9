"""Red flags read as limits (issue 12, item 2): on the overview, the print view and the XLSX, in
both languages, a flag is "within" / "possibly above" / "above" its limit, and a zero-tolerance
flag with cases reads "N cases reported", never "below target"."""
from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from tests.dashboard.conftest import MONTH, PROVINCE

FLAG_STATUS_WORDS = {
    "vi": ("trường hợp được phản ánh", "trong ngưỡng", "vượt ngưỡng", "chưa đủ dữ liệu"),
    "en": ("cases reported", "case reported", "within limit", "above limit", "insufficient data"),
}
TARGET_WORDS = {"vi": ("chỉ tiêu",), "en": ("target",)}


def _flags_table(html: str, start: str) -> str:
    section = html[html.index(start):]
    return section[: section.index("</table>")]


def _report_json(client) -> dict:
    return client.get(f"/reports/{PROVINCE}/{MONTH}.json").get_json()


def test_overview_words_flags_as_limits_and_incidents_in_both_languages(as_admin):
    for lang in ("vi", "en"):
        html = as_admin.get(f"/reports/{PROVINCE}/{MONTH}?lang={lang}").get_data(as_text=True)
        table = _flags_table(html, 'id="table-flags"')
        rows = re.findall(r"<tr class=.*?</tr>", table, flags=re.S)
        assert len(rows) == 6
        for row in rows:
            assert any(word in row for word in FLAG_STATUS_WORDS[lang]), row
            assert not any(word in row for word in TARGET_WORDS[lang]), row
        assert re.search(r"\d+ (trường hợp được phản ánh|cases? reported)", table)


def test_print_view_words_flags_as_limits(as_admin):
    for lang in ("vi", "en"):
        html = as_admin.get(f"/reports/{PROVINCE}/{MONTH}/print?lang={lang}").get_data(as_text=True)
        table = _flags_table(html, "III.")
        assert re.search(r"\d+ (trường hợp được phản ánh|cases? reported)", table)
        assert not any(word in table.split("</thead>")[1] for word in TARGET_WORDS[lang])


def test_xlsx_flag_sheet_words_flags_as_limits(as_admin):
    workbook = load_workbook(io.BytesIO(as_admin.get(f"/reports/{PROVINCE}/{MONTH}.xlsx").data))
    sheet = workbook.worksheets[2]
    statuses = [row[8] or "chưa đủ dữ liệu" for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert len(statuses) == 6
    assert all(any(word in s for word in FLAG_STATUS_WORDS["vi"]) for s in statuses), statuses
    assert not any("chỉ tiêu" in s for s in statuses)
