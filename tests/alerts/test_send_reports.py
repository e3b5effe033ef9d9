"""send-reports end to end with real parts: a subscriber receives the month's report from a real
SMTP server as a PDF (printed by Chromium, read back as text) and an XLSX (opened), once however
often the command runs; a quarter's subscriber waits for the quarter; a mail server that is down
is retried after its back-off, and nothing is lost or sent twice."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from surveyapp.db import get_session
from surveyapp.models import ReportDelivery
from surveyapp.services.accounts import accounts
from tests.dossiers.servers import free_port

# Vietnam time of the runs: early December 2026, so the last month is November and the last
# complete quarter Q3 (July to September).
AT = "2026-12-02T08:00"


def subscribe(runner, email: str, formats: str = "pdf,xlsx", period_kind: str = "month") -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["subscribe", "--unit", "DEMO-X-TANLAP", "--email", email, "--kind", "reports",
                                 "--format", formats, "--period-kind", period_kind])
    assert result.exit_code == 0, result.output


def send_reports(runner, period: str = "last-month", at: str = AT):  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["send-reports", "--period", period, "--at", at])
    assert result.exit_code == 0, result.output
    return result


def attachments(message) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    return {part.get_filename(): part.get_content() for part in message.iter_attachments()}


@pytest.mark.browser
def test_a_subscriber_receives_last_months_report_as_pdf_and_xlsx_once(runner, smtp):
    subscribe(runner, "chu.tich@tanlap.gov.vn")

    first = send_reports(runner)
    send_reports(runner)

    assert "đã gửi 1 báo cáo" in first.output, first.output  # the operator's language: Vietnamese
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "chu.tich@tanlap.gov.vn"
    assert "Tháng 11/2026" in message["Subject"] and "Xã Tân Lập" in message["Subject"]
    files = attachments(message)
    assert set(files) == {"bao-cao-DEMO-X-TANLAP-2026-11.pdf", "bao-cao-DEMO-X-TANLAP-2026-11.xlsx"}

    pdf = PdfReader(io.BytesIO(files["bao-cao-DEMO-X-TANLAP-2026-11.pdf"]))
    text = " ".join(" ".join(page.extract_text() or "" for page in pdf.pages).split()).casefold()
    assert len(pdf.pages) >= 1 and "xã tân lập" in text and "11/2026" in text

    workbook = load_workbook(io.BytesIO(files["bao-cao-DEMO-X-TANLAP-2026-11.xlsx"]), read_only=True)
    cells = {str(c) for row in workbook.worksheets[0].iter_rows(values_only=True) for c in row if c is not None}
    assert any("Tân Lập" in c for c in cells)


def test_a_quarterly_subscriber_waits_for_the_quarter(runner, smtp):
    subscribe(runner, "thong.ke@tanlap.gov.vn", formats="xlsx", period_kind="quarter")

    assert "đã gửi 0 báo cáo" in send_reports(runner, "last-month").output
    assert smtp.messages == []

    send_reports(runner, "last-quarter")
    assert len(smtp.messages) == 1
    assert set(attachments(smtp.messages[0])) == {"bao-cao-DEMO-X-TANLAP-2026-Q3.xlsx"}
    assert "Quý 3/2026" in smtp.messages[0]["Subject"]


def test_a_mail_server_that_is_down_is_retried_after_its_back_off(app, client, runner, smtp):
    subscribe(runner, "chu.tich@tanlap.gov.vn", formats="xlsx")
    app.config["SMTP_PORT"] = free_port()  # nobody listens there

    failed = runner.invoke(args=["send-reports", "--period", "last-month", "--at", AT])
    assert failed.exit_code == 0, failed.output
    assert "gửi lỗi" in failed.output and "mail server" in failed.output
    with app.app_context():
        delivery = get_session().scalars(select(ReportDelivery)).one()
        assert (delivery.status, delivery.attempts, delivery.period) == ("retrying", 1, "2026-11")

    app.config["SMTP_PORT"] = smtp.port
    send_reports(runner, at="2026-12-02T08:00")  # still inside the back-off: not tried
    assert smtp.messages == []
    with app.app_context():  # the administrator sees it waiting on the deliveries page
        session = get_session()
        accounts.create_user(session, "admin-1", "long-enough-passphrase", "admin", None)
        session.commit()
    assert client.post("/login", data={"username": "admin-1", "password": "long-enough-passphrase"}).status_code == 302
    page = client.get("/admin/alerts/deliveries").get_data(as_text=True)
    assert 'data-testid="report-deliveries"' in page and "2026-11" in page and 'data-state="retrying"' in page

    send_reports(runner, at="2026-12-02T09:00")
    send_reports(runner, at="2026-12-02T10:00")
    assert len(smtp.messages) == 1
    with app.app_context():
        delivery = get_session().scalars(select(ReportDelivery)).one()
        assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, None)
    page = client.get("/admin/alerts/deliveries").get_data(as_text=True)
    assert 'data-state="sent"' in page


@pytest.mark.parametrize("period", ["last-week", "2026-H1", "2026-13", "2026-Q5", "2026-01..2026-03"])
def test_a_period_that_is_not_a_month_quarter_or_year_is_refused(runner, smtp, period):
    subscribe(runner, "chu.tich@tanlap.gov.vn", formats="xlsx")
    result = runner.invoke(args=["send-reports", "--period", period, "--at", AT])
    assert result.exit_code == 1
    assert "last-month" in result.output
    assert smtp.messages == []


def test_a_period_that_has_not_ended_is_refused(runner, smtp):
    result = runner.invoke(args=["send-reports", "--period", "2026-12", "--at", AT])
    assert result.exit_code == 1 and "2026-12" in result.output
