"""Sending one email through the SMTP settings (SMTP_*), for invitations and any other mail.

The standard library's smtplib does the protocol; this module only turns the settings into a
connection. Errors are raised to the caller (smtplib.SMTPException or OSError) and never carry
the recipient into a log line here.
"""
from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str
    password: str
    sender: str
    starttls: bool

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SmtpSettings:
        return cls(
            host=config["SMTP_HOST"], port=config["SMTP_PORT"], user=config["SMTP_USER"],
            password=config["SMTP_PASSWORD"], sender=config["SMTP_FROM"], starttls=config["SMTP_STARTTLS"],
        )

    @property
    def configured(self) -> bool:
        return bool(self.host)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # "application/pdf"
    data: bytes


def send_email(
    settings: SmtpSettings, to: str, subject: str, body: str, attachments: Sequence[Attachment] = ()
) -> None:
    """Send a plain-text UTF-8 message (with any attachments); raises when the server refuses or
    cannot be reached."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    for attachment in attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename)
    with smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS) as smtp:
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.user:
            smtp.login(settings.user, settings.password)
        smtp.send_message(message)
