"""An official downloads the monthly report as a PDF, printed by Debian's Chromium from the print
view with no network, and reads it: Vietnamese text intact, A4 pages, the headline numbers."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.dashboard.conftest import COMMUNE, MONTH, PROVINCE

pytestmark = pytest.mark.browser

A4_POINTS = (595, 842)


def _read(body: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(body))
    return reader, "\n".join(page.extract_text() or "" for page in reader.pages)


def test_a_commune_official_downloads_the_month_as_a_pdf_in_vietnamese(as_commune):
    reply = as_commune.get(f"/reports/{COMMUNE}/{MONTH}.pdf")
    assert reply.status_code == 200, reply.get_data(as_text=True)[:500]
    assert reply.mimetype == "application/pdf"
    assert f'filename="bao-cao-{COMMUNE}-{MONTH}.pdf"' in reply.headers["Content-Disposition"]
    assert reply.headers["Cache-Control"] == "no-store"
    reader, text = _read(reply.data)
    assert len(reader.pages) >= 1
    width, height = (round(float(v)) for v in reader.pages[0].mediabox.upper_right)
    assert (width, height) == A4_POINTS
    # The glyphs of Vietnamese survive: the unit's name and the report's headings read back as text.
    squeezed = " ".join(text.split())
    assert "Cộng hòa xã hội chủ nghĩa Việt Nam".casefold() in squeezed.casefold()
    for words in ("Xã Tân Lập", "hài lòng"):  # the heading is in capitals (CSS): compare casefolded
        assert words.casefold() in squeezed.casefold(), words


def test_a_province_pdf_of_a_quarter_prints_its_communes(as_admin):
    reply = as_admin.get(f"/reports/{PROVINCE}/2026-Q4.pdf")
    assert reply.status_code == 200
    _reader, text = _read(reply.data)
    squeezed = " ".join(text.split())
    assert "Xã Bình Minh".casefold() in squeezed.casefold() and "Quý 4/2026".casefold() in squeezed.casefold()


def test_an_official_cannot_print_a_unit_outside_his_scope(as_commune):
    assert as_commune.get(f"/reports/{PROVINCE}/{MONTH}.pdf").status_code in (403, 404)


def test_a_missing_printer_gives_a_clear_page_not_a_crash(as_commune, app):
    app.config["CHROMIUM_PATH"] = "/nonexistent/chromium"
    reply = as_commune.get(f"/reports/{COMMUNE}/{MONTH}.pdf")
    assert reply.status_code == 503
    assert "PDF" in reply.get_data(as_text=True)
