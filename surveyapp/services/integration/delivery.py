"""Sending one invitation by the channel it was queued for: email through the SMTP settings or an
SMS through the gateway (dossier invitations and campaign invitations alike)."""
from __future__ import annotations

import smtplib

from surveyapp.services.integration.sms import SmsError, SmsGateway, send_sms
from surveyapp.services.mail import SmtpSettings, send_email


def send_invitation(
    smtp: SmtpSettings, gateway: SmsGateway, channel: str, to: str, subject: str, body: str
) -> str | None:
    """None when the message went out; else the failure's kind (never the address or the text),
    for the operator's terminal."""
    try:
        if channel == "email":
            send_email(smtp, to, subject, body)
        else:
            send_sms(gateway, to, body)
    except (SmsError, smtplib.SMTPException, OSError) as error:
        return type(error).__name__
    return None
