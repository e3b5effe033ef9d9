"""`send-reports`: each report subscriber gets the period's report by email, as PDF and/or XLSX
attachments (docs/ALERTS.md, docs/CLI.md); a timer runs it once a month, quarter and year
(docs/DEPLOY.md)."""
from __future__ import annotations

import smtplib
import tempfile
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from surveyapp.db import get_reports_session, get_session
from surveyapp.labels import period_label
from surveyapp.models import ReportDelivery
from surveyapp.periods import Month, Period
from surveyapp.services.alerts import deliveries, scheduled_reports
from surveyapp.services.alerts.subscriptions import AlertError
from surveyapp.services.exports.pdf import PdfError
from surveyapp.services.mail import Attachment, SmtpSettings, send_email
from surveyapp.timeutil import to_utc_naive, utc_now_naive

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@click.command("send-reports")
@click.option("--period", "period_text", required=True,
              help="last-month, last-quarter or last-year (or a month, quarter or year such as 2026-10).")
@click.option("--at", "at_text", default=None, metavar="YYYY-MM-DDTHH:MM",
              help="Act as if it were this Vietnam time (to catch up, or in tests); default: now.")
def send_reports(period_text: str, at_text: str | None) -> None:
    """Mail each report subscriber of the period's kind its unit's report (PDF, XLSX). Running it
    again sends nothing twice; a mail that failed is tried again on a later run."""
    session, config = get_session(), current_app.config
    try:
        now = to_utc_naive(datetime.fromisoformat(at_text)) if at_text else utc_now_naive()
    except ValueError:
        raise click.BadParameter(_("expected a time like 2026-11-27T20:00"), param_hint="--at") from None
    today = Month.of(now)
    try:
        period = scheduled_reports.resolve_period(period_text, today)
    except AlertError as refusal:
        click.echo(_("Refused (%(option)s): %(reason)s", option="--period", reason=str(refusal.message)), err=True)
        raise SystemExit(1) from None
    if period.last >= today:
        click.echo(_("%(period)s is not over yet; its report is sent once it has ended.", period=str(period)), err=True)
        raise SystemExit(1)
    due = scheduled_reports.due(session, period, now)
    # As send-alerts: the deliveries are committed before anything is sent, and each outcome right
    # after its mail, so a report that went out is never sent again.
    session.commit()
    smtp = SmtpSettings.from_config(config)
    sent = failed = 0
    with force_locale("vi"):
        for delivery in due:
            error = _send(delivery, period, smtp)
            deliveries.record_attempt(delivery, error, now, config["ALERT_RETRY_SECONDS"])
            session.commit()
            if error is None:
                sent += 1
                continue
            failed += 1
            click.echo(_("Report %(id)d failed: %(reason)s; attempt %(attempts)d, next try after %(next)s UTC.",
                         id=delivery.id, reason=error, attempts=delivery.attempts,
                         next=delivery.next_attempt_at.strftime("%Y-%m-%d %H:%M")), err=True)
    click.echo(_("%(period)s: %(sent)d report(s) sent, %(failed)d failed (tried again later).",
                 period=str(period), sent=sent, failed=failed))


def _send(delivery: ReportDelivery, period: Period, smtp: SmtpSettings) -> str | None:
    """Make the attachments and mail them; None when the mail went out, else why not."""
    if not smtp.configured:
        return "SMTP_HOST is not set"
    subscription = delivery.subscription
    unit = subscription.unit
    try:
        attachments = _attachments(unit.code, str(period), subscription.format_list)
    except PdfError as error:
        return f"PDF: {error}"[:200]
    label = period_label(period)
    subject = _("Citizen satisfaction report: %(unit)s, %(period)s", unit=unit.name, period=label)
    link = f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/reports/{unit.code}/{period}"
    body = "\n\n".join([
        _("The citizen satisfaction report of %(unit)s for %(period)s is attached.", unit=unit.name, period=label),
        _("Read it online (sign-in needed): %(link)s", link=link),
        _("You receive this mail because this address is subscribed to the unit's reports. An administrator "
          "can stop it (unsubscribe)."),
    ])
    try:
        send_email(smtp, subscription.email, subject, body, attachments)
    except (smtplib.SMTPException, OSError) as error:
        return f"mail server: {type(error).__name__}"
    return None


def _attachments(unit_code: str, period: str, formats: list[str]) -> list[Attachment]:
    # Imported here: the print view and the report (numpy, scipy) are needed only when a report is
    # made, not for every command's start-up.
    from surveyapp.dashboard.routes import render_report_pdf
    from surveyapp.services.exports.report import write_report_xlsx
    from surveyapp.services.organisation.lookups import unit_by_code
    from surveyapp.services.reporting import reports

    out: list[Attachment] = []
    reading = get_reports_session()
    unit = unit_by_code(reading, unit_code)
    assert unit is not None
    base = f"bao-cao-{unit_code}-{period}"
    if "pdf" in formats:
        with current_app.test_request_context("/", base_url=current_app.config["PUBLIC_BASE_URL"]):
            out.append(Attachment(f"{base}.pdf", "application/pdf", render_report_pdf(unit, period)))
    if "xlsx" in formats:
        report = reports.period_report(reading, unit, period, min_responses=current_app.config["MIN_RESPONSES"])
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "report.xlsx"
            write_report_xlsx(reading, report, path)
            out.append(Attachment(f"{base}.xlsx", XLSX, path.read_bytes()))
    return out


COMMANDS: list[click.Command] = [send_reports]
